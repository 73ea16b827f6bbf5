"""The maturity pages. Their URL names are not namespaced ("maturity",
"maturity-assess"), as they were when the pages were governance's."""

from django.urls import path

from maturity import views

urlpatterns = [
    path("", views.maturity_page, name="maturity"),
    path("assess/", views.maturity_assess, name="maturity-assess"),
]
