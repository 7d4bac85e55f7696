"""The one task behind every job: thin, it loads the id and calls the service."""

from django.tasks import task

from .services import job_run


@task
def run_job(job_id: int) -> None:
    job_run(job_id)
