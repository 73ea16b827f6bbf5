from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Library")

    def ready(self) -> None:
        from django.urls import include, path, reverse

        from discussion import api as discussion_api
        from discussion import kinds
        from governance import registry
        from governance.registry import ApiRoute, AuditObjectType, NavItem, ObjectSection
        from knowledge import api, selectors, views
        from knowledge.models import Entry

        # Readers comment on an entry they may read, as on any other object.
        kinds.register(
            kinds.Kind(
                slug="library-entries",
                model=Entry,
                visible=lambda user: selectors.visible_entries(user=user),
                url=lambda entry: reverse("knowledge:detail", args=[entry.pk]),
            )
        )
        # The discussion's API paths again, now with this kind's (same keys: replaced).
        for name, pattern in discussion_api.paths():
            registry.api_urls.register(name, pattern, order=70)
        registry.urls.register("knowledge", path("library/", include("knowledge.urls")), order=60)
        registry.navigation.register("knowledge", NavItem("knowledge:list", _("Library")), order=60)
        registry.api_routes.register(
            "library-entry", ApiRoute("library-entries", api.EntryViewSet, "entry"), order=80
        )
        registry.audit_object_types.register(
            "knowledge.entry", AuditObjectType(_("Library entry"), selectors.audit_links), order=60
        )
        registry.object_urls.register(
            "knowledge.entry", lambda pk: reverse("knowledge:detail", args=[pk]), order=10
        )
        # Related reading on the pages of policies and initiatives.
        for label in ("policies.policy", "initiatives.initiative"):
            registry.object_sections.register(
                f"related-reading:{label}",
                ObjectSection(label, views.related_reading_section),
                order=50,
            )
