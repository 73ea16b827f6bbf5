"""`{% load search_tags %}{% duplicate_hint initiative %}` on the initiative
form: the initiatives like the draft, refreshed as it is typed. (The CoE's
duplicate links on the initiative's page are a registered object section:
search.views.duplicates_section.)"""

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("search/_similar_slot.html")
def duplicate_hint(initiative: Any = None) -> dict[str, Any]:
    return {"exclude": getattr(initiative, "pk", None)}
