"""What every page's header needs: the navigation entries the user may follow."""

from functools import lru_cache

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from governance import registry
from governance.registry import NavItem


def navigation(request: HttpRequest) -> dict[str, object]:
    """The entries the signed-in user may follow, in the order of
    governance.registry.navigation, and the menu's list items written from
    them; computed only when a page shows them."""
    user = getattr(request, "user", None)

    def items() -> list[NavItem]:
        if user is None or not user.is_authenticated:
            return []
        return [item for item in registry.navigation if item.visible(user=user)]

    shown = SimpleLazyObject(items)

    def menu() -> SafeString:
        match = getattr(request, "resolver_match", None)
        return _menu(
            tuple(item.url_name for item in shown),
            match.view_name if match is not None else None,
            get_language(),
            get_script_prefix(),
            get_urlconf(),
        )

    return {"navigation": shown, "navigation_menu": SimpleLazyObject(menu)}


@lru_cache(maxsize=512)
def _menu(
    names: tuple[str, ...], current: str | None, language: str, prefix: str, urlconf: object
) -> SafeString:
    """The menu's list items: the same for every page of one view that shows
    the same entries in one language, so written once for them (every page
    would otherwise reverse and render each entry anew)."""
    labels = {item.url_name: item.label for item in registry.navigation}
    lines = []
    for name in names:
        try:
            url = reverse(name, urlconf=urlconf)  # type: ignore[arg-type]
        except NoReverseMatch:
            url = ""
        here = ' aria-current="page"' if name == current else ""
        lines.append(f'<li><a href="{escape(url)}"{here}>{escape(labels.get(name, name))}</a></li>')
    return mark_safe("\n".join(lines))  # every value above went through escape
