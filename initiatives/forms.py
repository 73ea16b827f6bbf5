"""Forms of the initiative pages. They validate input and shape it for
initiatives.services; the services decide what is allowed."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from governance.forms import DateInput
from governance.models import BusinessUnit, StrategicGoal
from initiatives.models import MAX_BUDGET, Audience, Function, Risk, State
from initiatives.selectors import SORTS

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
CONFIRM_TRANSITIONS = frozenset({"reject", "withdraw", "sponsor_reject"})


class InitiativeForm(forms.Form):
    """Create (with a business unit) or edit (without) the content of an initiative."""

    business_unit = forms.ModelChoiceField(
        queryset=BusinessUnit.objects.none(), label=FIELD_LABELS["business_unit"]
    )
    title = forms.CharField(max_length=200, label=FIELD_LABELS["title"])
    summary = forms.CharField(
        required=False,
        label=FIELD_LABELS["summary"],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to submit: what the initiative does and for whom."),
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=StrategicGoal.objects.filter(active=True),
        required=False,
        label=FIELD_LABELS["goals"],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Required to submit: at least one."),
    )
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
    channels = forms.CharField(
        required=False,
        max_length=2000,
        label=FIELD_LABELS["channels"],
        help_text=_("Separated by commas, for example: Instagram, LinkedIn"),
    )
    budget = forms.DecimalField(
        min_value=0,
        max_value=MAX_BUDGET,
        max_digits=15,
        decimal_places=2,
        initial=0,
        label=FIELD_LABELS["budget"],
        localize=True,
    )
    risk = forms.ChoiceField(choices=Risk.choices, initial=Risk.LOW, label=FIELD_LABELS["risk"])
    kpis = forms.CharField(
        required=False,
        label=FIELD_LABELS["kpis"],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    start_date = forms.DateField(
        required=False, label=FIELD_LABELS["start_date"], widget=DateInput()
    )
    end_date = forms.DateField(required=False, label=FIELD_LABELS["end_date"], widget=DateInput())

    def __init__(
        self, *args: Any, units: QuerySet[BusinessUnit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["business_unit"]
        else:
            self.fields["business_unit"].queryset = units

    def clean_channels(self) -> list[str]:
        names = [c.strip() for c in self.cleaned_data["channels"].split(",") if c.strip()]
        if any(len(name) > 60 for name in names):
            raise ValidationError(_("Each channel name has at most 60 characters."))
        if len(names) > 30:
            raise ValidationError(_("At most 30 channels."))
        return list(dict.fromkeys(names))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)

    @staticmethod
    def initial_from(initiative: Any) -> dict[str, Any]:
        return {
            "title": initiative.title,
            "summary": initiative.summary,
            "goals": list(initiative.goals.all()),
            "audiences": initiative.audiences,
            "functions": initiative.functions,
            "channels": ", ".join(initiative.channels),
            "budget": initiative.budget,
            "risk": initiative.risk,
            "kpis": initiative.kpis,
            "start_date": initiative.start_date,
            "end_date": initiative.end_date,
        }


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
        data = super().clean()
        if self.comment_required and not (data.get("comment") or "").strip():
            self.add_error("comment", _("A comment is required for this decision."))
        if self.needs_confirm and not data.get("confirm"):
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

    def __init__(self, *args: Any, units: QuerySet[BusinessUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *State.choices]
        self.fields["business_unit"].queryset = units
        self.fields["business_unit"].empty_label = _("All units")
        self.fields["goal"].empty_label = _("All goals")
