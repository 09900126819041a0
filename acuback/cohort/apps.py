from django.apps import AppConfig


class CohortConfig(AppConfig):
    name = "acuback.cohort"
    label = "cohort"
    verbose_name = "Cohort analytics"
