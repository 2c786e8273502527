"""A project's 月调度 reads as on paper: 2025年10月, never 2,025."""

from decimal import Decimal

import pytest

from duikou.core import testing
from duikou.policy import SYSTEM
from duikou.projects.services import progress_report_submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["detail", "progress"])
def test_the_month_of_a_progress_report_is_written_in_chinese(client, page):
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
    url = f"/projects/{project.pk}/" if page == "detail" else f"/projects/{project.pk}/progress/"
    html = client.get(url).content.decode()
    assert "2025年10月" in html
    assert "2,025" not in html
    assert "冬季施工受限" in html
