"""django.contrib.admin with our site (acuback.accounts.admin_site): no login of its own.
Named in INSTALLED_APPS in place of "django.contrib.admin"."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "acuback.accounts.admin_site.AcubackAdminSite"
