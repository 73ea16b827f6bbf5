from django.urls import path

from training import views

app_name = "training"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("new/", views.course_create, name="create"),
    path("<int:pk>/", views.course_detail, name="detail"),
    path("<int:pk>/edit/", views.course_edit, name="edit"),
    path("<int:pk>/attempt/", views.course_attempt, name="attempt"),
    path("<int:pk>/transitions/<str:name>/", views.course_transition, name="transition"),
]
