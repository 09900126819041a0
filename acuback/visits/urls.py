from django.urls import path

from acuback.visits import views

urlpatterns = [
    path("episode/<int:episode_id>/", views.episode_visits, name="visit_episode"),
    path("episode/<int:episode_id>/start/", views.visit_begin, name="visit_begin"),
    path("episode/<int:episode_id>/intake/", views.episode_intake, name="visit_intake"),
    path("<int:visit_id>/", views.visit_page, name="visit_page"),
    path("<int:visit_id>/sign/", views.visit_sign_page, name="visit_sign"),
    path("<int:visit_id>/amend/", views.visit_amend_page, name="visit_amend"),
    path("<int:visit_id>/count/", views.visit_count_page, name="visit_count"),
    path("<int:visit_id>/timer/", views.visit_timer_page, name="visit_timer"),
    path("<int:visit_id>/points/search/", views.visit_point_search, name="visit_point_search"),
    path("<int:visit_id>/points/row/", views.visit_point_row, name="visit_point_row"),
    path("<int:visit_id>/combination/", views.visit_combination, name="visit_combination"),
    path("<int:visit_id>/adverse/", views.adverse_new, name="adverse_new"),
    path("<int:visit_id>/print/", views.visit_print, name="visit_print"),
    path("adverse/<int:event_id>/", views.adverse_detail, name="adverse_detail"),
    path("rooms/", views.rooms, name="visit_rooms"),
    path("unsigned/", views.unsigned, name="visit_unsigned"),
    path("lots/", views.lots, name="visit_lots"),
]
