"""`{% load sections %}{% object_sections obj %}` on an object's page: the
sections other apps registered for it (governance.registry.object_sections),
such as the library's related reading, without the page's app importing them."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from governance import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def object_sections(context: template.Context, obj: Any) -> SafeString:
    request = context["request"]
    parts = [
        render_to_string(panel.template, panel.context | {"panel": panel}, request=request)
        for panel in registry.sections_for(request, obj)
    ]
    return mark_safe("".join(parts))
