from django.urls import path

from acuback.scheduling import views

urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("today/", views.desk_day, name="desk_day"),
    path("mine/", views.my_day, name="my_day"),
    path("book/", views.book, name="appointment_book"),
    path("appointments/<int:appointment_id>/", views.appointment_detail,
         name="appointment_detail"),
    path("appointments/<int:appointment_id>/move/", views.appointment_move,
         name="appointment_move"),
    path("appointments/<int:appointment_id>/cancel/", views.appointment_cancel,
         name="appointment_cancel"),
    path("appointments/<int:appointment_id>/status/", views.appointment_status,
         name="appointment_status"),
    path("appointments/<int:appointment_id>/visit/", views.appointment_start_visit,
         name="appointment_start_visit"),
    path("course/<int:plan_id>/", views.course_book, name="course_book"),
    path("hours/", views.hours_list, name="hours_list"),
    path("hours/<int:practitioner_id>/", views.hours_edit, name="hours_edit"),
    path("waitlist/", views.waitlist_page, name="waitlist"),
    path("waitlist/<int:entry_id>/remove/", views.waitlist_remove, name="waitlist_remove"),
]
