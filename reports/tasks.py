"""Thin Celery adapters for the reports: a job row's id in, one service call."""

from celery import shared_task


@shared_task(name="reports.run_render_job", acks_late=True)
def run_render_job_task(*, job_id: int) -> None:
    from .services_summary import job_run

    job_run(job_id)
