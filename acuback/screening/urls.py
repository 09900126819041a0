from django.urls import path

from acuback.screening import views

urlpatterns = [
    path("episode/<int:episode_id>/", views.screening_episode, name="screening_episode"),
    path("episode/<int:episode_id>/new/", views.screening_new, name="screening_new"),
    path("episode/<int:episode_id>/referral/", views.referral_new, name="screening_referral"),
]
