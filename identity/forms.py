from django import forms
from django.utils.translation import gettext_lazy as _

from identity.models import RoleMapping


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, such as the script or tool that uses it."),
    )


class RoleMappingForm(forms.ModelForm):
    class Meta:
        model = RoleMapping
        fields = ["group", "role", "business_unit", "approval_threshold"]
