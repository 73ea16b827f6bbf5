"""The request size limit, for the pages' forms to check before sending
(static/js/form-limit.js)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def max_request_bytes() -> int:
    return int(settings.MAX_REQUEST_BYTES)
