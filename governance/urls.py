from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from governance import maturity_pages, pages, views
from governance.maturity_api import (
    MaturityAssessmentView,
    MaturityHistoryView,
    MaturityUnitView,
    MaturityView,
)
from governance.viewsets import AuditEventViewSet, BusinessUnitViewSet, StrategicGoalViewSet
from initiatives.api import AmendmentViewSet, InitiativeViewSet
from policies.api import PolicyExceptionViewSet, PolicyViewSet
from sponsors.api import (
    DelegationViewSet,
    NotificationSettingsView,
    PortfolioExportView,
    PortfolioView,
    ScoringWeightsView,
)

router = DefaultRouter()
router.register("business-units", BusinessUnitViewSet, basename="business-unit")
router.register("goals", StrategicGoalViewSet, basename="goal")
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("policies", PolicyViewSet, basename="policy")
router.register("exceptions", PolicyExceptionViewSet, basename="exception")
router.register("audit/events", AuditEventViewSet, basename="audit-event")
router.register("amendments", AmendmentViewSet, basename="amendment")
router.register("delegations", DelegationViewSet, basename="delegation")

handler404 = "governance.views.not_found"

urlpatterns = [
    # The pages. Policies and the sponsor's portfolio add theirs here as
    # `path("policies/", include("policies.urls"))` and `path("portfolio/", ...)`.
    path("", pages.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("initiatives/", include("initiatives.urls")),
    path("maturity/", maturity_pages.maturity_page, name="maturity"),
    path("maturity/assess/", maturity_pages.maturity_assess, name="maturity-assess"),
    path("policies/", include("policies.urls")),
    path("portfolio/", include("sponsors.urls")),
    path("audit/", pages.audit_log, name="audit-log"),
    path("audit/export.csv", pages.audit_export, name="audit-export"),
    path("admin/", admin.site.urls),
    path("api/auth/token/", views.TokenLoginView.as_view(), name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/portfolio/", PortfolioView.as_view(), name="portfolio"),
    path("api/portfolio/export.csv", PortfolioExportView.as_view(), name="portfolio-export"),
    path("api/scoring/weights/", ScoringWeightsView.as_view(), name="scoring-weights"),
    path("api/me/notifications/", NotificationSettingsView.as_view(), name="my-notifications"),
    path("api/maturity/", MaturityView.as_view(), name="api-maturity"),
    path(
        "api/maturity/business-units/<int:pk>/",
        MaturityUnitView.as_view(),
        name="api-maturity-unit",
    ),
    path(
        "api/maturity/assessments/",
        MaturityAssessmentView.as_view(),
        name="api-maturity-assessments",
    ),
    path("api/maturity/history/", MaturityHistoryView.as_view(), name="api-maturity-history"),
    path("api/", include(router.urls)),
    path("api-auth/", include("rest_framework.urls")),
]
