"""`{% load search_tags %}` on initiative pages: `{% duplicate_hint initiative %}`
on the form (the initiatives like the draft, refreshed as it is typed) and
`{% duplicates initiative %}` on the initiative's page (the CoE's links)."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from search import views

register = template.Library()


@register.inclusion_tag("search/_similar_slot.html")
def duplicate_hint(initiative: Any = None) -> dict[str, Any]:
    return {"exclude": getattr(initiative, "pk", None)}


@register.simple_tag(takes_context=True)
def duplicates(context: template.Context, initiative: Any) -> SafeString:
    request = context["request"]
    return render_to_string(
        "search/_duplicates.html", views.duplicates_context(request, initiative), request=request
    )
