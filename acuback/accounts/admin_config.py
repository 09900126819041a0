"""django.contrib.admin with our site (acuback.accounts.admin_site): no login of its own.
Named in INSTALLED_APPS in place of "django.contrib.admin".

The apps' admin modules are discovered when the URLconf loads (acuback/urls.py), not when Django
starts: they import every app's services (scheduling, billing, visits), a fifth of a second that
a command which never serves the admin (`acuback analyze cohort`, issue 11's one-second budget)
would otherwise pay. The system checks discover them first, so that `acuback manage check`
still checks every registered ModelAdmin."""

from typing import Any

from django.contrib.admin import autodiscover
from django.contrib.admin.apps import SimpleAdminConfig
from django.contrib.admin.checks import check_admin_app, check_dependencies
from django.core import checks


def check_discovered_admin(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Django's admin checks, after the admin modules are imported (once; autodiscover is
    idempotent, since a module already imported is not run again)."""
    autodiscover()
    return list(check_admin_app(app_configs, **kwargs))


class AdminConfig(SimpleAdminConfig):
    default_site = "acuback.accounts.admin_site.AcubackAdminSite"

    def ready(self) -> None:
        # SimpleAdminConfig.ready() registers the same two checks, the second without discovery.
        checks.register(check_dependencies, checks.Tags.admin)
        checks.register(check_discovered_admin, checks.Tags.admin)
