from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialAccountsConfig(AppConfig):
    name = "social_accounts"
    verbose_name = _("Social accounts")

    def ready(self) -> None:
        from django.contrib.auth.models import User
        from django.db.models.signals import post_save, pre_save
        from django.urls import include, path

        from governance import registry
        from governance.registry import DETAILS, ApiRoute, AuditObjectType, NavItem, ObjectSection
        from social_accounts import api, services, sources, views

        # A user deactivated anywhere (a service, the admin) leaves their
        # accounts and open items on the CoE lead's inbox.
        pre_save.connect(services.on_user_saving, sender=User, dispatch_uid="accounts.user_saving")
        post_save.connect(services.on_user_saved, sender=User, dispatch_uid="accounts.user_saved")

        for order, (kind, source) in enumerate(sources.SOURCES.items()):
            registry.task_sources.register(kind, source, order=200 + order)
        for label, url in sources.OBJECT_URLS.items():
            registry.object_urls.register(label, url, order=20)

        registry.urls.register(
            "social_accounts",
            path("social-accounts/", include("social_accounts.urls")),
            order=80,
        )
        registry.navigation.register(
            "social_accounts", NavItem("social_accounts:list", _("Social accounts")), order=35
        )
        registry.home_panels.register("accounts_to_recertify", views.accounts_panel, order=45)
        registry.audit_object_types.register(
            "social_accounts.socialaccount", AuditObjectType(_("Social account")), order=30
        )
        registry.audit_object_types.register(
            "social_accounts.reassignment", AuditObjectType(_("Reassignment")), order=30
        )
        registry.api_routes.register(
            "social_account",
            ApiRoute("social-accounts", api.SocialAccountViewSet, "social-account"),
            order=60,
        )
        registry.api_routes.register(
            "reassignment",
            ApiRoute("reassignments", api.ReassignmentViewSet, "reassignment"),
            order=61,
        )
        # The accounts an initiative uses, on its page after its details.
        registry.object_sections.register(
            "social-accounts:initiatives.initiative",
            ObjectSection("initiatives.initiative", views.initiative_accounts_section, DETAILS),
            order=20,
        )
