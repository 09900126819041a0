from django.urls import path

from acuback.portal import intake, views

urlpatterns = [
    path("", views.home, name="portal_home"),
    path("book/", views.book, name="portal_book"),
    path("appointments/<int:appointment_id>/cancel/", views.cancel, name="portal_cancel"),
    path("appointments/<int:appointment_id>.ics", views.appointment_ics, name="portal_ics"),
    path("questionnaires/<int:episode_id>/<str:instrument>/", views.questionnaire,
         name="portal_questionnaire"),
    path("results/<int:assessment_id>/", views.result, name="portal_result"),
    path("messages/", views.message_settings, name="portal_messages"),
    path("before-your-visit/", intake.intake, name="portal_intake"),
    path("before-your-visit/contact/", intake.intake_contact, name="portal_intake_contact"),
    path("before-your-visit/health/", intake.intake_health, name="portal_intake_health"),
    path("before-your-visit/consent/", intake.intake_consent, name="portal_intake_consent"),
    path("acupuncture-for-back-pain/", views.information, name="portal_information"),
]
