from django.urls import path

from sponsors import views

# Namespaced: the API already uses the name "portfolio".
app_name = "sponsors"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("scoring/", views.scoring_weights, name="scoring"),
]
