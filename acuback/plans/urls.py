from django.urls import path

from acuback.plans import views

urlpatterns = [
    path("episode/<int:episode_id>/", views.plan_episode, name="plan_episode"),
    path("episode/<int:episode_id>/v/<int:number>/", views.plan_version, name="plan_version"),
    path("episode/<int:episode_id>/search/", views.plan_search, name="plan_search"),
    path("episode/<int:episode_id>/point/", views.plan_point, name="plan_point"),
]
