from django.urls import path

from initiatives import views, views_amendments, views_bulk, views_routing

# Namespaced: the API router already uses the names "initiatives:list" and "initiatives:detail".
app_name = "initiatives"

urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("new/", views.initiative_create, name="create"),
    path("<int:pk>/", views.initiative_detail, name="detail"),
    path("<int:pk>/edit/", views.initiative_edit, name="edit"),
    path("<int:pk>/transitions/<str:name>/", views.initiative_transition, name="transition"),
    path("<int:pk>/amend/", views_amendments.amendment_propose, name="amend"),
    path(
        "amendments/<int:pk>/transitions/<str:name>/",
        views_amendments.amendment_transition,
        name="amendment-transition",
    ),
    path("routing/", views_routing.routing_rules, name="routing"),
    path("review/", views_bulk.bulk_decide, name="bulk"),
    path("review/outcome/", views_bulk.bulk_outcome, name="bulk-outcome"),
]
