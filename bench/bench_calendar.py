"""The calendar of a busy clinic against a bare logged-in page, both measured in this run.

Builds a clinic in a fresh SQLite data directory (its own process, its own database): 8
practitioners working 8:00-18:00 every day, 4 rooms, and a week where every practitioner has
an appointment every 45 minutes (about 100 a day, 700 in the week). Then times, through
Django's test client with a logged-in front desk:

- one practitioner's week (`/calendar/?view=week&practitioner=...`, about 90 appointments),
- the busiest day by practitioner (`/calendar/?date=...`, 8 columns, about 100),
- the whole clinic's week over the API (`/api/appointments?days=7`, about 700),

each against a bare logged-in page of the same app (a practitioner's empty day list), and
prints the median milliseconds and the ratio.

    python -m bench calendar
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="acuback-bench-calendar-") as data:
        env = {**os.environ, "ACUBACK_DATA_DIR": data}
        env.pop("ACUBACK_DATABASE_URL", None)
        done = subprocess.run([sys.executable, "-m", "bench.calendar_probe"], cwd=ROOT, env=env,  # noqa: S603
                              capture_output=True, text=True, check=False, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"calendar probe failed: {done.stderr[-2000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    bare = figures["bare_ms"]
    print(f"\ncalendar: {figures['appointments']} appointments in the week; "
          f"bare logged-in page {bare:.1f} ms")
    for name, ms in figures["pages"].items():
        print(f"  {name}: {ms:.1f} ms = {ms / bare:.1f}x the bare page")


if __name__ == "__main__":
    main()
