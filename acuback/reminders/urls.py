from django.urls import path

from acuback.reminders import views

urlpatterns = [
    path("feed/", views.feeds, name="calendar_feeds"),
    path("feed/<int:feed_id>/revoke/", views.feed_revoke, name="calendar_feed_revoke"),
    path("feed/<str:secret>.ics", views.feed, name="calendar_feed"),
    path("patients/<int:patient_id>/messages/", views.preference, name="message_preference"),
]
