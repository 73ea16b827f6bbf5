from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = _("Identity and sign-in")

    def ready(self) -> None:
        from allauth.account.views import LoginView
        from django.urls import include, path

        from governance import registry
        from governance.registry import ApiRoute, NavItem
        from identity import (
            api,
            checks,  # noqa: F401  (registers the system checks)
            schema,  # noqa: F401  (describes knox's token authentication)
            signals,  # noqa: F401  (roles at single sign-on, MFA audit)
        )

        registry.urls.register("login", path("login/", LoginView.as_view(), name="login"), order=1)
        registry.urls.register("accounts", path("accounts/", include("allauth.urls")), order=2)
        registry.urls.register("account", path("account/", include("identity.urls")), order=3)
        registry.api_urls.register(
            "api-token",
            path("api/auth/token/", api.TokenLoginView.as_view(), name="api-token"),
            order=0,
        )
        registry.api_routes.register(
            "api-tokens", ApiRoute("auth/tokens", api.TokenViewSet, "api-tokens"), order=90
        )
        registry.navigation.register("tokens", NavItem("identity:tokens", _("Account")), order=90)
        registry.navigation.register(
            "role-mappings",
            NavItem("identity:role-mappings", _("Sign-in roles"), _may_map_roles),
            order=91,
        )


def _may_map_roles(*, user: object) -> bool:
    from django.contrib.auth.models import User

    from identity.services import may_edit_role_mappings

    return isinstance(user, User) and may_edit_role_mappings(user)
