"""Asking for a report on /reports/: a background job makes it, the list keeps it."""

from datetime import date

import pytest

from duikou.core import testing
from duikou.jobs.testing import run_queued
from duikou.orgs.models import Membership
from duikou.reports.models import GeneratedReport

pytestmark = pytest.mark.django_db


def test_a_requested_summary_is_generated_in_the_background_and_downloadable(client):
    org = testing.donor_org(name="测试分指挥部")
    testing.project(donor_org=org, planned_start=date(2025, 3, 1))
    asker = testing.user(role=Membership.Role.SUB_COMMAND, organisation=org)
    client.force_login(asker)
    response = client.post("/reports/", {"what": "summary:docx", "org": org.pk, "period": "2025"})
    assert response.status_code == 302
    report = GeneratedReport.objects.get()
    assert report.status == "queued" and report.requested_by == asker
    assert report.job is not None

    run_queued()
    report.refresh_from_db()
    assert report.status == "done", report.message
    assert report.job.output.name == report.file.name
    page = client.get("/reports/").content.decode()
    assert "工作总结" in page and "2025年" in page and asker.username in page
    download = client.get(f"/reports/{report.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_someone_outside_the_scope_cannot_see_or_download_it(client):
    org = testing.donor_org(name="另一家援疆机构")
    client.force_login(testing.user())
    client.post("/reports/", {"what": "summary:pdf", "org": org.pk, "period": "2025"})
    report = GeneratedReport.objects.get()
    other = testing.user(role=Membership.Role.SUB_COMMAND, organisation=testing.donor_org())
    client.force_login(other)
    assert client.get(f"/reports/{report.pk}/download/").status_code == 404
    assert "另一家援疆机构" not in client.get("/reports/").content.decode()


def test_a_dispatch_request_needs_a_single_month(client):
    client.force_login(testing.user())
    response = client.post("/reports/", {"what": "dispatch:xlsx", "period": "2025"})
    assert response.status_code == 200
    assert "月调度请填写一个月份" in response.content.decode()
    assert not GeneratedReport.objects.exists()
