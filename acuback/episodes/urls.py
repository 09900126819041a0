from django.urls import path

from acuback.episodes import views

urlpatterns = [
    path("<int:episode_id>/", views.episode_detail, name="episode_detail"),
    path("<int:episode_id>/edit/", views.episode_edit, name="episode_edit"),
]
