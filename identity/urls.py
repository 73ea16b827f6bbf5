from django.urls import path

from identity import views

app_name = "identity"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<str:token_key>/revoke/", views.token_revoke, name="token-revoke"),
    path("role-mappings/", views.role_mappings, name="role-mappings"),
    path("role-mappings/<int:pk>/delete/", views.role_mapping_delete, name="role-mapping-delete"),
]
