from django.conf import settings
from django.http import HttpRequest


def identity(request: HttpRequest) -> dict[str, bool]:
    """Whether the sign-in page offers local accounts."""
    return {"local_accounts": settings.LOCAL_ACCOUNTS}
