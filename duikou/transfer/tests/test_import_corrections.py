"""Re-importing money rows: the amount is part of what identifies a row, so only the note can
differ; a changed note is applied as a correction, with its reason and source in the history."""

from datetime import date
from decimal import Decimal

import pytest

from duikou.audit.models import ChangeEntry
from duikou.core import testing as factories
from duikou.investment.services import deal_record_funds_in_place
from duikou.policy import SYSTEM
from duikou.projects.models import FundTransaction
from duikou.projects.services import fund_transaction_create
from duikou.transfer.testing import export_table, import_file, xlsx_bytes

pytestmark = pytest.mark.django_db


def _transaction():
    return fund_transaction_create(
        project=factories.project(),
        fund_source="aid",
        kind="release",
        amount="100.00",
        on=date(2025, 4, 1),
        note="原备注",
        actor=SYSTEM,
    )


def _funds():
    deal = factories.deal(stage="signed", stage_date=date(2025, 3, 1), signed_amount="1000")
    return deal_record_funds_in_place(deal=deal, amount="100.00", on=date(2025, 4, 1), actor=SYSTEM)


KINDS = [
    ("fund_transactions", _transaction, "projects.fundtransaction"),
    ("funds_in_place", _funds, "investment.fundsinplace"),
]


def _exported(client, kind):
    response = client.get(f"/transfer/export/{kind}.xlsx")
    table = export_table(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return table[0], [list(r) for r in table[1:]]


@pytest.mark.parametrize(("kind", "make", "entity"), KINDS)
def test_a_reimported_note_is_corrected_with_the_reason_in_the_history(client, kind, make, entity):
    national = factories.user()
    record = make()
    client.force_login(national)
    headers, rows = _exported(client, kind)
    assert len(rows) == 1
    rows[0][headers.index("备注")] = "按拨款文件补充说明"
    imported = import_file(user=national, kind=kind, data=xlsx_bytes(headers, rows))
    assert imported.status == "committed", imported.errors
    assert (imported.created, imported.updated) == (0, 1)
    record.refresh_from_db()
    assert (record.note, record.version) == ("按拨款文件补充说明", 2)
    entry = ChangeEntry.objects.filter(entity=entity, entity_id=str(record.pk)).latest("id")
    assert (entry.action, entry.reason, entry.source) == ("update", "导入更正", "导入")
    # The same file again changes nothing.
    again = import_file(user=national, kind=kind, data=xlsx_bytes(headers, rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_reimported_row_with_another_amount_corrects_it_and_never_counts_twice(client):
    national = factories.user()
    record = _transaction()
    client.force_login(national)
    headers, rows = _exported(client, "fund_transactions")
    # Exports write money in 万元; a cell that names its own unit keeps it.
    rows[0][headers.index("金额（万元）")] = "90元"
    imported = import_file(user=national, kind="fund_transactions", data=xlsx_bytes(headers, rows))
    assert (imported.created, imported.updated) == (0, 1)
    assert any("更正为90.00" in n["message"] for n in imported.notes)
    record.refresh_from_db()
    assert (record.amount, record.version) == (Decimal("90.00"), 2)
    assert FundTransaction.objects.count() == 1
