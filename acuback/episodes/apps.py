from django.apps import AppConfig


class EpisodesConfig(AppConfig):
    name = "acuback.episodes"
    label = "episodes"
    verbose_name = "Episodes of care"
