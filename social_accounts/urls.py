from django.urls import path

from social_accounts import views

app_name = "social_accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("reassignments/", views.reassignment_list, name="reassignments"),
    path("reassignments/<int:pk>/", views.reassignment_detail, name="reassignment"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/transitions/<str:name>/", views.account_transition, name="transition"),
    path("<int:pk>/recertify/", views.account_recertify, name="recertify"),
    path("<int:pk>/reassign/", views.account_reassign, name="reassign"),
    path("<int:pk>/initiatives/", views.account_initiatives, name="initiatives"),
    path(
        "initiatives/<int:pk>/match/<int:account_pk>/",
        views.initiative_match,
        name="initiative-match",
    ),
]
