"""How allauth fits the product: accounts are made by the organization (no
self sign-up), or at the first single sign-on; TOTP secrets are encrypted at
rest."""

import base64
import hashlib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from cryptography.fernet import Fernet
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Local accounts are created by an administrator; nobody signs up.
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Whoever the provider lets in gets an account at their first sign-in;
        # their roles come from the provider's groups (identity.signals).
        return True

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: Any) -> Any:
        user = super().populate_user(request, sociallogin, data)
        if not user.username:
            user.username = str(data.get("email") or sociallogin.account.uid)[:150]
        return user


def _fernet() -> Fernet:
    secret = settings.MFA_SECRET_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(f"mfa-secret:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class MfaAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery seeds are stored encrypted (Fernet, with a key
    derived from MFA_SECRET_KEY), not in the clear."""

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()
