"""What every page's header needs: the navigation entries the user may follow."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from governance import registry
from governance.registry import NavItem


def navigation(request: HttpRequest) -> dict[str, object]:
    """The entries the signed-in user may follow, in the order of
    governance.registry.navigation; computed only when a page shows them."""
    user = getattr(request, "user", None)

    def items() -> list[NavItem]:
        if user is None or not user.is_authenticated:
            return []
        return [item for item in registry.navigation if item.visible(user=user)]

    return {"navigation": SimpleLazyObject(items)}
