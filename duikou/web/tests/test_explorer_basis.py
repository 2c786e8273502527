"""The explorer counts approved values unless asked to include those awaiting approval, and
then marks each figure that holds any; the page and the file say which."""

from decimal import Decimal

import pytest

from duikou.core import testing
from duikou.orgs.models import Organisation
from duikou.policy import SYSTEM
from duikou.results.models import Indicator
from duikou.results.periods import year_period
from duikou.results.services import value_save, value_submit

pytestmark = pytest.mark.django_db


def test_awaiting_values_count_only_when_asked_for_and_are_marked(client):
    province = testing.donor_province("350000")
    command = testing.donor_org(parent=province, kind=Organisation.Kind.FRONT_COMMAND)
    team = testing.donor_org(parent=command)
    patients = Indicator.objects.get(code="PATIENTS_TREATED")
    patients.frequency = "any"
    patients.save(update_fields=["frequency"])
    testing.counted(
        value_save(indicator=patients, org=team, period=year_period(2024), value="30", actor=SYSTEM)
    )
    value_submit(
        value=value_save(
            indicator=patients,
            org=team,
            period=year_period(2025),
            value="70",
            comment="新增科室",
            actor=SYSTEM,
        ),
        actor=SYSTEM,
    )
    client.force_login(testing.user())
    query = {
        "indicator": "PATIENTS_TREATED",
        "axis": "o",
        "node": command.pk,
        "year_from": 2024,
        "year_to": 2025,
    }
    page = client.get("/explore/", query)
    cells = [c.value for c in page.context["pivot"].rows[0].cells]
    assert cells == [Decimal(30), None]
    assert "仅已审核" in page.content.decode()

    page = client.get("/explore/", {**query, "basis": "submitted"})
    row = page.context["pivot"].rows[0]
    assert [(c.value, c.pending) for c in row.cells] == [(Decimal(30), False), (Decimal(70), True)]
    assert "待审核" in page.content.decode()

    export = client.get("/explore/", {**query, "basis": "submitted", "format": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "统计口径：已审核和待审核的数据" in text
    assert "含待审核数据：" in text
