from django.urls import path

from acuback.episodes import views as episode_views
from acuback.patients import views

urlpatterns = [
    path("", views.patient_list, name="patient_list"),
    path("new/", views.patient_create, name="patient_create"),
    path("me/", views.my_record, name="my_record"),
    path("<int:patient_id>/", views.patient_detail, name="patient_detail"),
    path("<int:patient_id>/edit/", views.patient_edit, name="patient_edit"),
    path("<int:patient_id>/health/", views.health_edit, name="health_edit"),
    path("<int:patient_id>/health/versions/", views.health_versions, name="health_versions"),
    path("<int:patient_id>/health/confirm/", views.health_confirm, name="health_confirm"),
    path("<int:patient_id>/consent/", views.consent_create, name="consent_create"),
    path("<int:patient_id>/portal/", views.portal_invite, name="portal_invite"),
    path("<int:patient_id>/portal/change/", views.portal_login_change, name="portal_login_change"),
    path("<int:patient_id>/episodes/new/", episode_views.episode_create, name="episode_create"),
]
