from django_tasks import task

from .services import job_run


@task()
def run_job(job_id: int) -> None:
    """The queue entry of a job: takes its id, never a model instance."""
    job_run(job_id=job_id)
