"""A re-import that corrects people and exchange records says so in the history's source."""

import pytest

from duikou.audit.models import ChangeEntry
from duikou.core import testing as factories
from duikou.transfer.testing import export_table, import_file, xlsx_bytes

pytestmark = pytest.mark.django_db


def _member():
    return factories.aid_member(id_number="11010519491231002X")


KINDS = [
    ("batches", factories.aid_batch, "备注", "people.aidbatch"),
    ("members", _member, "备注", "people.aidmember"),
    ("partnerships", factories.partnership, "说明", "exchanges.partnership"),
    ("events", factories.event, "说明", "exchanges.event"),
    ("sales_channels", factories.sales_channel, "说明", "exchanges.saleschannel"),
]


@pytest.mark.parametrize(("kind", "make", "header", "entity"), KINDS)
def test_a_reimported_correction_is_recorded_with_the_import_as_its_source(
    client, kind, make, header, entity
):
    national = factories.user()
    record = make()
    client.force_login(national)
    response = client.get(f"/transfer/export/{kind}.xlsx")
    table = export_table(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    headers, rows = table[0], [list(r) for r in table[1:]]
    assert len(rows) == 1
    rows[0][headers.index(header)] = "导入更正"
    imported = import_file(user=national, kind=kind, data=xlsx_bytes(headers, rows))
    assert imported.status == "committed", imported.errors
    assert imported.updated == 1
    entry = ChangeEntry.objects.filter(entity=entity, entity_id=str(record.pk)).latest("id")
    assert (entry.action, entry.source, entry.reason) == ("update", "导入", "")
    assert entry.after["note"] == "导入更正"
