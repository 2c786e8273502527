"""A job keeps the id of the request that asked for it, and every line it logs carries that id."""

import io
import json
import logging
from datetime import date

import pytest
from django.test import Client

from duikou.core import testing
from duikou.core.observability import JsonFormatter, RequestIdFilter, request_id_bound
from duikou.jobs.models import Job
from duikou.jobs.services import job_enqueue
from duikou.jobs.testing import run_queued, worker_start
from duikou.orgs.models import Membership

pytestmark = pytest.mark.django_db


def _ask_for_a_report(client: Client, **headers):
    org = testing.donor_org(name="请求编号分指挥部")
    testing.project(donor_org=org, planned_start=date(2025, 3, 1))
    client.force_login(testing.user(role=Membership.Role.SUB_COMMAND, organisation=org))
    return client.post(
        "/reports/", {"what": "summary:docx", "org": org.pk, "period": "2025"}, **headers
    )


def _json_lines(text: str) -> list[dict]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_a_request_that_enqueues_a_job_leaves_its_id_on_the_job():
    response = _ask_for_a_report(Client())
    assert response.status_code == 302
    job = Job.objects.get()
    assert len(response["X-Request-ID"]) == 32
    assert job.request_id == response["X-Request-ID"]


@pytest.mark.django_db(transaction=True)  # the worker is another process
def test_the_real_worker_logs_every_line_of_the_job_under_the_request_id():
    # What RequestIdMiddleware does while a view enqueues (the test above): the id is bound.
    with request_id_bound("nginx-req-7f3a"):
        job = job_enqueue(kind="jobs.echo", params={"text": "好", "steps": 2})
    assert job.request_id == "nginx-req-7f3a"

    worker = worker_start("--once")
    output = worker.communicate(timeout=120)[0].decode()
    assert worker.returncode == 0, output
    job.refresh_from_db()
    assert job.status == "done" and job.result == {"echo": "好"}, job.message

    lines = _json_lines(output)
    messages = [line["message"] for line in lines]
    first = messages.index(f"job {job.pk} started")
    last = messages.index(f"job {job.pk} done")
    written = lines[first : last + 1]
    assert {line["request_id"] for line in written} == {"nginx-req-7f3a"}, written
    assert written[-1]["job_id"] == job.pk and written[-1]["status"] == "done"
    assert written[-1]["seconds"] >= 0
    # Outside the job the worker logs under no request.
    assert all(line["request_id"] == "-" for line in lines[:first])

    client = Client()
    client.force_login(testing.user())
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "请求编号" in page and "nginx-req-7f3a" in page


def test_a_failing_job_logs_its_traceback_under_the_request_id():
    with request_id_bound("req-fails"):
        job = job_enqueue(kind="jobs.echo", params={"fail": True})
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("duikou.jobs")
    logger.addHandler(handler)
    try:
        run_queued()
    finally:
        logger.removeHandler(handler)
    lines = _json_lines(stream.getvalue())
    assert [line["message"] for line in lines] == [f"job {job.pk} started", f"job {job.pk} failed"]
    assert all(line["request_id"] == "req-fails" for line in lines)
    assert "按要求失败" in lines[-1]["traceback"]


def test_a_scheduled_job_has_no_request_id_and_its_page_says_none():
    job = job_enqueue(kind="jobs.echo", params={})
    assert job.request_id is None
    client = Client()
    client.force_login(testing.user())
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and "请求编号" not in page.content.decode()
