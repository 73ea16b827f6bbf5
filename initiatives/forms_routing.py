"""The routing rules' form: an ordered list of rules (a formset: add, remove,
reorder), each with its conditions and its ordered chain of steps. The form
only shapes the input; the service checks it (`routing.clean_rules`), and its
errors, named `rules.<n>.<field>`, are shown at the field of the n-th rule."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from initiatives import routing
from initiatives.models import Audience, Risk


def _step_field(n: int, choices: list[tuple[str, Any]]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Step %(n)d") % {"n": n},
        required=False,
        choices=[("", _("(none)")), *choices],
    )


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Rule name"), max_length=200)
    min_budget = forms.DecimalField(
        label=_("Budget from (included)"), required=False, min_value=Decimal(0), decimal_places=2
    )
    max_budget = forms.DecimalField(
        label=_("Budget below"), required=False, min_value=Decimal(0), decimal_places=2
    )
    above_sponsor_threshold = forms.BooleanField(
        label=_("Only when the budget is above the unit's sponsor threshold"), required=False
    )
    risks = forms.MultipleChoiceField(
        label=_("Risk levels"),
        required=False,
        choices=Risk.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    channels = forms.CharField(
        label=_("Channels"),
        required=False,
        help_text=_("Separated by commas; any of the initiative's channels, ignoring case."),
    )
    audiences = forms.MultipleChoiceField(
        label=_("Audiences"),
        required=False,
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.TypedMultipleChoiceField(
        label=_("Business units"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        units: Iterable[tuple[int, str]] = (),
        steps: list[tuple[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = list(units)  # type: ignore[attr-defined]
        steps = steps or []
        # One select per place in the chain: as many places as there are steps.
        self.step_names = [f"step_{n}" for n in range(1, max(len(steps), 1) + 1)]
        for n, name in enumerate(self.step_names, start=1):
            self.fields[name] = _step_field(n, steps)

    def clean_channels(self) -> list[str]:
        raw = self.cleaned_data.get("channels") or ""
        return [c.strip() for c in raw.split(",") if c.strip()]

    @property
    def step_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.step_names]

    @property
    def condition_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in (
                "min_budget",
                "max_budget",
                "above_sponsor_threshold",
                "risks",
                "channels",
                "audiences",
                "units",
            )
        ]

    def rule(self) -> dict[str, Any]:
        """The rule as the service takes it (routing.RULE_FIELDS)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "min_budget": data.get("min_budget"),
            "max_budget": data.get("max_budget"),
            "above_sponsor_threshold": bool(data.get("above_sponsor_threshold")),
            "risks": list(data.get("risks") or []),
            "channels": list(data.get("channels") or []),
            "audiences": list(data.get("audiences") or []),
            "units": list(data.get("units") or []),
            "steps": [data[name] for name in self.step_names if data.get(name)],
        }


class BaseRuleFormSet(forms.BaseFormSet):
    def __init__(
        self,
        *args: Any,
        units: Iterable[tuple[int, str]] = (),
        steps: list[tuple[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.units = list(units)
        self.steps = steps or []
        super().__init__(*args, **kwargs)

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["ORDER"].label = _("Position")
        form.fields["DELETE"].label = _("Remove this rule")

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"units": self.units, "steps": self.steps}

    def rules(self) -> list[tuple[RuleForm, dict[str, Any]]]:
        """The kept rules in their new order, each with its form (a valid
        formset only). A rule without a position goes last; where two share
        a position, the one moved there goes first (so that giving a rule
        position 1 puts it first)."""
        initial = self.initial_form_count()
        kept = []
        for index, form in enumerate(self.forms):
            if form.cleaned_data.get("DELETE"):
                continue
            if index >= initial and not form.has_changed():
                continue
            order = form.cleaned_data.get("ORDER")
            moved = order != (index + 1 if index < initial else None)
            kept.append(((order is None, order or 0, not moved, index), form))
        kept.sort(key=lambda pair: pair[0])
        return [(form, form.rule()) for _key, form in kept]

    def show_errors(self, error: ValidationError, kept: list[RuleForm]) -> None:
        """Put the service's errors (`rules.<n>.<field>`) on the n-th kept
        rule's field; the steps' on the first step."""
        for key, problems in error.message_dict.items():
            parts = key.split(".")
            try:
                form = kept[int(parts[1]) - 1]
            except (IndexError, ValueError):
                self._non_form_errors = self.error_class(problems)
                continue
            field = parts[2] if len(parts) > 2 else None
            if field == "steps":
                field = form.step_names[0]
            if field not in form.fields:
                field = None
            for problem in problems:
                form.add_error(field, problem)


RuleFormSet = cast(
    type[BaseRuleFormSet],
    forms.formset_factory(
        RuleForm, formset=BaseRuleFormSet, extra=0, can_order=True, can_delete=True
    ),
)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("What changes, and why"), required=False, max_length=500)


def initial_of(rule: Any) -> dict[str, Any]:
    """A stored rule as the form's initial values."""
    initial = {field: getattr(rule, field) for field in routing.RULE_FIELDS if field != "steps"}
    initial["channels"] = ", ".join(rule.channels)
    for n, step in enumerate(rule.steps, start=1):
        initial[f"step_{n}"] = step
    return initial
