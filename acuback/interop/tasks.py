"""Background task of the bulk export (Django tasks backport, database backend): the worker
(`acuback worker`, which `acuback serve` starts) runs the job; running it twice only rewrites
its files (see acuback.interop.jobs)."""

from __future__ import annotations

from django_tasks import task

from acuback.audit.context import audit_context


@task()
def run_export(job_id: str, channel: str) -> None:
    from acuback.interop.jobs import export_job_run

    with audit_context(channel):
        export_job_run(job_id)
