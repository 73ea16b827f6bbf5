"""Forms of the playbook and incident pages."""

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from governance.forms import DateInput
from governance.models import BusinessUnit
from incidents.models import ContactRole, IncidentEntry, Severity
from social_accounts.forms import ServiceErrorsMixin, UserChoice
from social_accounts.models import SocialAccount

SEVERITY_CHOICES = list(Severity.choices)


class AccountChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        paused = f" ({_('paused')})" if obj.paused else ""
        return f"{obj} · {obj.business_unit.name}{paused}"


class DeclareForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(max_length=200, label=_("What is happening"))
    severity = forms.ChoiceField(choices=SEVERITY_CHOICES, label=_("Severity"))
    accounts = AccountChoices(
        queryset=SocialAccount.objects.none(),
        label=_("Affected accounts"),
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        required=False,
        max_length=5000,
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, accounts: QuerySet[SocialAccount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["accounts"]).queryset = accounts


class EntryForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=[
            (IncidentEntry.Kind.UPDATE, _("Update")),
            (IncidentEntry.Kind.DECISION, _("Decision")),
        ],
        label=_("Kind"),
    )
    text = forms.CharField(
        max_length=5000, label=_("Text"), widget=forms.Textarea(attrs={"rows": 3})
    )


class EscalateForm(ServiceErrorsMixin, forms.Form):
    severity = forms.ChoiceField(choices=SEVERITY_CHOICES, label=_("New severity"))
    text = forms.CharField(required=False, max_length=5000, label=_("Why"))


class CloseForm(ServiceErrorsMixin, forms.Form):
    review = forms.CharField(
        max_length=10000,
        label=_("Review"),
        help_text=_("What happened, what was done, what changes now."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PlaybookForm(ServiceErrorsMixin, forms.Form):
    """The working copy: text, scope, and for each severity a role or person
    with a backup."""

    title = forms.CharField(max_length=200, label=_("Title"))
    body = forms.CharField(
        required=False,
        label=_("First steps (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    effective_date = forms.DateField(required=False, label=_("Effective date"), widget=DateInput())
    business_units = forms.ModelMultipleChoiceField(
        queryset=BusinessUnit.objects.order_by("name"),
        required=False,
        label=_("Units covered (none: every unit)"),
        widget=forms.CheckboxSelectMultiple,
    )
    accounts = AccountChoices(
        queryset=SocialAccount.objects.none(),
        required=False,
        label=_("Accounts covered (none: every account of those units)"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["accounts"]).queryset = (
            SocialAccount.objects.exclude(state__in=("rejected", "retired"))
            .select_related("business_unit")
            .order_by("channel", "handle")
        )
        users = User.objects.filter(is_active=True).order_by("username")
        for value, label in Severity.choices:
            self.fields[f"{value}_role"] = forms.ChoiceField(
                choices=[("", "—"), *ContactRole.choices],
                required=False,
                label=_("%(severity)s: role called") % {"severity": label},
            )
            self.fields[f"{value}_person"] = UserChoice(
                queryset=users,
                required=False,
                label=_("%(severity)s: person called") % {"severity": label},
            )
            self.fields[f"{value}_backup"] = UserChoice(
                queryset=users,
                required=False,
                label=_("%(severity)s: backup") % {"severity": label},
            )

    def contacts(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "severity": value,
                "role": data.get(f"{value}_role") or "",
                "person": data.get(f"{value}_person"),
                "backup": data.get(f"{value}_backup"),
            }
            for value in Severity.values
            if data.get(f"{value}_role") or data.get(f"{value}_person")
        ]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "effective_date": data["effective_date"],
            "business_units": list(data["business_units"]),
            "accounts": list(data["accounts"]),
            "contacts": self.contacts(),
        }

    @staticmethod
    def initial_for(playbook: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": playbook.title,
            "body": playbook.body,
            "effective_date": playbook.effective_date,
            "business_units": list(playbook.business_units.all()),
            "accounts": list(playbook.accounts.all()),
        }
        for contact in playbook.contacts.all():
            initial[f"{contact.severity}_role"] = contact.role
            initial[f"{contact.severity}_person"] = contact.person_id
            initial[f"{contact.severity}_backup"] = contact.backup_id
        return initial


class PublishForm(forms.Form):
    comment = forms.CharField(required=False, max_length=5000, label=_("Comment"))
    effective_date = forms.DateField(required=False, label=_("Effective date"), widget=DateInput())
