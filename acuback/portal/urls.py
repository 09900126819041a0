from django.urls import path

from acuback.portal import views

urlpatterns = [
    path("", views.home, name="portal_home"),
    path("book/", views.book, name="portal_book"),
    path("appointments/<int:appointment_id>/cancel/", views.cancel, name="portal_cancel"),
    path("appointments/<int:appointment_id>.ics", views.appointment_ics, name="portal_ics"),
    path("questionnaires/<int:episode_id>/<str:instrument>/", views.questionnaire,
         name="portal_questionnaire"),
    path("results/<int:assessment_id>/", views.result, name="portal_result"),
    path("messages/", views.message_settings, name="portal_messages"),
    path("acupuncture-for-back-pain/", views.information, name="portal_information"),
]
