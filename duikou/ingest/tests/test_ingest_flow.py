"""Upload a report, review its figures, accept them, and reconcile with the ledger."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from duikou.core import testing
from duikou.ingest.models import Figure, Report
from duikou.orgs.models import Membership, Organisation
from duikou.policy import SYSTEM
from duikou.results.models import Indicator, Value
from duikou.results.periods import year_period
from duikou.results.services import value_save

pytestmark = pytest.mark.django_db

REPORT = (
    "本报讯 2025年，福建援疆三明分指挥部组织医疗队深入玛纳斯县各乡镇，"
    "全年接诊患者12.5万人次，完成手术860台，开展义诊活动23场。\n\n"
    "遗失声明：某某公司营业执照副本遗失，统一社会信用代码91650000123456789X，特此声明。"
)


@pytest.fixture
def team():
    command = testing.donor_org(kind=Organisation.Kind.FRONT_COMMAND)
    team = testing.donor_org(parent=command, name="福建援疆三明分指挥部")
    team.short_name = "三明分指挥部"
    team.save(update_fields=["short_name"])
    user = testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)
    patients = Indicator.objects.get(code="PATIENTS_TREATED")
    patients.frequency = "any"
    patients.save(update_fields=["frequency"])
    return team, user


def test_pasting_a_report_highlights_every_figure_and_skips_the_notice(client, team):
    _, user = team
    client.force_login(user)
    response = client.post(
        "/ingest/", {"title": "三明医疗援疆", "doc_date": "2025-12-20", "text": REPORT}
    )
    report = Report.objects.get(title="三明医疗援疆")
    assert response.status_code == 302
    texts = list(report.figures.values_list("text", flat=True))
    assert texts == ["12.5万人次", "860台", "23场"]
    page = client.get(f"/ingest/{report.pk}/").content.decode()
    assert page.count('<mark id="mark-') == 3
    assert "91650000123456789X" in page  # shown as text, never as a figure


def test_figures_are_linked_to_the_catalogue_the_team_the_place_and_the_year(client, team):
    org, user = team
    client.force_login(user)
    client.post("/ingest/", {"title": "r", "doc_date": "2025-12-20", "text": REPORT})
    figure = Figure.objects.get(text="12.5万人次")
    assert figure.value == Decimal("125000")
    assert figure.indicator.code == "PATIENTS_TREATED"
    assert figure.org == org
    assert figure.region.name == "玛纳斯县"
    assert (figure.period_start, figure.period_end) == (date(2025, 1, 1), date(2025, 12, 31))


def test_accepting_a_figure_makes_a_value_with_the_report_span_as_evidence(client, team):
    org, user = team
    client.force_login(user)
    client.post("/ingest/", {"title": "r", "doc_date": "2025-12-20", "text": REPORT})
    figure = Figure.objects.get(text="12.5万人次")
    client.post(f"/ingest/figures/{figure.pk}/", {"action": "accept"})
    figure.refresh_from_db()
    value = figure.accepted_value
    assert figure.status == "accepted"
    assert value.value == Decimal("125000")
    assert value.source == "extraction"
    assert value.org == org
    report_text = figure.report.text
    assert report_text[value.evidence_start : value.evidence_end] == "12.5万人次"


def test_a_corrected_period_is_used_when_accepting(client, team):
    _, user = team
    client.force_login(user)
    client.post("/ingest/", {"title": "r", "doc_date": "2025-12-20", "text": REPORT})
    figure = Figure.objects.get(text="12.5万人次")
    client.post(f"/ingest/figures/{figure.pk}/", {"action": "accept", "period": "2024"})
    assert Value.objects.get(
        pk=Figure.objects.get(pk=figure.pk).accepted_value_id
    ).period_start == date(2024, 1, 1)


def test_a_figure_without_an_indicator_cannot_be_accepted(client, team):
    _, user = team
    client.force_login(user)
    client.post("/ingest/", {"title": "r", "doc_date": "2025-12-20", "text": REPORT})
    figure = Figure.objects.get(text="860台")
    figure.indicator = None
    figure.save()
    response = client.post(f"/ingest/figures/{figure.pk}/", {"action": "accept"}, follow=True)
    assert "请先补全指标再采纳" in response.content.decode()
    figure.refresh_from_db()
    assert figure.status == "pending"


def test_an_uploaded_gbk_text_file_is_read(client, team):
    _, user = team
    client.force_login(user)
    upload = SimpleUploadedFile("报道.txt", REPORT.encode("gb18030"))
    client.post("/ingest/", {"doc_date": "2025-12-20", "upload": upload})
    assert Report.objects.get(source_name="报道.txt").figures.count() == 3


def test_a_file_that_is_not_a_report_is_refused_with_a_message(client, team):
    _, user = team
    client.force_login(user)
    upload = SimpleUploadedFile("data.xlsx", b"PK\x03\x04 not really")
    response = client.post("/ingest/", {"doc_date": "2025-12-20", "upload": upload})
    assert response.status_code == 400
    assert "只能读取" in response.content.decode()
    assert not Report.objects.exists()


def test_reconciliation_flags_a_reported_figure_the_ledger_does_not_match(client, team):
    org, user = team
    patients = Indicator.objects.get(code="PATIENTS_TREATED")
    testing.counted(
        value_save(
            indicator=patients, org=org, period=year_period(2025), value="120000", actor=SYSTEM
        )
    )
    client.force_login(user)
    client.post("/ingest/", {"title": "r", "doc_date": "2025-12-20", "text": REPORT})
    page = client.get("/ingest/reconcile/", {"org": org.code, "year": "2025"}).content.decode()
    assert "125000" in page
    assert "120000" in page
    assert "不一致" in page
