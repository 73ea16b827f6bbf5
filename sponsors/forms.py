"""Forms of the sponsor pages."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from governance.models import BusinessUnit
from initiatives.models import ScoringCriterion


class PortfolioFilterForm(forms.Form):
    """Narrow the portfolio to one of its units; a unit outside it is not a choice."""

    business_unit = forms.ModelChoiceField(
        queryset=BusinessUnit.objects.none(), required=False, label=_("Business unit")
    )

    def __init__(self, *args: Any, units: QuerySet[BusinessUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["business_unit"])
        field.queryset = units
        field.empty_label = _("All units")


# Each criterion of the priority score, as people read it, and what scores high on it.
CRITERIA = {
    ScoringCriterion.Key.ALIGNMENT: (
        _("Strategic alignment"),
        _("Serves an active strategic goal."),
    ),
    ScoringCriterion.Key.IMPACT: (_("Expected impact"), _("A higher expected impact.")),
    ScoringCriterion.Key.COST: (_("Cost"), _("A smaller budget.")),
    ScoringCriterion.Key.RISK: (_("Risk"), _("A lower risk.")),
    ScoringCriterion.Key.EFFORT: (_("Effort"), _("Less effort.")),
}
assert set(CRITERIA) == set(ScoringCriterion.Key)


class ScoringWeightsForm(forms.Form):
    """One weight per criterion: zero or more, two decimals. What counts is
    each weight's share of their sum."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, (label, help_text) in CRITERIA.items():
            self.fields[key] = forms.DecimalField(
                label=label,
                help_text=help_text,
                min_value=Decimal(0),
                max_digits=5,
                decimal_places=2,
                localize=True,
            )
