from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "acuback.assessments"
    label = "assessments"
    verbose_name = "Assessments"
