from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from duikou.core.downloads import stored_file_response

from .selectors import get_job_for_user, job_list_for_user, worker_status


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "jobs/list.html",
        {"jobs": job_list_for_user(user=request.user)[:100], "worker": worker_status()},
    )


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's progress; htmx polls the ``status`` fragment until it ends."""
    job = get_job_for_user(user=request.user, pk=pk)
    template = (
        "jobs/detail.html#status" if request.headers.get("HX-Request") else "jobs/detail.html"
    )
    return render(request, template, {"job": job})


@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(user=request.user, pk=pk)
    if not job.output:
        raise Http404("该任务没有输出文件")
    return stored_file_response(job.output, fallback=f"job-{job.pk}")
