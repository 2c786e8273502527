"""Templates for every kind, and exports in the user's scope with formulas neutralised."""

import io
import zipfile

import pytest

from duikou.core import testing as factories
from duikou.transfer.exporters import neutralise
from duikou.transfer.kinds import KINDS
from duikou.transfer.testing import export_table, sheet_table

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_has_a_template_with_chinese_headers_dropdowns_and_instructions(client, kind):
    client.force_login(factories.user())
    response = client.get(f"/transfer/templates/{kind}.xlsx")
    assert response.status_code == 200
    data = response.content
    headers = sheet_table(data)[1]
    assert headers == [c.header for c in KINDS[kind].input_columns()]
    archive = zipfile.ZipFile(io.BytesIO(data))
    workbook = archive.read("xl/workbook.xml").decode()
    assert "说明" in workbook
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    if any(c.type in ("choice", "bool") for c in KINDS[kind].input_columns()):
        assert "<dataValidation " in sheet


def test_cells_that_look_like_formulas_are_neutralised():
    assert neutralise('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    for text in ("+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text).startswith("'")
    assert neutralise("普通文字") == "普通文字"


def test_an_export_holds_only_the_users_scope_and_is_neutralised(client):
    mine, theirs = factories.donor_org(), factories.donor_org()
    factories.project(donor_org=mine, code="EXP-MINE", name="=1+1")
    factories.project(donor_org=theirs, code="EXP-THEIRS")
    client.force_login(factories.user(role="sub_command", organisation=mine))
    table = export_table(client.get("/transfer/export/projects.xlsx").content)
    codes = [row[0] for row in table[1:]]
    assert codes == ["EXP-MINE"]
    assert table[1][1] == "'=1+1"
    csv = b"".join(client.get("/transfer/export/projects.csv").streaming_content).decode()
    assert "EXP-THEIRS" not in csv and "'=1+1" in csv


def test_a_large_export_goes_to_a_job(client, settings):
    settings.DUIKOU_EXPORT_SYNC_ROWS = 1
    from duikou.jobs.models import Job
    from duikou.jobs.testing import run_queued

    factories.project()
    factories.project()
    client.force_login(factories.user())
    response = client.get("/transfer/export/projects.xlsx?year=2025")
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    run_queued()
    job = Job.objects.get(kind="transfer.export")
    assert job.status == "done", job.message
    assert job.result["rows"] >= 2 and job.output


def test_the_upload_page_refuses_a_non_spreadsheet_in_chinese(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(factories.user())
    response = client.post(
        "/transfer/import/",
        {"kind": "projects", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 400
    assert "不是电子表格文件" in response.content.decode()
