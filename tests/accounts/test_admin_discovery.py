"""The admin modules load with the URLconf, not at Django's start (acuback.accounts.admin_config):
a command that never serves the admin does not import every app's services, and the system
checks still see every registered ModelAdmin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# A fresh interpreter: in this one the URLconf (and so the admin) is long loaded.
PROBE = """
import json, sys
from acuback.cli.django_setup import setup
setup()
from django.contrib import admin
from django.core import checks
at_start = {"services": "acuback.scheduling.services" in sys.modules,
            "registered": len(admin.site._registry)}
messages = checks.run_checks(tags=[checks.Tags.admin])
print(json.dumps({**at_start, "after_check": len(admin.site._registry),
                  "errors": [str(m) for m in messages]}))
"""


def test_django_starts_without_the_admin_and_the_checks_discover_it(tmp_path: Path) -> None:
    env = {**os.environ, "ACUBACK_DATA_DIR": str(tmp_path)}
    for name in ("ACUBACK_DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,  # noqa: S603
                          text=True, timeout=120, check=True, stdin=subprocess.DEVNULL)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["services"] is False
    assert found["registered"] == 0
    assert found["after_check"] > 10  # patients, episodes, visits, plans, scheduling, ...
    assert found["errors"] == []


def test_the_urlconf_registers_the_apps_models() -> None:
    from django.contrib import admin

    import acuback.urls  # noqa: F401 - the URLconf discovers the admin modules
    from acuback.patients.models import Patient
    from acuback.scheduling.models import Appointment

    assert admin.site.is_registered(Patient) and admin.site.is_registered(Appointment)
