"""What every page's header needs: the navigation entries the user may follow."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from governance import access
from sponsors.selectors import has_portfolio


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any
    # Who sees the entry; the page itself still checks (a hidden link is not a guard).
    visible: Callable[[Any], bool] = lambda user: True


# The main navigation, in order. Policies and the sponsor's portfolio add their
# entries here, for example NavItem("policies:list", _("Policies")).
NAVIGATION: list[NavItem] = [
    NavItem("home", _("Home")),
    NavItem("initiatives:list", _("Initiatives")),
    NavItem("maturity", _("Maturity")),
    NavItem("policies:list", _("Policies")),
    NavItem("sponsors:portfolio", _("Portfolio"), has_portfolio),
    NavItem("audit-log", _("Audit log"), access.is_auditor_or_coe_lead),
    NavItem("admin:index", _("Administration"), lambda user: user.is_staff),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    """The entries the signed-in user may follow; computed only when a page shows them."""
    user = getattr(request, "user", None)

    def items() -> list[NavItem]:
        if user is None or not user.is_authenticated:
            return []
        return [item for item in NAVIGATION if item.visible(user)]

    return {"navigation": SimpleLazyObject(items)}
