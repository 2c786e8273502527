"""Change entries as a person reads them: Chinese labels, names, 万元, 是/否, local dates.

``describe_entries`` turns a page of ``ChangeEntry`` rows into ``Described`` objects for the
history fragment and the auditors' page. Foreign keys are looked up once per related model
for the whole page, never once per line.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from duikou.core.money import MoneyField, format_money

from .models import ChangeEntry

DELETED = "（已删除）"
EMPTY = "—"
HIDDEN_VALUE = "（已隐藏）"

# Bookkeeping and derived keys nobody edits; they only repeat what the other fields say.
INTERNAL_FIELDS = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "recorded_at",
    "year",
    "month",
    "quarter",
    "is_demo",
    "root",
    "path",
    "depth",
    "search",
    "sha256",
    "runner",
    "heartbeat",
}
# Never shown, whatever a snapshot happened to hold.
SECRET_FIELDS = {"password", "key", "secret", "token", "bin_key"}

# Where a change came from, for the few sources stored as codes.
SOURCE_LABELS = {"web": "页面录入", "api": "接口", "import": "导入", "extraction": "报道读取"}

# Keys some services add to a snapshot besides the model's own fields.
EXTRA_LABELS = {"budgets": "资金计划"}

# The page of each record kind, and where a child record's parent id sits in its snapshot.
RECORD_PAGES: dict[str, tuple[str, str]] = {
    "projects.project": ("projects:detail", "id"),
    "projects.budgetline": ("projects:detail", "project_id"),
    "projects.fundtransaction": ("projects:detail", "project_id"),
    "projects.progressreport": ("projects:detail", "project_id"),
    "projects.projectdocument": ("projects:detail", "project_id"),
    "projects.statuschange": ("projects:detail", "project_id"),
    "investment.deal": ("investment:detail", "id"),
    "investment.fundsinplace": ("investment:detail", "deal_id"),
    "investment.dealstagechange": ("investment:detail", "deal_id"),
    "investment.jobsreport": ("investment:detail", "deal_id"),
    "people.aidbatch": ("people:batch", "id"),
    "people.aidmember": ("people:member", "id"),
    "people.assignment": ("people:member", "member_id"),
    "exchanges.partnership": ("exchanges:partnership", "id"),
    "exchanges.event": ("exchanges:event", "id"),
    "exchanges.saleschannel": ("exchanges:channel", "id"),
    "exchanges.salesrecord": ("exchanges:channel", "channel_id"),
    "orgs.organisation": ("orgs:detail", "id"),
    "geo.region": ("geo:detail", "id"),
    "ingest.report": ("ingest:review", "id"),
    "ingest.figure": ("ingest:review", "report_id"),
    "transfer.importrecord": ("transfer:import_detail", "id"),
    "orgs.pairing": ("orgs:pairings", ""),
    "results.value": ("web:values", ""),
}


@dataclass(frozen=True)
class Line:
    """One changed field: its label and its value before and after (text, never a dump)."""

    label: str
    before: str | None
    after: str | None

    def __str__(self) -> str:
        if self.before is None:
            return f"{self.label}：{self.after}"
        if self.after is None:  # a deletion's last state; the action already says 删除
            return f"{self.label}：{self.before}"
        return f"{self.label}：{self.before} → {self.after}"


@dataclass
class Described:
    entry: ChangeEntry
    kind: str
    record: str
    url: str
    lines: list[Line] = field(default_factory=list)

    @property
    def at(self) -> datetime:
        return timezone.localtime(self.entry.at)

    @property
    def action(self) -> str:
        return str(self.entry.get_action_display())

    # A creation lists every filled field; past the first few they fold away so a page of
    # fifty entries stays a page.
    FOLD_AFTER = 8

    @property
    def head(self) -> list[Line]:
        return self.lines[: self.FOLD_AFTER]

    @property
    def rest(self) -> list[Line]:
        return self.lines[self.FOLD_AFTER :]

    @property
    def source(self) -> str:
        source = self.entry.source or ""
        return SOURCE_LABELS.get(source, source if not source.isascii() else "")

    @property
    def actor(self) -> str:
        return actor_name(self.entry.actor)


def actor_name(user) -> str:
    if user is None:
        return "系统"
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    return full or user.first_name or user.username


def model_for(entity: str) -> type[models.Model] | None:
    try:
        return apps.get_model(entity)
    except (LookupError, ValueError):
        return None


def kind_label(entity: str) -> str:
    """The Chinese name of a record kind (``projects.project`` → 援疆项目)."""
    model = model_for(entity)
    return str(model._meta.verbose_name) if model is not None else "记录"


def _field(model, name: str):
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        found = next((f for f in model._meta.concrete_fields if f.attname == name), None)
    return found if getattr(found, "concrete", False) else None


def _shown(model, name: str) -> bool:
    if name in INTERNAL_FIELDS:
        return False
    found = _field(model, name)
    if found is None:
        # Keys a service added (budgets) are shown; bare ids of unknown relations are not.
        return name in EXTRA_LABELS or (model is None and not name.endswith("_id"))
    return not isinstance(found, models.AutoField)


def _label(model, name: str) -> str:
    if name in EXTRA_LABELS:
        return EXTRA_LABELS[name]
    found = _field(model, name)
    label = str(getattr(found, "verbose_name", None) or name)
    if found is not None and found.is_relation and label.isascii():
        # A foreign key declared without a Chinese name: call it what it points to.
        label = str(found.related_model._meta.verbose_name)
    if isinstance(found, MoneyField):
        label = label.replace("（元）", "")  # the amount itself says 元, 万元 or 亿元
    return label


def _date_text(value: date | datetime) -> str:
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


def _money_text(value) -> str:
    try:
        return format_money(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


def _number_text(value) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1)):,}"
    return f"{number.normalize():,f}"


def _plain(value) -> str:
    """Any other JSON value as words, never as ``{…}`` or ``[…]``."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "；".join(f"{k}：{_plain(v)}" for k, v in value.items()) or EMPTY
    if isinstance(value, (list, tuple)):
        return "、".join(_plain(v) for v in value) or EMPTY
    return str(value)


