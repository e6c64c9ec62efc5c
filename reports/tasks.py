"""Thin Celery adapters for the reports: a job row's id in, one service call."""

from celery import shared_task


# A 2,000-row annex renders in about 15 s (bench/RESULTS.md §11): six minutes is a broken job,
# which job_run then records as failed (quality target C4).
@shared_task(name="reports.run_render_job", acks_late=True, soft_time_limit=360, time_limit=420)
def run_render_job_task(*, job_id: int) -> None:
    from .services_summary import job_run

    job_run(job_id)


@shared_task(name="reports.requeue_jobs", time_limit=60, soft_time_limit=45)
def requeue_jobs_task() -> int:
    from .services_summary import requeue_stale_jobs

    return requeue_stale_jobs()
