from django.urls import path

from acuback.assessments import views

urlpatterns = [
    path("episode/<int:episode_id>/", views.assessment_list, name="assessment_list"),
    path("episode/<int:episode_id>/new/", views.assessment_choose, name="assessment_choose"),
    path("episode/<int:episode_id>/new/<str:instrument>/", views.assessment_new,
         name="assessment_new"),
    path("me/<int:episode_id>/", views.patient_choose, name="assessment_patient_choose"),
    path("me/<int:episode_id>/<str:instrument>/", views.patient_new,
         name="assessment_patient_new"),
    path("<int:assessment_id>/", views.assessment_detail, name="assessment_detail"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge,
         name="alert_acknowledge"),
]
