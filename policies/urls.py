from django.urls import path

from policies import authoring_views, exception_views, views

# Namespaced: the API router already uses the names "policy-list" and "policy-detail".
app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("new/", authoring_views.policy_create, name="create"),
    path("two-person-rule/", views.two_person_rule, name="two-person-rule"),
    path("<int:pk>/", views.policy_detail, name="detail"),
    path("<int:pk>/edit/", authoring_views.policy_edit, name="edit"),
    path("<int:pk>/transitions/<str:name>/", views.policy_transition, name="transition"),
    path("<int:pk>/acknowledge/", views.policy_acknowledge, name="acknowledge"),
    path("<int:pk>/history/", views.policy_history, name="history"),
    path("<int:pk>/diff/", views.policy_diff, name="diff"),
    path("exceptions/", exception_views.exception_list, name="exception-list"),
    path("exceptions/new/", exception_views.exception_create, name="exception-create"),
    path("exceptions/<int:pk>/", exception_views.exception_detail, name="exception-detail"),
    path(
        "exceptions/<int:pk>/transitions/<str:name>/",
        exception_views.exception_transition,
        name="exception-transition",
    ),
]
