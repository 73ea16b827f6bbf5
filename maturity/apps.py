from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaturityConfig(AppConfig):
    name = "maturity"
    verbose_name = "Maturity"

    def ready(self) -> None:
        from django.urls import include, path

        from governance import registry
        from governance.registry import NavItem
        from maturity import api

        registry.urls.register("maturity", path("maturity/", include("maturity.urls")), order=20)
        registry.navigation.register("maturity", NavItem("maturity", _("Maturity")), order=20)
        for order, route in [
            (50, path("api/maturity/", api.MaturityView.as_view(), name="api-maturity")),
            (
                51,
                path(
                    "api/maturity/business-units/<int:pk>/",
                    api.MaturityUnitView.as_view(),
                    name="api-maturity-unit",
                ),
            ),
            (
                52,
                path(
                    "api/maturity/assessments/",
                    api.MaturityAssessmentView.as_view(),
                    name="api-maturity-assessments",
                ),
            ),
            (
                53,
                path(
                    "api/maturity/history/",
                    api.MaturityHistoryView.as_view(),
                    name="api-maturity-history",
                ),
            ),
        ]:
            registry.api_urls.register(route.name, route, order=order)
