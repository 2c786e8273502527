"""The review table: each figure's row posts its own corrections with its buttons."""

import pytest

from duikou.core import testing
from duikou.ingest.models import Figure, Report
from duikou.orgs.models import Membership, Organisation
from duikou.results.models import Indicator
from duikou.web.testing import page_forms

pytestmark = pytest.mark.django_db

REPORT = "2025年，福建援疆三明分指挥部组织医疗队全年接诊患者12.5万人次，完成手术860台。"


@pytest.fixture
def writer():
    command = testing.donor_org(kind=Organisation.Kind.FRONT_COMMAND)
    team = testing.donor_org(parent=command, name="福建援疆三明分指挥部")
    patients = Indicator.objects.get(code="PATIENTS_TREATED")
    patients.frequency = "any"
    patients.save(update_fields=["frequency"])
    return testing.user(role=Membership.Role.SUB_COMMAND, organisation=team)


def test_each_row_sends_its_corrections_with_its_buttons(client, writer):
    client.force_login(writer)
    client.post("/ingest/", {"title": "r", "doc_date": "2025-12-20", "text": REPORT})
    report = Report.objects.get()
    page = client.get(f"/ingest/{report.pk}/").content.decode()
    forms = {f["action"]: f["fields"] for f in page_forms(page)}
    figure = Figure.objects.get(text="12.5万人次")
    fields = forms[f"/ingest/figures/{figure.pk}/"]
    assert {"indicator", "org", "region", "period"} <= set(fields)
    assert fields["indicator"] == "PATIENTS_TREATED"
    client.post(f"/ingest/figures/{figure.pk}/", {**fields, "period": "2024", "action": "accept"})
    figure.refresh_from_db()
    assert figure.status == Figure.Status.ACCEPTED
    assert figure.period_start.year == 2024


def test_the_table_scrolls_in_its_box_and_keeps_buttons_whole(client, writer):
    client.force_login(writer)
    client.post("/ingest/", {"title": "r", "doc_date": "2025-12-20", "text": REPORT})
    page = client.get(f"/ingest/{Report.objects.get().pk}/").content.decode()
    assert '<div class="table-box"><table class="figure-review">' in page
    assert page.count('<td class="actions">') == Figure.objects.count()
