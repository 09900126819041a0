from django.urls import path

from acuback.cohort import views

urlpatterns = [
    path("", views.cohort_dashboard, name="cohort_dashboard"),
    path("export.<str:fmt>", views.cohort_download, name="cohort_download"),
]
