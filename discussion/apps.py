from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        from django.urls import include, path

        from discussion import api, kinds, rights
        from governance import registry

        for kind in rights.kinds_of_this_product():
            kinds.register(kind)
        registry.urls.register(
            "discussion", path("discussion/", include("discussion.urls")), order=70
        )
        for name, pattern in api.paths():
            registry.api_urls.register(name, pattern, order=70)
