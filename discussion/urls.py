from django.urls import path

from discussion import views

app_name = "discussion"

urlpatterns = [
    path("<slug:slug>/<int:pk>/comments/", views.thread, name="thread"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/remove/", views.comment_remove, name="comment-remove"),
    path("<slug:slug>/<int:pk>/attachments/", views.attachment_list, name="attachments"),
    path("attachments/<int:pk>/", views.attachment_download, name="download"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment-remove"),
]
