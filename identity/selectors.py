"""Reads of identity: a user's live tokens, the role mapping."""

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from identity.models import ApiToken, RoleMapping


def live_tokens(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens that have not expired, newest first."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def role_mappings() -> QuerySet[RoleMapping]:
    return RoleMapping.objects.select_related("business_unit")
