"""FHIR bulk export (`acuback export DIR`) rate on a synthetic clinic, against a baseline
measured in the same run: reading the same rows with `values_list` and writing each as one
JSON line, the least any NDJSON export of them must do.

Target (issue 14): at least 5,000 resources per second on the project machine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

PATIENTS = 5_000
EPISODES_PER_PATIENT = (1, 2)
ASSESSMENTS_PER_EPISODE = (3, 8)
SEED = 20261201


def _setup(data_dir: str) -> None:
    os.environ["ACUBACK_DATA_DIR"] = data_dir
    os.environ.pop("ACUBACK_DATABASE_URL", None)
    from acuback.cli.django_setup import migrate, setup

    setup()
    migrate()


def _clinic() -> object:
    from django.db import transaction
    from django.utils import timezone

    from acuback.accounts.models import Clinic, Role
    from acuback.accounts.services import member_create
    from acuback.assessments.models import Assessment
    from acuback.clinical import instruments
    from acuback.episodes.models import Episode
    from acuback.patients.models import HealthHistory, Patient

    rng = random.Random(SEED)
    clinic = Clinic.objects.create(name="Bench Clinic", slug="bench")
    owner = member_create(clinic=clinic, username="bench-owner", password="bench-pass-0123",  # noqa: S106
                          role=Role.OWNER, first_name="Bea", last_name="Bench")
    now = timezone.now()
    with transaction.atomic():
        patients = Patient.objects.bulk_create(
            Patient(clinic=clinic, given_name=f"Given{i}", family_name=f"Family{i}",
                    date_of_birth=dt.date(1940 + i % 60, 1 + i % 12, 1 + i % 28),
                    sex=rng.choice(["female", "male", "other"]), phone=f"555-{i:04d}",
                    practitioner=owner)
            for i in range(PATIENTS))
        episodes = Episode.objects.bulk_create(
            Episode(clinic=clinic, patient=p, onset_date=dt.date(2025, 1, 1), region="lumbar",
                    side="bilateral", icd10_code="M54.50", icd10_version="FY2026",
                    opened_on=dt.date(2025, 3, 1), created_by=owner)
            for p in patients for _ in range(rng.randint(*EPISODES_PER_PATIENT)))
        HealthHistory.objects.bulk_create(
            HealthHistory(patient=p, anticoagulant=rng.choice([True, False, None]),
                          diabetes=rng.choice([True, False, None]), implanted_device="none",
                          skin_lesion_regions=[])
            for p in patients)
        definitions = list(instruments.INSTRUMENTS.values())
        rows = []
        for episode in episodes:
            for _ in range(rng.randint(*ASSESSMENTS_PER_EPISODE)):
                definition = rng.choice(definitions)
                answers = [rng.choice(sorted(item.codes)) for item in definition.items]
                result = instruments.score(definition.id, answers)
                rows.append(Assessment(
                    clinic=clinic, episode=episode, instrument=definition.id,
                    definition_version=definition.version, answers=answers,
                    results=result.as_dict(), total=result.total, band=result.band or "",
                    time_point="baseline", administered_at=now, entered_by="clinician",
                    entered_by_user=owner))
        Assessment.objects.bulk_create(rows, batch_size=2000)
    return owner


def _baseline(directory: Path) -> tuple[float, int]:
    from acuback.assessments.models import Assessment
    from acuback.episodes.models import Episode
    from acuback.patients.models import HealthHistory, Patient

    start = time.perf_counter()
    lines = 0
    with (directory / "baseline.ndjson").open("w", encoding="utf-8") as out:
        # An episode is five resources (EpisodeOfCare, Condition, three progress reports), an
        # assessment two, a health history one.
        for model, copies in ((Patient, 1), (Episode, 5), (Assessment, 2), (HealthHistory, 1)):
            fields = [f.attname for f in model._meta.concrete_fields]
            for row in model.objects.order_by("pk").values_list(*fields).iterator(2000):
                record = json.dumps(dict(zip(fields, row, strict=True)), default=str)
                for _ in range(copies):
                    out.write(record + "\n")
                    lines += 1
    return time.perf_counter() - start, lines


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        _setup(data_dir)
        owner = _clinic()
        from acuback.interop.export import export_request, export_write

        out = Path(data_dir) / "export"
        start = time.perf_counter()
        written = export_write(actor=owner, request=export_request(), directory=out)  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
        count = sum(w["count"] for w in written)
        base_seconds, base_lines = _baseline(Path(data_dir))
    rate = count / seconds
    print(f"bulk export: {count:,} resources in {seconds:.2f} s = {rate:,.0f} resources/s "
          f"(target 5,000/s: {'met' if rate >= 5000 else 'NOT met'}); "
          f"{seconds / base_seconds:.1f}x the time of a values_list + json.dumps baseline "
          f"({base_lines / base_seconds:,.0f} lines/s)")


if __name__ == "__main__":
    sys.exit(main())
