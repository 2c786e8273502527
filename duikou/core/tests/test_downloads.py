"""Stored files leave through the page that checks who asks; with DUIKOU_MEDIA_ACCEL set, nginx
sends the bytes (X-Accel-Redirect) instead of a gunicorn worker."""

import pytest
from django.core.files.base import ContentFile

from duikou.core import testing as factories
from duikou.jobs.services import job_enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def job_with_output():
    owner = factories.user(role="sub_command", organisation=factories.donor_org())
    job = job_enqueue(kind="jobs.echo", actor=owner)
    job.output.save("统计表.csv", ContentFile("项目,金额\n".encode()))
    return owner, job


def test_without_the_setting_django_streams_the_file(client, job_with_output):
    owner, job = job_with_output
    client.force_login(owner)
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "项目,金额\n"
    assert "X-Accel-Redirect" not in response
    assert "attachment" in response["Content-Disposition"]


def test_with_the_setting_nginx_sends_it_after_the_check(client, job_with_output, settings):
    settings.DUIKOU_MEDIA_ACCEL = "/_media/"
    owner, job = job_with_output
    client.force_login(owner)
    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"].startswith("/_media/")
    assert (
        response["X-Accel-Redirect"].endswith(".csv")
        and "%E7%BB%9F" in response["X-Accel-Redirect"]
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    # Someone else still gets nothing: the check comes first.
    client.force_login(factories.user(role="sub_command", organisation=factories.donor_org()))
    assert client.get(f"/jobs/{job.pk}/download/").status_code in (403, 404)
    # A file gone from storage is a 404, not an empty attachment.
    job.output.storage.delete(job.output.name)
    client.force_login(owner)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
