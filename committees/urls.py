from django.urls import path

from committees import views

app_name = "committees"

urlpatterns = [
    path("", views.committee_list, name="list"),
    path("<int:pk>/", views.committee_detail, name="detail"),
    path("<int:pk>/agenda.csv", views.agenda_csv, name="agenda-csv"),
    path("<int:pk>/members/", views.member_add, name="member-add"),
    path("<int:pk>/members/<int:user_id>/remove/", views.member_remove, name="member-remove"),
    path("owner/<str:kind>/<int:pk>/", views.owner_assign, name="owner-assign"),
    path("owner/<str:kind>/<int:pk>/remove/", views.owner_remove, name="owner-remove"),
    path("votes/<int:pk>/", views.case_detail, name="case"),
    path("votes/<int:pk>/vote/", views.case_vote, name="case-vote"),
    path("votes/<int:pk>/close/", views.case_close, name="case-close"),
]
