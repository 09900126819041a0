from django.urls import path

from acuback.outcomes import views

urlpatterns = [
    path("episodes/<int:episode_id>/", views.outcome_episode, name="outcome_episode"),
    path("episodes/<int:episode_id>/<str:kind>.pdf", views.outcome_report, name="outcome_report"),
    path("claims/", views.claims_ledger, name="claims_ledger"),
]
