"""Reads of the transfer app: export rows in the user's scope, and import records."""

import re
from collections.abc import Iterator
from functools import partial

from django.db.models import QuerySet
from django.http import Http404

from duikou import policy
from duikou.core.errors import has_control_characters
from duikou.core.money import DEFAULT_UNIT, exact_in_unit, unit_label
from duikou.core.params import int_param

from .exporters import ExportColumn
from .kinds import KINDS, kind_get
from .models import ImportRecord

EXPORT_KINDS = {"amount": "money", "int": "int", "date": "date", "decimal": "number"}


def export_columns(kind: str, *, unit: str = DEFAULT_UNIT) -> list[ExportColumn]:
    """The columns of a kind's export. Money columns are in ``unit`` (万元 unless asked),
    named in the header (援疆资金计划（万元）), numbers exact to the fen; an organisation's
    code is followed by its name (实施援疆机构 · 实施援疆机构名称), so the file reads
    back through the importer unchanged and a reader sees who each row is."""
    columns = []
    for c in kind_get(kind).columns:
        if c.type == "org":
            columns.append(ExportColumn(c.key, c.header, width=12))
            columns.append(ExportColumn(f"{c.key}__name", f"{c.header}名称", width=20))
            continue
        if c.type == "amount":
            columns.append(
                ExportColumn(
                    partial(_money_in_unit, key=c.key, unit=unit),
                    header_in_unit(c.header, unit),
                    kind="money",
                    width=c.width,
                )
            )
        else:
            columns.append(
                ExportColumn(c.key, c.header, kind=EXPORT_KINDS.get(c.type, "text"), width=c.width)
            )
    return columns


def _money_in_unit(row: dict, *, key: str, unit: str):
    return exact_in_unit(row.get(key), unit)


def header_in_unit(header: str, unit: str) -> str:
    """A money column's header naming ``unit``: 金额（元） → 金额（万元）."""
    words = re.sub(r"[（(]\s*(?:亿元|万元|元)\s*[）)]$", "", header)
    return f"{words}（{unit_label(unit)}）"


# Columns that name another record: the kind whose records (in the user's scope) they name,
# and the field the drop-down lists.
REF_OPTIONS = {
    "project": ("projects", "code"),
    "deal": ("deals", "code"),
    "channel": ("sales_channels", "code"),
    "partnership": ("partnerships", "code"),
    "event": ("events", "code"),
    "mentor": ("members", "name"),
    "batch": ("batches", "name"),
    "mentor_batch": ("batches", "name"),
}
OPTIONS_CAP = 2000  # a drop-down longer than this is no help; the cell is still looked up


def template_options(*, user, kind: str) -> dict[str, list[str]]:
    """What a template's drop-downs offer, column key → labels: the organisations the user
    reports for, the places of the aid regions, and the records of the user's scope that a
    column names (项目编号, 师傅姓名, 渠道编号…); labels are what the importer reads back."""
    from duikou.geo.models import Region
    from duikou.orgs.models import Pairing, Programme
    from duikou.orgs.selectors import organisation_list_writable
    from duikou.results.models import Indicator

    from .kinds import region_label

    spec = kind_get(kind)
    options: dict[str, list[str]] = {}
    for column in spec.input_columns():
        if column.type == "org":
            writable = organisation_list_writable(user=user)[:500]
            options[column.key] = [o.name for o in writable]
        elif column.type == "region":
            # The places aid goes to: every prefecture and county under a paired region.
            paired = Pairing.objects.values("recipient_id")
            places = (
                Region.objects.filter(
                    level__in=(Region.Level.PREFECTURE, Region.Level.COUNTY),
                    ancestor_links__ancestor_id__in=paired,
                )
                .distinct()
                .order_by("code")
            )
            options[column.key] = [region_label(r) for r in places[:OPTIONS_CAP]]
        elif column.key == "indicator":
            stored = Indicator.objects.filter(kind=Indicator.Kind.STORED, is_active=True)
            options[column.key] = list(stored.order_by("code").values_list("code", flat=True))
        elif column.key == "programme":
            options[column.key] = list(
                Programme.objects.order_by("code").values_list("name", flat=True)
            )
        elif column.key in REF_OPTIONS:
            source, field = REF_OPTIONS[column.key]
            source_kind = KINDS[source]
            if source_kind.personal and not policy.can_see_personal_data(user):
                continue
            names = source_kind.queryset(user).order_by(field).values_list(field, flat=True)
            options[column.key] = list(dict.fromkeys(n for n in names[:OPTIONS_CAP] if n))
    return options


