from django.urls import path

from impact import views

app_name = "impact"

urlpatterns = [
    path("initiatives/<int:pk>/", views.initiative_impact, name="initiative"),
    path("initiatives/<int:pk>/kpis/", views.kpi_add, name="kpi-add"),
    path("initiatives/<int:pk>/spend/", views.spend_add, name="spend-add"),
    path("initiatives/<int:pk>/review/", views.review_submit, name="review-submit"),
    path("initiatives/<int:pk>/review/<slug:name>/", views.review_decide, name="review-decide"),
    path("kpis/<int:pk>/remove/", views.kpi_remove, name="kpi-remove"),
    path("kpis/<int:pk>/measurements/", views.measurement_add, name="measurement-add"),
    path("measurements/<int:pk>/correct/", views.measurement_correct, name="measurement-correct"),
]
