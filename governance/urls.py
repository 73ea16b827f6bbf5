from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from governance import pages
from governance.viewsets import BusinessUnitViewSet, StrategicGoalViewSet
from initiatives.api import InitiativeViewSet

router = DefaultRouter()
router.register("business-units", BusinessUnitViewSet, basename="business-unit")
router.register("goals", StrategicGoalViewSet, basename="goal")
router.register("initiatives", InitiativeViewSet, basename="initiative")

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
    path("audit/", pages.audit_log, name="audit-log"),
    path("audit/export.csv", pages.audit_export, name="audit-export"),
    path("admin/", admin.site.urls),
    path("api/auth/token/", obtain_auth_token, name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(router.urls)),
    path("api-auth/", include("rest_framework.urls")),
]
