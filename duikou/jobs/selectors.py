from django.db.models import QuerySet
from django.http import Http404

from duikou import policy

from .models import Job


def job_list_for_user(*, user) -> QuerySet[Job]:
    """Jobs the user asked for; the national office and auditors see all."""
    qs = Job.objects.select_related("requested_by")
    if not policy.scope_for(user).sees_all:
        qs = qs.filter(requested_by=user)
    return qs


def get_job_for_user(*, user, pk: int) -> Job:
    job = job_list_for_user(user=user).filter(pk=pk).first()
    if job is None:
        raise Http404("任务不存在或无权查看")
    return job
