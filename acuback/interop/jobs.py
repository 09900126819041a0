"""Bulk export jobs: kicked off by `$export`, run outside the request, polled, downloaded.

A job is a background task (acuback.interop.tasks.run_export), queued once the kick-off is
committed and run by `acuback worker` (which `acuback serve` starts). The job row is the record:
a job whose runner died or never came (its heartbeat went quiet) is queued again when it is
polled, and running a job twice only rewrites its files.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from acuback.accounts.access import NotFound
from acuback.accounts.models import User
from acuback.audit.context import current
from acuback.interop.export import ExportRequest, export_write, require_exporter
from acuback.interop.models import ExportJob, ExportStatus

STALE = dt.timedelta(minutes=2)


def export_directory(job: ExportJob) -> Path:
    return Path(settings.DATA_DIR) / "exports" / str(job.pk)


def export_kick_off(*, actor: User, request: ExportRequest, request_url: str) -> ExportJob:
    clinic_id = require_exporter(actor)
    job = ExportJob.objects.create(
        clinic_id=clinic_id, requested_by=actor, request_url=request_url[:2000],
        types=list(request.types), since=request.since,
        patient_ids=list(request.patient_ids) if request.patient_ids is not None else None,
    )
    _start(job)
    return job


def _start(job: ExportJob) -> None:
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    if not settings.EXPORT_IN_BACKGROUND:
        export_job_run(job.pk)
        return
    from acuback.interop.tasks import run_export

    job_id, channel = str(job.pk), current().channel
    transaction.on_commit(lambda: run_export.enqueue(job_id, channel))


def export_job_run(job_id: object) -> None:
    """Run one job to the end; a finished or cancelled job is left alone."""
    job = ExportJob.objects.select_related("requested_by__membership").get(pk=job_id)
    if job.status in (ExportStatus.COMPLETED, ExportStatus.CANCELLED):
        return
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, started_at=now,
                                               heartbeat_at=now)
    request = ExportRequest(tuple(job.types), job.since,
                            tuple(job.patient_ids) if job.patient_ids is not None else None)

    def beat(resource_type: str, done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(),
                                                   progress=f"writing {resource_type}")

    try:
        output = export_write(actor=job.requested_by, request=request,
                              directory=export_directory(job), progress=beat,
                              job_id=str(job.pk))
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise
    ExportJob.objects.filter(pk=job.pk).exclude(status=ExportStatus.CANCELLED).update(
        status=ExportStatus.COMPLETED, output=output, progress="done",
        finished_at=timezone.now())


def export_job_get(*, actor: User, job_id: object) -> ExportJob:
    """The actor's own job (the files hold many patients' records: nobody else's)."""
    try:
        pk = uuid.UUID(str(job_id))
    except ValueError:
        raise NotFound("no such export") from None
    job = ExportJob.objects.filter(pk=pk, requested_by=actor).first()
    if job is None:
        raise NotFound("no such export")
    stale = job.heartbeat_at is None or job.heartbeat_at < timezone.now() - STALE
    if job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) and stale:
        _start(job)
        job.refresh_from_db()
    return job


def export_job_cancel(*, actor: User, job_id: object) -> None:
    job = export_job_get(actor=actor, job_id=job_id)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.CANCELLED,
                                               finished_at=timezone.now())
    shutil.rmtree(export_directory(job), ignore_errors=True)
