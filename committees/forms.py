from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from committees import selectors, services
from committees.models import Committee, Vote
from governance.models import BusinessUnit


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=Vote.Choice.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=services.MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=services.MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OwnerForm(forms.Form):
    """The working group to make owner of an initiative or a policy."""

    committee = forms.ModelChoiceField(
        label=_("Working group"), queryset=Committee.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = selectors.working_groups()  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    business_unit = forms.ModelChoiceField(
        label=_("Unit they come from"),
        queryset=BusinessUnit.objects.order_by("name"),
        required=False,
    )

    def clean_username(self) -> User:
        found = User.objects.filter(
            username=self.cleaned_data["username"].strip(), is_active=True
        ).first()
        if found is None:
            raise forms.ValidationError(_("No active user of this name."))
        return found
