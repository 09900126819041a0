from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "acuback.web"
    label = "web"
    verbose_name = "Web interface"

    def ready(self) -> None:
        from acuback import checks  # noqa: F401 - registers acuback's deployment checks
