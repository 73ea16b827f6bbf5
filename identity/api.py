"""The API's sign-in (a named token with an expiry) and the caller's tokens."""

from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from governance.requests import signed_in_user
from governance.signals import TOKEN
from identity import selectors, services
from identity.middleware import mfa_required
from identity.models import ApiToken


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    otp = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("The current code of your authenticator app, if you use one."),
    )


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["token_key", "name", "created", "expiry"]
        read_only_fields = fields


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True)

    class Meta(TokenSerializer.Meta):
        fields = ["token", *TokenSerializer.Meta.fields]
        read_only_fields = fields


def _totp_ok(user: User, code: str) -> bool:
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return totp is not None and bool(code) and totp.wrap().validate_code(code)


class TokenLoginView(APIView):
    """Sign in with user name and password (and the TOTP code, for accounts
    with MFA): a new named token, valid until `expiry`. Failures count toward
    the sign-in lockout (429) and are audited like a page sign-in."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenLoginSerializer, responses={200: NewTokenSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = TokenLoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The Django request, so that the lockout can mark it (django-axes).
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if not isinstance(user, User) or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [gettext("Unable to log in with provided credentials.")]}
            )
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            if not _totp_ok(user, data.get("otp", "")):
                raise serializers.ValidationError(
                    {"otp": [gettext("Enter the current code of your authenticator app.")]}
                )
        elif mfa_required(user):
            raise PermissionDenied(
                gettext("Your role requires two-factor authentication: set it up first.")
            )
        instance, token = services.api_token_create(actor=user, name=data.get("name", ""))
        # The same signal as a session login, so that last_login moves too.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user, via=TOKEN)
        return Response(
            NewTokenSerializer(instance).data | {"token": token},
        )


class TokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your API tokens (only their prefix, name and expiry); DELETE revokes one at once."""

    serializer_class = TokenSerializer
    lookup_field = "token_key"
    lookup_value_regex = "[A-Za-z0-9_-]{1,40}"

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return ApiToken.objects.none()
        return selectors.live_tokens(user=signed_in_user(self.request))

    def perform_destroy(self, instance: ApiToken) -> None:
        services.api_token_revoke(actor=signed_in_user(self.request), token=instance)
