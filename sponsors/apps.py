from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SponsorsConfig(AppConfig):
    name = "sponsors"
    verbose_name = "Executive sponsors"

    def ready(self) -> None:
        from django.urls import include, path

        from governance import registry
        from governance.registry import ApiRoute, NavItem
        from governance.signals import transition_taken
        from initiatives.models import Amendment, Initiative
        from initiatives.preconditions import Requirement, approval_requirements
        from initiatives.signals import amendment_proposed
        from sponsors import api, notifications, selectors

        # Whoever must act next hears of it by email, sent after commit.
        for model in (Initiative, Amendment):
            transition_taken.connect(
                notifications.on_transition_taken,
                sender=model,
                dispatch_uid=f"sponsors.notify_{model._meta.model_name}",
            )
        amendment_proposed.connect(
            notifications.on_amendment_proposed,
            sender=Amendment,
            dispatch_uid="sponsors.notify_amendment_proposed",
        )

        # A sponsor's role on their units, and the sign-off they delegate.
        registry.unit_roles.register("sponsor", selectors.sponsor_unit_roles, order=10)
        registry.delegations.register("sponsor", selectors.SponsorDelegations(), order=10)
        # An approval requirement the stage can put in force (readiness).
        approval_requirements.register(
            "active_sponsor",
            Requirement(
                key="active_sponsor",
                label=_("The unit has an active executive sponsor"),
                check=selectors.unit_has_active_sponsor,
            ),
            order=10,
        )

        # Apps below this one (policies) email only whom the user's choices allow.
        registry.email_choices.register("sponsor", notifications.emailable, order=10)

        registry.urls.register("portfolio", path("portfolio/", include("sponsors.urls")), order=40)
        registry.navigation.register(
            "portfolio",
            NavItem("sponsors:portfolio", _("Portfolio"), selectors.has_portfolio),
            order=40,
        )
        registry.navigation.register(
            "scoring",
            NavItem("sponsors:scoring", _("Scoring"), selectors.sets_scoring),
            order=45,
        )
        for order, key, route in [
            (
                10,
                "portfolio",
                path("api/portfolio/", api.PortfolioView.as_view(), name="portfolio"),
            ),
            (
                11,
                "portfolio-export",
                path(
                    "api/portfolio/export.csv",
                    api.PortfolioExportView.as_view(),
                    name="portfolio-export",
                ),
            ),
            (
                12,
                "scoring-weights",
                path(
                    "api/scoring/weights/",
                    api.ScoringWeightsView.as_view(),
                    name="scoring-weights",
                ),
            ),
            (
                13,
                "my-notifications",
                path(
                    "api/me/notifications/",
                    api.NotificationSettingsView.as_view(),
                    name="my-notifications",
                ),
            ),
        ]:
            registry.api_urls.register(key, route, order=order)
        registry.api_routes.register(
            "delegation", ApiRoute("delegations", api.DelegationViewSet, "delegation"), order=80
        )
