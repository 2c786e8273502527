"""Built-in job handlers."""

import time

from .models import Job
from .services import job_progress


def echo(job: Job) -> dict:
    """Report progress in steps and return the parameters: used to check the worker works."""
    steps = int(job.params.get("steps", 1))
    for step in range(1, steps + 1):
        time.sleep(float(job.params.get("sleep", 0)))
        job_progress(job_id=job.pk, percent=step * 100 // steps, message=f"第{step}步")
    if job.params.get("fail"):
        raise RuntimeError("按要求失败")
    return {"echo": job.params.get("text", "")}
