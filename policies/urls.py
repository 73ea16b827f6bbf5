from django.urls import path

from policies import views

# Namespaced: the API router already uses the names "policy-list" and "policy-detail".
app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("two-person-rule/", views.two_person_rule, name="two-person-rule"),
    path("<int:pk>/", views.policy_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.policy_acknowledge, name="acknowledge"),
    path("<int:pk>/history/", views.policy_history, name="history"),
    path("<int:pk>/diff/", views.policy_diff, name="diff"),
]
