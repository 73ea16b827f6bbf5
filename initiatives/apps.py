from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "initiatives"
    verbose_name = "Initiatives"

    def ready(self) -> None:
        from django.urls import include, path

        from governance import access, registry, signals
        from governance.registry import ApiRoute, AuditObjectType, NavItem
        from initiatives import api, api_routing, scoring, selectors, views
        from initiatives.models import Initiative, InitiativeUserObjectPermission

        signals.goal_changed.connect(
            scoring.goal_changed, dispatch_uid="initiatives.scoring.goal_changed"
        )

        registry.urls.register(
            "initiatives", path("initiatives/", include("initiatives.urls")), order=10
        )
        registry.navigation.register(
            "initiatives", NavItem("initiatives:list", _("Initiatives")), order=10
        )
        registry.navigation.register(
            "routing", NavItem("initiatives:routing", _("Approval routing")), order=55
        )
        for name, pattern in api_routing.paths():
            registry.api_urls.register(name, pattern, order=30)
        registry.audit_object_types.register(
            "initiatives.initiative",
            AuditObjectType(_("Initiative"), selectors.initiative_audit_links),
            order=10,
        )
        registry.audit_object_types.register(
            "initiatives.amendment",
            AuditObjectType(_("Amendment"), selectors.amendment_audit_links),
            order=10,
        )
        registry.audit_object_types.register(
            "initiatives.routingruleset", AuditObjectType(_("Routing rules")), order=10
        )
        registry.audit_object_types.register(
            "sponsors.scoringcriterion", AuditObjectType(_("Scoring criterion")), order=10
        )
        registry.home_panels.register("review_queue", views.coe_panel, order=10)
        registry.home_panels.register("awaiting_signoff", views.sponsor_panel, order=20)
        registry.home_panels.register("unit_initiatives", views.unit_panel, order=30)
        registry.api_routes.register(
            "initiative", ApiRoute("initiatives", api.InitiativeViewSet, "initiative"), order=30
        )
        registry.api_routes.register(
            "amendment", ApiRoute("amendments", api.AmendmentViewSet, "amendment"), order=70
        )
        # An owner works on their initiative while they work in its unit.
        access.register_unit_object_role(
            access.UnitObjectRole(
                role=access.Role.OWNER,
                model=Initiative,
                holder_field="owner",
                unit_field="business_unit",
                requires=access.PROPOSE,
                permissions=InitiativeUserObjectPermission,
            )
        )
