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
        for order, name, route, view in [
            (50, "api-maturity", "api/maturity/", api.MaturityView.as_view()),
            (
                51,
                "api-maturity-unit",
                "api/maturity/business-units/<int:pk>/",
                api.MaturityUnitView.as_view(),
            ),
            (
                52,
                "api-maturity-assessments",
                "api/maturity/assessments/",
                api.MaturityAssessmentView.as_view(),
            ),
            (
                53,
                "api-maturity-history",
                "api/maturity/history/",
                api.MaturityHistoryView.as_view(),
            ),
        ]:
            registry.api_urls.register(name, path(route, view, name=name), order=order)