class _Names:
    """Names of related records, fetched once per model for a whole page of entries."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], str], str] = {}

    def want(self, model, pk) -> None:
        if pk not in (None, ""):
            self.wanted[model].add(pk)

    def fetch(self) -> None:
        for model, pks in self.wanted.items():
            clean = set()
            for pk in pks:
                try:
                    clean.add(model._meta.pk.to_python(pk))
                except ValidationError:
                    pass  # a malformed id in an old snapshot names nothing: shown as deleted
            parents = [f.name for f in _parent_fields(model)]
            rows = model._default_manager.filter(pk__in=clean)
            if parents:
                rows = rows.select_related(*parents)
            for obj in rows:
                self.names[(model, str(obj.pk))] = _record_name(obj)
        self.wanted.clear()

    def name(self, model, pk) -> str:
        if pk in (None, ""):
            return EMPTY
        return self.names.get((model, str(pk)), DELETED)


NAME_FIELDS = ("name", "name_zh", "title")


def _own_name_field(model) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    return next((name for name in NAME_FIELDS if name in names), None)


def _parent_fields(model) -> list:
    """For a record without a name of its own (a fund transaction, a value), the foreign
    keys to named records (its project, its indicator): it is named after the first set."""
    if _own_name_field(model) is not None or model is get_user_model():
        return []
    return [
        f
        for f in model._meta.concrete_fields
        if f.many_to_one and _own_name_field(f.related_model) is not None
    ]


def _record_name(obj: models.Model) -> str:
    if isinstance(obj, get_user_model()):
        return actor_name(obj)
    own = _own_name_field(type(obj))
    if own is not None and getattr(obj, own):
        return str(getattr(obj, own))
    parent = next(
        (getattr(obj, f.name) for f in _parent_fields(type(obj)) if getattr(obj, f.attname)),
        None,
    )
    if parent is None:
        return str(obj)
    parts = [_record_name(parent)]
    when = next(
        (
            getattr(obj, f.name)
            for f in obj._meta.concrete_fields
            if isinstance(f, models.DateField)
            and not isinstance(f, models.DateTimeField)
            and getattr(obj, f.name)
        ),
        None,
    )
    if when is not None:
        parts.append(_date_text(when))
    else:  # an undated line of its parent: say which (资金计划 of 援疆资金)
        kind = next((f for f in obj._meta.concrete_fields if f.choices), None)
        if kind is not None:
            parts.append(str(getattr(obj, f"get_{kind.name}_display")()))
    return " ".join(parts)


def _value_text(model, name: str, value, names: _Names) -> str:
    if name in SECRET_FIELDS:
        return HIDDEN_VALUE
    found = _field(model, name)
    if value is None or value == "":
        return EMPTY
    if found is None:
        return _plain(value)
    if found.many_to_one or found.one_to_one:
        return names.name(found.related_model, value)
    if found.choices:
        return str(dict(found.flatchoices).get(value, value))
    if isinstance(found, models.BooleanField) or isinstance(value, bool):
        return "是" if value else "否"
    # Money is always a MoneyField (whole fen); a DecimalField is a share or a measure
    # (形象进度（%）, an indicator's value), shown as a plain number.
    if isinstance(found, MoneyField):
        return _money_text(value)
    if isinstance(found, models.DecimalField):
        return _number_text(value)
    if isinstance(found, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        return _date_text(parsed) if parsed else value
    if isinstance(found, models.DateField) and isinstance(value, str):
        parsed = parse_date(value[:10])
        return _date_text(parsed) if parsed else value
    return _plain(value)


def _budget_lines(before: dict | None, after: dict | None, is_update: bool) -> list[Line]:
    from duikou.projects.models import FundSource

    before, after = before or {}, after or {}
    lines = []
    for source in dict.fromkeys([*before, *after]):
        old, new = before.get(source), after.get(source)
        if is_update and old == new:
            continue
        try:
            label = f"{FundSource(source).label}计划"
        except ValueError:
            label = f"{source}计划"
        shown_old = EMPTY if old is None else _money_text(old)
        shown_new = EMPTY if new is None else _money_text(new)
        if is_update:
            lines.append(Line(label, shown_old, shown_new))
        elif new is not None:
            lines.append(Line(label, None, shown_new))
        elif old is not None:
            lines.append(Line(label, shown_old, None))
    return lines


def _want_names(model, data: dict | None, names: _Names) -> None:
    for name, value in (data or {}).items():
        found = _field(model, name)
        if found is not None and (found.many_to_one or found.one_to_one):
            names.want(found.related_model, value)


def _lines(entry: ChangeEntry, model, names: _Names) -> list[Line]:
    before, after = entry.before, entry.after
    is_update = before is not None and after is not None
    lines: list[Line] = []
    for name in dict.fromkeys([*(before or {}), *(after or {})]):
        if not _shown(model, name):
            continue
        old, new = (before or {}).get(name), (after or {}).get(name)
        if is_update and old == new:
            continue
        if name == "budgets" and isinstance(old or new or {}, dict):
            lines.extend(_budget_lines(old, new, is_update))
            continue
        if is_update:
            lines.append(
                Line(
                    _label(model, name),
                    _value_text(model, name, old, names),
                    _value_text(model, name, new, names),
                )
            )
        elif after is not None:
            if new in (None, "", [], {}):
                continue  # a new record's empty fields say nothing
            lines.append(Line(_label(model, name), None, _value_text(model, name, new, names)))
        else:
            if old in (None, "", [], {}):
                continue
            lines.append(Line(_label(model, name), _value_text(model, name, old, names), None))
    return lines


def _snapshot_name(entry: ChangeEntry) -> str:
    data = entry.after or entry.before or {}
    for key in ("name", "name_zh", "title", "code"):
        if data.get(key):
            return str(data[key])
    return ""


def record_url(entity: str, entity_id: str, data: dict | None) -> str:
    """The page of a record (or of the record it belongs to), or "" when it has none."""
    page = RECORD_PAGES.get(entity)
    if page is None:
        return ""
    name, key = page
    pk = entity_id if key == "id" else (data or {}).get(key) if key else None
    if key and pk in (None, ""):
        return ""
    try:
        return reverse(name, args=[pk] if key else [])
    except NoReverseMatch:
        return ""


def _is_child(entity: str) -> bool:
    return RECORD_PAGES.get(entity, ("", "id"))[1] not in ("id", "")


def describe_entries(entries, *, with_records: bool = False) -> list[Described]:
    """Each entry as lines a person reads; with ``with_records`` also the record's name and
    page (the auditors' page, where entries of many records are mixed). Entries of a child
    record (a project's budget line) are always named, as a record page may list them with
    its own."""
    entries = list(entries)
    names = _Names()
    models_of = {entry.entity: model_for(entry.entity) for entry in entries}
    for entry in entries:
        model = models_of[entry.entity]
        _want_names(model, entry.before, names)
        _want_names(model, entry.after, names)
        if (with_records or _is_child(entry.entity)) and model is not None:
            names.want(model, entry.entity_id)
    names.fetch()
    described = []
    for entry in entries:
        model = models_of[entry.entity]
        record = ""
        url = ""
        if with_records or _is_child(entry.entity):
            record = names.name(model, entry.entity_id) if model is not None else DELETED
            if record == DELETED and _snapshot_name(entry):
                record = f"{_snapshot_name(entry)}{DELETED}"
        if with_records:
            data = {**(entry.before or {}), **(entry.after or {})}
            url = record_url(entry.entity, entry.entity_id, data)
            if record.endswith(DELETED) and RECORD_PAGES.get(entry.entity, ("", ""))[1] == "id":
                url = ""  # the record itself is gone; its page would be a 404
        described.append(
            Described(
                entry=entry,
                kind=kind_label(entry.entity),
                record=record,
                url=url,
                lines=_lines(entry, model, names),
            )
        )
    return described
