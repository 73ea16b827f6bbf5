from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from django.urls import include, path

        from governance import registry
        from governance.registry import ObjectSection
        from search import api, demo, indexing, sources, views

        sources.register_sources()
        indexing.connect()
        registry.urls.register("search", path("search/", include("search.urls")), order=80)
        # Below an initiative's page, after its impact: the CoE's duplicate links.
        registry.object_sections.register(
            "duplicates:initiatives.initiative",
            ObjectSection("initiatives.initiative", views.duplicates_section),
            order=70,
        )
        for name, pattern in api.paths():
            registry.api_urls.register(name, pattern, order=5)
        registry.demo_seeders.register("search", demo.seed_duplicates, order=30)
