from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="search"),
    path("similar/", views.similar, name="similar"),
    path("initiatives/<int:pk>/duplicate/", views.duplicate_link, name="duplicate-link"),
    path("initiatives/<int:pk>/unlink/", views.duplicate_unlink, name="duplicate-unlink"),
    path("initiatives/<int:pk>/merge/", views.duplicate_merge, name="duplicate-merge"),
]
