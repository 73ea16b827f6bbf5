from django.urls import path

from committees import views

app_name = "committees"

urlpatterns = [
    path("", views.committee_list, name="list"),
    path("<int:pk>/", views.committee_detail, name="detail"),
    path("<int:pk>/agenda.csv", views.agenda_csv, name="agenda-csv"),
    path("votes/<int:pk>/", views.case_detail, name="case"),
    path("votes/<int:pk>/vote/", views.case_vote, name="case-vote"),
    path("votes/<int:pk>/close/", views.case_close, name="case-close"),
]