def record_list_for_user(*, user, kind: str, filters: dict | None = None) -> QuerySet:
    """The records of ``kind`` the user may see, narrowed by the list page's filters.

    Only the filters the kind's selector knows are passed on (``?year=2025&status=building``);
    a value that cannot apply (a year that is not one, control characters) is left out.
    """
    spec = kind_get(kind)
    given = {}
    for param, argument in spec.filters.items():
        value = (filters or {}).get(param)
        if value in (None, ""):
            continue
        if argument in ("year", "signed_year"):
            value = int_param(value, low=1, high=9999)
            if value is None:
                continue
        elif isinstance(value, str) and has_control_characters(value):
            continue
        given[argument] = value
    return spec.queryset(user, **given)


def export_rows_for_user(*, user, kind: str, filters: dict | None = None) -> Iterator[dict]:
    spec = kind_get(kind)
    queryset = record_list_for_user(user=user, kind=kind, filters=filters)
    for obj in queryset.iterator(chunk_size=2000) if not _prefetches(queryset) else queryset:
        yield spec.export_row(obj)


def _prefetches(queryset: QuerySet) -> bool:
    return bool(queryset._prefetch_related_lookups)


def import_record_list_for_user(*, user) -> QuerySet[ImportRecord]:
    """Imports the user made; the national office and auditors see everyone's."""
    qs = ImportRecord.objects.select_related("uploaded_by")
    if not policy.scope_for(user).sees_all:
        qs = qs.filter(uploaded_by=user)
    return qs


def get_import_for_user(*, user, pk: int) -> ImportRecord:
    from .services import import_records_reconcile

    record = import_record_list_for_user(user=user).filter(pk=pk).first()
    if record is None:
        raise Http404("导入记录不存在或无权查看")
    import_records_reconcile(records=[record])
    return record


def kinds_for_user(*, user) -> list:
    """The kinds a user may download templates for and import (personal data needs the right)."""
    personal = policy.can_see_personal_data(user)
    return [k for k in KINDS.values() if personal or not k.personal]


def import_document(*, record: ImportRecord, outcome=None) -> dict:
    """An import as the command line and the API give it: the mapping, skipped rows, every
    row as it will be (or was) stored, counts, totals, warnings and problems. With the
    ``outcome`` of a run in hand every row is there; from the record alone, the rows it
    keeps for the page."""
    mapping = record.mapping or {}
    if outcome is None:
        rows, totals = record.preview, record.totals
        warnings = [
            {"row": n["line"], "column": n["header"], "message": n["message"]} for n in record.notes
        ]
        errors = record.errors
    else:
        rows, totals = outcome.preview, outcome.totals
        warnings = [
            {"row": n.line, "column": n.header, "message": n.message} for n in outcome.notes
        ]
        errors = [p.as_dict() for p in outcome.problems]
    return {
        "id": record.pk,
        "kind": record.kind,
        "status": record.status,
        "committed": record.status == ImportRecord.Status.COMMITTED,
        "sheet": record.sheet,
        "sheets": record.sheets,
        "mapping": {
            c["header"]: c["key"]
            for c in mapping.get("columns", [])
            if c.get("key") and c.get("period") is None
        },
        "periods": {
            c["header"]: c["period"] for c in mapping.get("columns", []) if c.get("period")
        },
        "ignored": [
            c["header"]
            for c in mapping.get("columns", [])
            if not c.get("key") and not c.get("total")
        ],
        "constants": mapping.get("constants", {}),
        "derived": mapping.get("derived", {}),
        "values_map": mapping.get("values", {}),
        "skipped": record.skipped,
        "rows": [
            {k: r[k] for k in ("row", "action", "values", "matched", "before") if k in r}
            for r in rows
        ],
        "counts": {
            "create": record.created,
            "update": record.updated,
            "unchanged": record.unchanged,
        },
        "totals": totals or {},
        "warnings": warnings,
        "problems": [
            {"row": p["line"], "column": p["header"], "message": p["message"]} for p in errors
        ],
    }
