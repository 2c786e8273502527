"""/readyz tells when the last successful backup finished and how long ago, and /metrics has it as
a gauge; no backup, or an old one, is a warning there, never a reason to be unready."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from duikou.core.backups import BACKUP_JOB
from duikou.jobs.models import Job, WorkerBeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def node(settings, tmp_path):
    """A node of its own: media, the var folder where backups are recorded, a live worker."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    WorkerBeat.objects.create(worker_id="test-worker", host="node-a", pid=1)
    return tmp_path


def backup_gauge() -> float:
    text = Client().get("/metrics").content.decode()
    [value] = [
        s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == "duikou_backup_last_success_timestamp_seconds"
    ]
    return value


def test_a_fresh_install_without_a_backup_is_ready_and_says_so(node):
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert body["backup"]["status"] == "none"
    assert body["backup"]["finished_at"] is None and body["backup"]["age_seconds"] is None
    assert body["backup"]["warn_after_hours"] == 36
    assert "尚无成功的备份" in body["backup"]["problem"]
    assert backup_gauge() == 0


@pytest.mark.django_db(transaction=True)  # the backup reads the database from outside the test
def test_a_real_backup_shows_its_time_and_age(node):
    call_command("backup", dest=str(node / "backups"), stdout=StringIO())
    before = timezone.now()
    backup = Client().get("/readyz").json()["backup"]
    assert backup["status"] == "ok" and "problem" not in backup
    finished = datetime.fromisoformat(backup["finished_at"])
    assert before - timedelta(minutes=5) < finished <= before
    assert 0 <= backup["age_seconds"] < 300
    assert backup["archive"].startswith(str(node / "backups" / "duikou-backup-"))
    assert backup_gauge() == pytest.approx(finished.timestamp(), abs=0.001)


def test_a_backup_older_than_the_threshold_is_stale_but_still_ready(node, settings):
    finished = timezone.now() - timedelta(hours=40)
    Job.objects.create(
        kind=BACKUP_JOB,
        status=Job.Status.DONE,
        started_at=finished - timedelta(minutes=3),
        finished_at=finished,
        result={"archive": "/srv/duikou/var/backups/duikou-backup-x.tar.gz", "size": 1024},
    )
    response = Client().get("/readyz")
    assert response.status_code == 200
    backup = response.json()["backup"]
    assert backup["status"] == "stale"
    assert 40 * 3600 - 5 <= backup["age_seconds"] <= 40 * 3600 + 60
    assert "40 小时前" in backup["problem"] and "超过 36 小时" in backup["problem"]
    assert backup_gauge() == pytest.approx(finished.timestamp(), abs=0.001)

    settings.DUIKOU_READY_BACKUP_HOURS = 48
    assert Client().get("/readyz").json()["backup"]["status"] == "ok"


def test_an_unready_node_still_reports_the_backup(node):
    WorkerBeat.objects.all().delete()
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["backup"]["status"] == "none"
