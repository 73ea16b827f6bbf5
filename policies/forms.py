"""Forms of the policy pages. They validate input; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.forms import DateInput


class AsOfForm(forms.Form):
    """Which version was in force on a day."""

    as_of = forms.DateField(label=_("In force on"), widget=DateInput())
