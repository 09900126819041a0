from django.contrib import admin
from django.urls import include, path, re_path

from acuback.api import api, unknown_path
from acuback.interop.api import fhir_api
from acuback.interop.api import unknown_path as fhir_unknown_path

handler500 = "acuback.web.views.server_error"

# The admin modules, imported here rather than at start (see acuback.accounts.admin_config),
# before `admin.site.urls` lists their pages.
admin.autodiscover()

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", unknown_path),
    path("fhir/", fhir_api.urls),
    re_path(r"^fhir(?:/(?P<rest>.*))?$", fhir_unknown_path),
    path("", include("acuback.web.urls")),
    path("", include("acuback.accounts.urls")),
    path("patients/", include("acuback.patients.urls")),
    path("episodes/", include("acuback.episodes.urls")),
    path("assessments/", include("acuback.assessments.urls")),
    path("screening/", include("acuback.screening.urls")),
    path("plans/", include("acuback.plans.urls")),
    path("visits/", include("acuback.visits.urls")),
    path("calendar/", include("acuback.scheduling.urls")),
    path("calendar/", include("acuback.reminders.urls")),
    path("portal/", include("acuback.portal.urls")),
    path("billing/", include("acuback.billing.urls")),
    path("outcomes/cohort/", include("acuback.cohort.urls")),
    path("outcomes/", include("acuback.outcomes.urls")),
    path("audit/", include("acuback.audit.urls")),
]
