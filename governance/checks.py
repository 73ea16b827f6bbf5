"""System checks that refuse an unsafe configuration."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=False)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return [
            Error(
                "DEBUG is off but the development secret key is in use.",
                hint="Set DJANGO_SECRET_KEY to a long random value.",
                id="governance.E001",
            )
        ]
    if not settings.DEBUG and len(settings.SECRET_KEY) < 32:
        return [
            Error(
                "DJANGO_SECRET_KEY is too short for production.",
                hint="Use at least 32 random characters.",
                id="governance.E002",
            )
        ]
    return []
