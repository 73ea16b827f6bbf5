"""The project's URLs. The apps' pages, API paths and API routes are
registered by the apps (governance.registry, from their AppConfig.ready())."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from governance import health, observability, pages, registry, views

router = DefaultRouter()
for route in registry.api_routes:
    router.register(route.prefix, route.viewset, basename=route.basename)

handler404 = "governance.views.not_found"

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", observability.metrics, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("", pages.home, name="home"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    *registry.urls,
    path("audit/", pages.audit_log, name="audit-log"),
    path("audit/export.csv", pages.audit_export, name="audit-export"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file: no inline script (CSP).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    *registry.api_urls,
    path("api/", include(router.urls)),
    path("api-auth/", include("rest_framework.urls")),
]
