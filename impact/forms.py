"""The impact pages' forms. They check the shape of the input; the services
check the rules (a goal of the initiative, the target's side, the state)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import StrategicGoal
from impact.models import Direction, Kpi, Result
from initiatives.models import Initiative

DATE = forms.DateInput(attrs={"type": "date"})


class KpiForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    goal: "forms.ModelChoiceField[StrategicGoal]" = forms.ModelChoiceField(
        label=_("Strategic goal"), queryset=StrategicGoal.objects.none()
    )
    unit = forms.CharField(label=_("Unit of measure"), max_length=40)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=18, decimal_places=4)
    target = forms.DecimalField(label=_("Target"), max_digits=18, decimal_places=4)
    due_on = forms.DateField(label=_("Due date"), widget=DATE)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal_field = self.fields["goal"]
        assert isinstance(goal_field, forms.ModelChoiceField)
        goal_field.queryset = initiative.goals.order_by("title")


class MeasurementForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=18, decimal_places=4)
    measured_on = forms.DateField(label=_("Date"), widget=DATE)
    source = forms.CharField(label=_("Source"), max_length=200)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CorrectionForm(MeasurementForm):
    note = forms.CharField(label=_("Why it is corrected"), widget=forms.Textarea(attrs={"rows": 2}))


class SpendForm(forms.Form):
    period = forms.DateField(label=_("Month (any day of it)"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), max_digits=15, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class OutcomeReviewForm(forms.Form):
    lessons = forms.CharField(label=_("Lessons learned"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, kpis: list[Kpi], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kpi_fields = []
        for kpi in kpis:
            key = f"result_{kpi.pk}"
            self.fields[key] = forms.ChoiceField(
                label=kpi.name, choices=Result.choices, widget=forms.RadioSelect
            )
            self.kpi_fields.append(key)
        self.order_fields([*self.kpi_fields, "lessons"])

    def results(self) -> dict[int, str]:
        return {int(key.removeprefix("result_")): self.cleaned_data[key] for key in self.kpi_fields}


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
