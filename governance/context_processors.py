from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from governance import access


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which optional entries the navigation shows; computed only when a page asks."""
    user = getattr(request, "user", None)
    return {
        "show_audit_link": SimpleLazyObject(
            lambda: user is not None and access.is_auditor_or_coe_lead(user)
        )
    }
