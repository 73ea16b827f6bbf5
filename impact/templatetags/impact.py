"""`{% impact initiative %}`: the initiative page's link to its impact page,
with how many KPIs it has (one query)."""

from typing import Any

from django import template

from impact.models import Kpi
from initiatives.models import Initiative

register = template.Library()


@register.inclusion_tag("impact/_initiative_card.html")
def impact(initiative: Initiative) -> dict[str, Any]:
    return {
        "initiative": initiative,
        "kpi_count": Kpi.objects.filter(initiative=initiative).count(),
    }
