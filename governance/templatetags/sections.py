"""`{% load sections %}{% object_sections obj place %}` on an object's page:
the sections other apps registered for that place of it
(governance.registry.object_sections), such as the accounts an initiative
uses or the library's related reading, without the page's app importing them.
`place` is one of registry.DETAILS, ACTIONS or END (the default)."""

from collections.abc import Mapping
from typing import Any, cast

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from governance import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def object_sections(context: template.Context, obj: Any, place: str = registry.END) -> SafeString:
    request = context["request"]
    # The page's own context, for sections that reuse what the page has read.
    page = cast(Mapping[str, Any], context.flatten())
    parts = [
        render_to_string(panel.template, panel.context | {"panel": panel}, request=request)
        for panel in registry.sections_for(request, obj, place=place, page=page)
    ]
    return mark_safe("".join(parts))
