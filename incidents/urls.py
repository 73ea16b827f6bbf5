from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("declare/", views.incident_declare, name="declare"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/post/", views.incident_post, name="post"),
    path("<int:pk>/escalate/", views.incident_escalate, name="escalate"),
    path("<int:pk>/close/", views.incident_close, name="close"),
    path("playbooks/", views.playbook_list, name="playbooks"),
    path("playbooks/new/", views.playbook_create, name="playbook-create"),
    path("playbooks/<int:pk>/", views.playbook_detail, name="playbook"),
    path("playbooks/<int:pk>/edit/", views.playbook_edit, name="playbook-edit"),
    path(
        "playbooks/<int:pk>/transitions/<str:name>/",
        views.playbook_transition,
        name="playbook-transition",
    ),
    path("playbooks/<int:pk>/diff/", views.playbook_diff, name="playbook-diff"),
]
