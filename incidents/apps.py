from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from django.urls import include, path

        from governance import registry
        from governance.registry import ApiRoute, AuditObjectType, NavItem
        from incidents import api, selectors, sources
        from social_accounts.selectors import OpenItems, open_items

        registry.task_sources.register(sources.RESPOND, sources.incidents_to_respond, order=250)
        for label, url in sources.OBJECT_URLS.items():
            registry.object_urls.register(label, url, order=20)
        registry.urls.register("incidents", path("incidents/", include("incidents.urls")), order=85)
        registry.navigation.register(
            "incidents", NavItem("incidents:list", _("Incidents")), order=36
        )
        registry.audit_object_types.register(
            "incidents.playbook", AuditObjectType(_("Crisis playbook")), order=30
        )
        registry.audit_object_types.register(
            "incidents.incident", AuditObjectType(_("Incident")), order=30
        )
        registry.api_routes.register(
            "playbook", ApiRoute("playbooks", api.PlaybookViewSet, "playbook"), order=62
        )
        registry.api_routes.register(
            "incident", ApiRoute("incidents", api.IncidentViewSet, "incident"), order=63
        )
        # A deactivated person's open incidents and playbooks are listed for reassignment.
        open_items.register(
            "incidents", OpenItems(_("Incidents and playbooks"), selectors.open_items_of), order=10
        )
