"""Forms of the initiative pages. They validate input and shape it for
initiatives.services; the services decide what is allowed."""

import copy
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from governance.forms import DateInput
from governance.models import BusinessUnit, StrategicGoal
from initiatives.models import (
    AMENDABLE_FIELDS,
    EDITABLE_FIELDS,
    Audience,
    Function,
    Initiative,
    State,
)
from initiatives.selectors import SORTS, TRANSITIONS

# The label of every field a person sees, in forms and in the field history.
FIELD_LABELS = {
    "title": _("Title"),
    "summary": _("Summary"),
    "business_unit": _("Business unit"),
    "owner": _("Owner"),
    "goals": _("Strategic goals"),
    "audiences": _("Audiences"),
    "functions": _("Functions"),
    "channels": _("Channels"),
    "budget": _("Budget"),
    "risk": _("Risk"),
    "kpis": _("KPIs"),
    "start_date": _("Start date"),
    "end_date": _("End date"),
    "state": _("State"),
    "created_at": _("Created"),
    "updated_at": _("Last changed"),
}

# Transitions whose result cannot be undone ask for an explicit confirmation.
CONFIRM_TRANSITIONS = frozenset({"reject", "withdraw", "sponsor_reject", "finance_reject"})


class ChannelsField(forms.CharField):
    """A list of channel names, entered as one line separated by commas."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=2000, **kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        # A CharField's empty value is "" unless it is told otherwise.
        text = super().to_python(value) or ""
        return [name.strip() for name in text.split(",") if name.strip()]

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value


# The priority score's inputs are set through the API; the page leaves them as they are.
_NOT_ON_THE_PAGE = ("expected_impact", "effort")


class InitiativeForm(forms.ModelForm):
    """Create (with a business unit) or edit (without) the content of an initiative.
    The rules on the values are the model's (Initiative.clean), shown at the field."""

    # Lists are stored as JSON; here they are checkboxes and a line of text.
    audiences = forms.MultipleChoiceField(
        choices=Audience.choices,
        required=False,
        label=FIELD_LABELS["audiences"],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Required to submit: at least one."),
    )
    functions = forms.MultipleChoiceField(
        choices=Function.choices,
        required=False,
        label=FIELD_LABELS["functions"],
        widget=forms.CheckboxSelectMultiple,
    )
    channels = ChannelsField(
        required=False,
        label=FIELD_LABELS["channels"],
        help_text=_("Separated by commas, for example: Instagram, LinkedIn"),
    )

    class Meta:
        model = Initiative
        fields = [
            "business_unit",
            *(name for name in EDITABLE_FIELDS if name not in _NOT_ON_THE_PAGE),
        ]
        labels = FIELD_LABELS
        help_texts = {
            "summary": _("Required to submit: what the initiative does and for whom."),
            "goals": _("Required to submit: at least one."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "goals": forms.CheckboxSelectMultiple,
            "kpis": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }
        localized_fields = ["budget"]

    def __init__(
        self,
        data: Any = None,
        *,
        units: QuerySet[BusinessUnit] | None = None,
        instance: Initiative | None = None,
        **kwargs: Any,
    ) -> None:
        # The form checks a copy: the service, not the form, changes the initiative.
        super().__init__(data, instance=copy.copy(instance), **kwargs)
        if units is None:
            del self.fields["business_unit"]
        else:
            cast(forms.ModelChoiceField, self.fields["business_unit"]).queryset = units
        goals = cast(forms.ModelMultipleChoiceField, self.fields["goals"])
        goals.queryset = StrategicGoal.objects.filter(active=True)
        if "budget" in self.fields:
            self.fields["budget"].label = _("Budget (%(currency)s)") % {
                "currency": settings.CURRENCY
            }

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class AmendmentForm(forms.ModelForm):
    """Propose an amendment: the amendable fields, prefilled with the current
    values, and the reason. Only the fields whose value changes are proposed."""

    audiences = forms.MultipleChoiceField(
        choices=Audience.choices,
        required=False,
        label=FIELD_LABELS["audiences"],
        widget=forms.CheckboxSelectMultiple,
    )
    channels = ChannelsField(
        required=False,
        label=FIELD_LABELS["channels"],
        help_text=_("Separated by commas, for example: Instagram, LinkedIn"),
    )
    reason = forms.CharField(
        max_length=5000,
        label=_("Why it should change"),
        help_text=_("The reviewers read this first."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Initiative
        fields = list(AMENDABLE_FIELDS)
        labels = FIELD_LABELS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "goals": forms.CheckboxSelectMultiple,
            "kpis": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "end_date": DateInput(),
        }
        localized_fields = ["budget"]

    def __init__(self, data: Any = None, *, instance: Initiative, **kwargs: Any) -> None:
        # The form checks a copy: an amendment changes nothing until it is approved.
        super().__init__(data, instance=copy.copy(instance), **kwargs)
        self.current = instance
        goals = cast(forms.ModelMultipleChoiceField, self.fields["goals"])
        # Active goals, and those the initiative serves already (kept unless unticked).
        goals.queryset = StrategicGoal.objects.filter(
            Q(active=True) | Q(pk__in=instance.goals.values("pk"))
        )
        # A summary can be changed, not cleared.
        self.fields["summary"].required = True

    def changes(self) -> dict[str, Any]:
        """The proposed values of the fields that differ from the current ones."""
        changed: dict[str, Any] = {}
        for field in AMENDABLE_FIELDS:
            new = self.cleaned_data[field]
            if field == "goals":
                if {g.pk for g in new} != set(self.current.goals.values_list("pk", flat=True)):
                    changed[field] = list(new)
            elif new != getattr(self.current, field):
                changed[field] = new
        return changed

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class TransitionForm(forms.Form):
    """The comment, and the confirmation of a transition that cannot be undone."""

    comment = forms.CharField(
        required=False,
        max_length=5000,
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(required=False, label=_("I confirm"))

    def __init__(
        self, *args: Any, comment_required: bool, needs_confirm: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.comment_required = comment_required
        self.needs_confirm = needs_confirm

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.comment_required and not (data.get("comment") or "").strip():
            self.add_error("comment", _("A comment is required for this decision."))
        if self.needs_confirm and not data.get("confirm"):
            self.add_error("confirm", _("Tick the box to confirm."))
        return data


# The most items one bulk decision takes (the API's limit).
BULK_MAX_ITEMS = 200


class IdListField(forms.Field):
    """The ids of the ticked items (checkboxes named alike)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return list(dict.fromkeys(int(v) for v in value))
        except (TypeError, ValueError):
            raise ValidationError(_("Choose initiatives from the list."), code="invalid") from None

    def validate(self, value: Any) -> None:
        if not value:
            raise ValidationError(_("Select at least one initiative."), code="required")
        if len(value) > BULK_MAX_ITEMS:
            raise ValidationError(
                _("Select at most %(max)d initiatives at once.") % {"max": BULK_MAX_ITEMS},
                code="max",
            )


class BulkDecisionForm(forms.Form):
    """One decision, with its comment, on the ticked initiatives."""

    ids = IdListField(label=_("Initiatives"))
    transition = forms.ChoiceField(label=_("Decision"))
    comment = forms.CharField(
        required=False,
        max_length=5000,
        label=_("Comment"),
        help_text=_("Recorded with each decision. Required to request changes or to reject."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        required=False, label=_("I confirm: a rejection cannot be undone.")
    )

    def __init__(self, *args: Any, decisions: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["transition"]).choices = [
            ("", _("Choose a decision")),
            *decisions,
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        name = data.get("transition")
        if name and TRANSITIONS[name].comment_required and not data.get("comment", "").strip():
            self.add_error("comment", _("A comment is required for this decision."))
        if name in CONFIRM_TRANSITIONS and not data.get("confirm"):
            self.add_error("confirm", _("Tick the box to confirm."))
        return data


SORT_LABELS = {
    "created": _("Newest first"),
    "title": _("Title"),
    "budget": _("Budget, highest first"),
    "waiting": _("Waiting longest first"),
    "score": _("Priority score, highest first"),
}
assert set(SORT_LABELS) == set(SORTS)


class InitiativeFilterForm(forms.Form):
    """The list's filters and order; every field is optional."""

    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    state = forms.ChoiceField(required=False, label=_("State"))
    business_unit = forms.ModelChoiceField(
        queryset=BusinessUnit.objects.none(), required=False, label=_("Business unit")
    )
    goal = forms.ModelChoiceField(
        queryset=StrategicGoal.objects.all(), required=False, label=_("Strategic goal")
    )
    sort = forms.ChoiceField(required=False, choices=list(SORT_LABELS.items()), label=_("Sort by"))
    attention = forms.ChoiceField(
        required=False,
        label=_("Needs attention"),
        choices=[
            ("", _("Any")),
            ("awaiting", _("Awaiting my decision")),
            ("overdue", _("Overdue")),
            ("without_goal", _("Without a strategic goal")),
        ],
    )

    def __init__(self, *args: Any, units: QuerySet[BusinessUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["state"]).choices = [
            ("", _("All states")),
            *State.choices,
        ]
        business_unit = cast(forms.ModelChoiceField, self.fields["business_unit"])
        business_unit.queryset = units
        business_unit.empty_label = _("All units")
        cast(forms.ModelChoiceField, self.fields["goal"]).empty_label = _("All goals")
