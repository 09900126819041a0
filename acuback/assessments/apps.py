from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "acuback.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from acuback.accounts.models import CLINICAL_ROLES
        from acuback.web.start import Section, register

        register(Section(
            name="attention", title="Needs your attention today",
            template="assessments/_start_attention.html",
            build="acuback.assessments.alerts.attention_section",
            roles=CLINICAL_ROLES, order=0,
        ))
