"""Forms of the policy pages. They validate input and shape it for
policies.services; the services decide what is allowed."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from governance.forms import DateInput
from governance.models import BusinessUnit
from initiatives.models import Initiative
from policies.models import MAX_REVIEW_INTERVAL_MONTHS, Category, ExceptionState, Policy


class AsOfForm(forms.Form):
    """Which version was in force on a day."""

    as_of = forms.DateField(label=_("In force on"), widget=DateInput())


class ServiceErrorsMixin:
    """Show a service's ValidationError on the fields it names."""

    def add_service_errors(self, error: ValidationError) -> None:
        form = cast(forms.Form, self)
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            form.add_error(None, error.messages)


# The model's labels are English only; the forms show these.
CATEGORY_CHOICES = [
    (Category.SOCIAL_MEDIA, _("Social media policy")),
    (Category.BRAND_VOICE, _("Brand voice")),
    (Category.COMMUNITY_RESPONSE, _("Community response and triage")),
    (Category.CRISIS_ESCALATION, _("Crisis escalation")),
    (Category.EMPLOYEE_ADVOCACY, _("Employee advocacy")),
    (Category.PRIVACY, _("Privacy and data")),
    (Category.DISCLOSURE, _("Disclosure and compliance")),
    (Category.ACCOUNT_SECURITY, _("Account security")),
]
assert {key for key, _label in CATEGORY_CHOICES} == set(Category)


class PolicyForm(ServiceErrorsMixin, forms.Form):
    """The working copy of a policy: drafted new, or edited while a draft. An
    edit says why (the history and the audit log keep the reason)."""

    title = forms.CharField(max_length=200, label=_("Title"))
    category = forms.ChoiceField(choices=CATEGORY_CHOICES, label=_("Category"))
    body = forms.CharField(
        required=False,
        max_length=100_000,
        label=_("Body (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Headings with #, lists with - or 1., **bold**, *italic*, links as [text](https://…). "
            "Required to publish."
        ),
    )
    business_units = forms.ModelMultipleChoiceField(
        queryset=BusinessUnit.objects.none(),
        required=False,
        label=_("Applies to"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the policy applies to every business unit."),
    )
    review_interval_months = forms.IntegerField(
        min_value=1,
        max_value=MAX_REVIEW_INTERVAL_MONTHS,
        initial=12,
        label=_("Review every (months)"),
    )
    change_reason = forms.CharField(
        max_length=100,
        label=_("Why this change"),
        help_text=_("Kept in the policy's history and the audit log."),
    )

    def __init__(self, *args: Any, policy: Policy | None = None, **kwargs: Any) -> None:
        if policy is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": policy.title,
                    "category": policy.category,
                    "body": policy.body,
                    "business_units": list(policy.business_units.all()),
                    "review_interval_months": policy.review_interval_months,
                },
            )
        super().__init__(*args, **kwargs)
        units = cast(forms.ModelMultipleChoiceField, self.fields["business_units"])
        units.queryset = BusinessUnit.objects.order_by("name")
        if policy is None:
            # A new draft's reason is its creation.
            del self.fields["change_reason"]

    def changes(self) -> dict[str, Any]:
        """What the services take: every field but the reason."""
        return {k: v for k, v in self.cleaned_data.items() if k != "change_reason"}


class PublishForm(ServiceErrorsMixin, forms.Form):
    """Publish with an effective date: today unless a later day is given."""

    effective_date = forms.DateField(
        required=False,
        label=_("In effect from"),
        widget=DateInput(),
        help_text=_("Today or later; empty: today. The version before stays in force until then."),
    )
    comment = forms.CharField(
        required=False,
        max_length=5000,
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TransitionForm(forms.Form):
    """A decision's comment (required where the rule says so), and the
    confirmation of one that cannot be undone."""

    comment = forms.CharField(
        required=False,
        max_length=5000,
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        required=False,
        label=_(
            "Yes, retire this policy: it stops being in force for everyone. This cannot be undone."
        ),
    )

    def __init__(
        self, *args: Any, comment_required: bool, needs_confirm: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.comment_required = comment_required
        self.needs_confirm = needs_confirm
        comment = self.fields["comment"]
        comment.required = comment_required
        comment.error_messages["required"] = _("A comment is required for this decision.")
        if not needs_confirm:
            del self.fields["confirm"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.needs_confirm and not self.cleaned_data.get("confirm"):
            self.add_error("confirm", _("Tick the box to confirm."))
        return self.cleaned_data


class ExceptionRequestForm(ServiceErrorsMixin, forms.Form):
    """Ask for a waiver of one policy for one initiative, until a date."""

    initiative = forms.ModelChoiceField(queryset=Initiative.objects.none(), label=_("Initiative"))
    policy = forms.ModelChoiceField(queryset=Policy.objects.none(), label=_("Policy"))
    reason = forms.CharField(
        max_length=5000,
        label=_("Why the exception is needed"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    expires_on = forms.DateField(
        label=_("Until"),
        widget=DateInput(),
        help_text=_("The exception ends on this day by itself; at most 12 months ahead."),
    )

    def __init__(
        self,
        *args: Any,
        initiatives: QuerySet[Initiative],
        policies: QuerySet[Policy],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["initiative"]).queryset = initiatives
        cast(forms.ModelChoiceField, self.fields["policy"]).queryset = policies


EXCEPTION_STATE_CHOICES = [
    ("", _("All states")),
    (ExceptionState.REQUESTED, _("Awaiting decision")),
    (ExceptionState.APPROVED, _("Approved")),
    (ExceptionState.REJECTED, _("Rejected")),
]


class ExceptionFilterForm(forms.Form):
    state = forms.ChoiceField(required=False, choices=EXCEPTION_STATE_CHOICES, label=_("State"))
