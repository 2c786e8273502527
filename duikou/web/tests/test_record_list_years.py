"""Record lists write years as on documents: 2025, never 2,025."""

from decimal import Decimal

import pytest

from duikou.core import testing
from duikou.policy import SYSTEM
from duikou.projects.services import progress_report_submit
from duikou.web.templatetags.duikou_web import year

pytestmark = pytest.mark.django_db


def test_the_monthly_progress_list_writes_the_year_without_a_separator(client):
    project = testing.project()
    progress_report_submit(
        project=project,
        year=2025,
        month=10,
        percent_complete=Decimal("85"),
        amount_spent=Decimal("1800000"),
        problems="冬季施工受限",
        actor=SYSTEM,
    )
    client.force_login(testing.user())
    page = client.get("/records/progress_reports/").content.decode()
    assert "冬季施工受限" in page
    assert '<td class="nowrap">2025</td>' in page
    assert "2,025" not in page


def test_the_year_filter_never_groups_digits():
    assert year(2025) == "2025"
    assert year("2025") == "2025"
    assert year(None) == "—"
