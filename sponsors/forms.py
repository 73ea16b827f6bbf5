"""Forms of the sponsor pages."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from governance.models import BusinessUnit


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
