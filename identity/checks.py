"""System checks that refuse an identity configuration that cannot work."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register()
def check_single_sign_on(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.OIDC_ISSUER and not (settings.OIDC_CLIENT_ID and settings.OIDC_CLIENT_SECRET):
        problems.append(
            Error(
                "DJANGO_OIDC_ISSUER is set without DJANGO_OIDC_CLIENT_ID and "
                "DJANGO_OIDC_CLIENT_SECRET.",
                id="identity.E001",
            )
        )
    if not settings.LOCAL_ACCOUNTS and not settings.OIDC_ISSUER:
        problems.append(
            Error(
                "DJANGO_LOCAL_ACCOUNTS is off and no single sign-on is configured: "
                "nobody could sign in.",
                id="identity.E002",
            )
        )
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if not settings.DEBUG and backend.endswith("LocMemCache"):
        problems.append(
            Warning(
                "The default cache is per process: API throttles count in each "
                "server process alone. Set DJANGO_CACHE_URL to a shared cache (Redis).",
                id="identity.W001",
            )
        )
    return problems
