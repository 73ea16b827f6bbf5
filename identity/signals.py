"""Receivers: a single sign-on brings the roles of the provider's groups; MFA
set up or removed is an audit event."""

import time
from typing import Any

from allauth.account.signals import user_logged_in
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in as django_user_logged_in
from django.db import transaction
from django.dispatch import receiver

from governance import audit
from identity import services
from identity.middleware import SIGNED_IN_AT


def provider_claims(sociallogin: SocialLogin) -> dict[str, Any]:
    """The claims the provider sent: the ID token's, overlaid by userinfo's."""
    extra = sociallogin.account.extra_data or {}
    if "userinfo" in extra or "id_token" in extra:
        return {**(extra.get("id_token") or {}), **(extra.get("userinfo") or {})}
    return dict(extra)


def provider_groups(sociallogin: SocialLogin) -> list[str]:
    groups = provider_claims(sociallogin).get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    return [g for g in groups if isinstance(g, str)]


@receiver(user_logged_in, dispatch_uid="identity.sync_roles_at_sso")
def sync_roles_at_sso(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None:
        return
    services.sso_roles_sync(user=user, groups=provider_groups(sociallogin))


@receiver(django_user_logged_in, dispatch_uid="identity.stamp_sign_in")
def stamp_sign_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    """The time of sign-in, from which the session's lifetime counts."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SIGNED_IN_AT] = time.time()


@receiver(authenticator_added, dispatch_uid="identity.audit_mfa_added")
def record_mfa_added(
    sender: Any, request: Any, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    with transaction.atomic():
        audit.record(
            audit.Event.MFA_ACTIVATED, actor=user, obj=user, new={"type": authenticator.type}
        )


@receiver(authenticator_removed, dispatch_uid="identity.audit_mfa_removed")
def record_mfa_removed(
    sender: Any, request: Any, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    with transaction.atomic():
        audit.record(
            audit.Event.MFA_DEACTIVATED, actor=user, obj=user, old={"type": authenticator.type}
        )
