from django.urls import path

from knowledge import views

# Namespaced: the API router uses "entry-list" and "entry-detail".
app_name = "knowledge"

urlpatterns = [
    path("", views.entry_list, name="list"),
    path("new/", views.entry_create, name="create"),
    path("<int:pk>/", views.entry_detail, name="detail"),
    path("<int:pk>/edit/", views.entry_edit, name="edit"),
    path("<int:pk>/useful/", views.entry_useful, name="useful"),
    path("<int:pk>/transitions/<str:name>/", views.entry_transition, name="transition"),
]
