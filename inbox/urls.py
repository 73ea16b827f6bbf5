from django.urls import path

from inbox import views

app_name = "inbox"

urlpatterns = [
    path("inbox/", views.tasks, name="tasks"),
    path("inbox/notifications/", views.notifications, name="notifications"),
    path("inbox/notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("inbox/notifications/read/", views.notifications_read_all, name="notifications-read"),
    path("account/profile/", views.profile, name="profile"),
    path("account/delegations/", views.delegations, name="delegations"),
    path("account/delegations/<int:pk>/end/", views.delegation_end, name="delegation-end"),
]
