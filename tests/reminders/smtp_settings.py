"""Settings for a subprocess that must mail a test's loopback SMTP server (its port in
ACUBACK_TEST_SMTP_PORT): acuback's own settings with Django's SMTP backend pointed there."""

import os

from acuback.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["ACUBACK_TEST_SMTP_PORT"])
EMAIL_USE_TLS = EMAIL_USE_SSL = False
DEFAULT_FROM_EMAIL = "clinic@example.org"
