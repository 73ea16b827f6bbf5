"""Forms of the inbox, the profile and the delegation pages."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from governance.forms import DateInput
from sponsors.models import NotificationKind, NotificationPreference

KIND_LABELS = {
    NotificationKind.DECISIONS: _("Email me about decisions and items awaiting my decision"),
    NotificationKind.REMINDERS: _("Email me reminders of overdue items"),
    NotificationKind.MENTIONS: _("Email me when someone mentions me"),
}


class ProfileForm(forms.Form):
    """The user's email address, language and notification choices."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Pages, emails and notifications come in this language."),
    )
    email_enabled = forms.BooleanField(label=_("Send me emails at all"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("The site's language")), *settings.LANGUAGES]
        for kind in NotificationKind:
            self.fields[f"email_{kind}"] = forms.BooleanField(
                label=KIND_LABELS[kind], required=False
            )

    @classmethod
    def initial_for(cls, user: User, preference: NotificationPreference | None) -> dict[str, Any]:
        preference = preference or NotificationPreference()
        return {
            "email": user.email,
            "language": preference.language,
            "email_enabled": preference.email_enabled,
            **{f"email_{kind}": getattr(preference, f"email_{kind}") for kind in NotificationKind},
        }


class DelegationForm(forms.Form):
    """Who signs off for the sponsor, and from when to when."""

    delegate = forms.CharField(
        label=_("Delegate (user name)"),
        max_length=150,
        help_text=_("The person who signs off on your behalf."),
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("To (inclusive)"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.TextInput()
    )

    def clean_delegate(self) -> User:
        name = self.cleaned_data["delegate"].strip()
        user = User.objects.filter(username=name).first() if "\x00" not in name else None
        if user is None:
            raise forms.ValidationError(_("No user with this user name."))
        return user
