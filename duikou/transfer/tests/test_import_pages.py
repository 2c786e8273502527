"""The import pages name what a file held in Chinese (资金流水), never the kind's code."""

import pytest

from duikou.core import testing as factories
from duikou.transfer.testing import import_file, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/transfer/", "/transfer/imports/"])
def test_the_import_lists_show_the_kind_by_its_name(client, url):
    national = factories.user()
    record = import_file(
        user=national,
        kind="fund_transactions",
        data=xlsx_bytes(["项目编号", "金额（元）"], [["NO-SUCH-PROJECT", 100]]),
        name="资金台账.xlsx",
        commit=False,
    )
    assert record.kind_label == "资金流水"
    client.force_login(national)
    page = client.get(url).content.decode()
    rows = page[
        page.index('id="import-rows"') : page.index("</table>", page.index('id="import-rows"'))
    ]
    assert "资金台账.xlsx" in rows
    assert "资金流水" in rows
    assert "fund_transactions" not in rows


def test_an_export_run_in_the_background_is_named_by_the_kind(django_capture_on_commit_callbacks):
    from duikou.jobs.services import job_enqueue
    from duikou.jobs.testing import run_queued

    national = factories.user()
    job_enqueue(
        kind="transfer.export", params={"kind": "projects", "format": "csv"}, actor=national
    )
    (job,) = run_queued()
    assert job.status == "done", job.message
    assert job.output.name.rsplit("/", 1)[-1].startswith("援疆项目-")
    assert job.result["file"].startswith("援疆项目-")
