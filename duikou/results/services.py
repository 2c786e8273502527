"""Writes for the results catalogue, values and targets.

A value's life: saved as a draft → submitted (it now counts in the roll-ups) →
approved one level up, which locks it. A locked value changes only after the
approver unlocks it with a written reason. Every step lands in the change history.
"""

import copy
import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from duikou import policy
from duikou.audit.services import change_record, snapshot
from duikou.core.errors import ConflictError, refuse
from duikou.core.services import acting_user
from duikou.geo.models import Region
from duikou.orgs.models import Organisation

from .formulas import formula_check_cycles, formula_refs
from .models import Indicator, Target, Value
from .periods import Period, grain_keys
from .rollups import rollup_value_changed

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MULTIPLIERS = {
    "": 1,
    "十": 10,
    "百": 100,
    "千": 1000,
    "万": 10_000,
    "十万": 100_000,
    "百万": 1_000_000,
    "千万": 10_000_000,
    "亿": 100_000_000,
}
UNIT_SYNONYMS = {"名": "人", "位": "人", "场次": "场", "%": "%", "％": "%"}
CATALOGUE_FIELDS = (
    "name_zh",
    "name_en",
    "unit",
    "aggregation",
    "higher_is_better",
    "cumulative",
    "frequency",
    "sector",
    "synonyms",
    "record_source",
)


def _bool(text: str) -> bool:
    return text.strip().lower() in {"true", "1", "yes", "是"}


@transaction.atomic
def catalogue_load_csv(*, directory: Path = FIXTURES, actor=None) -> dict[str, int]:
    """Seed or refresh the indicator catalogue from the fixture CSVs; idempotent."""
    created = updated = 0
    existing = {i.code: i for i in Indicator.objects.all()}
    rows = []
    with open(directory / "indicators.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            values = {f: row[f].strip() for f in CATALOGUE_FIELDS}
            values["higher_is_better"] = _bool(values["higher_is_better"])
            values["cumulative"] = _bool(values["cumulative"])
            values["kind"] = (
                Indicator.Kind.RECORD if values["record_source"] else (Indicator.Kind.STORED)
            )
            rows.append((row["code"].strip(), values))
    with open(directory / "derived_indicators.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                (
                    row["code"].strip(),
                    {
                        "name_zh": row["name_zh"],
                        "name_en": row["name_en"],
                        "unit": row["unit"],
                        "formula": row["formula"],
                        "higher_is_better": _bool(row["higher_is_better"]),
                        "kind": Indicator.Kind.DERIVED,
                        "aggregation": Indicator.Aggregation.AVG,
                        "cumulative": False,
                    },
                )
            )
    for code, values in rows:
        indicator = existing.get(code)
        if indicator is None:
            indicator = Indicator(code=code, **values)
            indicator.full_clean()
            indicator.save()
            change_record(instance=indicator, action="create", actor=actor, source="参考数据")
            created += 1
        elif any(getattr(indicator, f) != v for f, v in values.items()):
            before = snapshot(indicator)
            for f, v in values.items():
                setattr(indicator, f, v)
            indicator.save(update_fields=list(values))
            change_record(
                instance=indicator, action="update", actor=actor, before=before, source="参考数据"
            )
            updated += 1
    formulas = dict(
        Indicator.objects.filter(kind=Indicator.Kind.DERIVED).values_list("code", "formula")
    )
    for code, formula in formulas.items():
        _check_formula(code, formula, formulas)
    return {"created": created, "updated": updated, "total": len(rows)}


def _check_formula(code: str, formula: str, formulas: dict[str, str]) -> None:
    refs = formula_refs(formula)
    known = set(Indicator.objects.filter(code__in=refs).values_list("code", flat=True))
    missing = sorted(refs - known - {code})
    if missing:
        raise refuse("formula", f"公式引用了不存在的指标：{'、'.join(missing)}")
    formula_check_cycles(code, formula, formulas)


@transaction.atomic
def indicator_set_formula(
    *, indicator: Indicator, formula: str, actor=None, reason: str = ""
) -> Indicator:
    """Make ``indicator`` derived from a formula; self-reference and cycles are refused."""
    formulas = dict(
        Indicator.objects.filter(kind=Indicator.Kind.DERIVED)
        .exclude(pk=indicator.pk)
        .values_list("code", "formula")
    )
    _check_formula(indicator.code, formula, formulas)
    before = snapshot(indicator)
    indicator.formula, indicator.kind = formula.strip(), Indicator.Kind.DERIVED
    indicator.version += 1
    indicator.save(update_fields=["formula", "kind", "version"])
    change_record(instance=indicator, action="update", actor=actor, before=before, reason=reason)
    return indicator


def _number(raw: object, unit: str | None, indicator: Indicator) -> Decimal:
    """The figure in the indicator's canonical unit; 万元 for a 元 indicator is multiplied out."""
    if isinstance(raw, float):
        raw = repr(raw)
    if isinstance(raw, bool):
        raise refuse("value", "数值必须是数字")
    try:
        number = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise refuse("value", f"数值“{raw}”不是数字") from None
    if not number.is_finite():
        raise refuse("value", f"数值“{raw}”不是数字")
    if unit is None or unit.strip() in ("", indicator.unit):
        return number
    unit = unit.strip()
    for prefix, factor in sorted(MULTIPLIERS.items(), key=lambda item: -len(item[0])):
        base = unit[len(prefix) :] if unit.startswith(prefix) else None
        if base is not None and UNIT_SYNONYMS.get(base, base) == indicator.unit:
            return number * factor
    raise refuse("unit", f"单位“{unit}”与指标“{indicator.name_zh}”的单位“{indicator.unit}”不符")


def _plain(number) -> str:
    """A number without trailing zeros or exponent: 100, 0.5, 12000."""
    text = format(Decimal(str(number)).normalize(), "f")
    return text


def _check_period(indicator: Indicator, period: Period) -> None:
    wanted = indicator.frequency
    if wanted != Indicator.Frequency.ANY and period.kind != wanted:
        label = Indicator.Frequency(wanted).label
        raise refuse(
            "period", f"指标“{indicator.name_zh}”按{label}填报，期间“{period.label()}”不是整{label}"
        )


def _counted(value: Value | None) -> Value | None:
    """The value as the roll-ups see it: drafts do not count."""
    return value if value is not None and value.status != Value.Status.DRAFT else None


@transaction.atomic
def value_save(
    *,
    indicator: Indicator,
    org: Organisation,
    period: Period,
    value: object,
    region: Region | None = None,
    unit: str | None = None,
    disaggregation: str = "",
    source: str = Value.Source.ENTRY,
    comment: str = "",
    evidence_note: str = "",
    evidence_document: str = "",
    evidence_start: int | None = None,
    evidence_end: int | None = None,
    version: int | None = None,
    actor=None,
) -> Value:
    """Enter or correct one value as a draft (a correction of a submitted value stays submitted).

    Refused: a record-backed or derived indicator, an organisation the user may not
    report for, a wrong unit or a non-number, a period that does not match the
    indicator's frequency, a value outside its bounds, a period overlapping another
    value, a locked value, a stale edit, or a large change on last year without a comment.
    """
    if indicator.kind != Indicator.Kind.STORED:
        raise refuse(
            "indicator", f"指标“{indicator.name_zh}”由{indicator.get_kind_display()}得出，不能填报"
        )
    if actor is not None and not policy.can_write_for_org(actor, org.pk):
        raise refuse("org", f"您无权为“{org.name}”填报数据")
    number = _number(value, unit, indicator)
    _check_period(indicator, period)
    if indicator.min_value is not None and number < indicator.min_value:
        raise refuse("value", f"数值不能小于{_plain(indicator.min_value)}{indicator.unit}")
    if indicator.max_value is not None and number > indicator.max_value:
        raise refuse("value", f"数值不能大于{_plain(indicator.max_value)}{indicator.unit}")
    region = region or org.region
    key = {"indicator": indicator, "org": org, "region": region, "disaggregation": disaggregation}
    overlapping = Value.objects.select_for_update().filter(
        **key, period_start__lte=period.end, period_end__gte=period.start
    )
    existing = None
    for other in overlapping:
        if (other.period_start, other.period_end) == (period.start, period.end):
            existing = other
        else:
            raise refuse(
                "period",
                f"期间与已有数据（{Period(other.period_start, other.period_end).label()}）重叠",
            )
    if existing is not None:
        if existing.status == Value.Status.APPROVED:
            raise refuse("value", "该数据已审核锁定，需审核人解锁后才能修改")
        if version is not None and existing.version != version:
            raise ConflictError(entity="指标值", expected=version, current=existing.version)
    _check_change_on_last_year(indicator, key, period, number, comment)
    year, quarter, month = grain_keys(period.start, period.end)
    if existing is None:
        record = Value(
            **key,
            period_start=period.start,
            period_end=period.end,
            period_type=period.kind,
            year=year,
            quarter=quarter,
            month=month,
        )
        before_state = None
    else:
        record, before_state = existing, copy.copy(existing)
    record.value = number
    record.source, record.comment = source, comment
    record.evidence_note, record.evidence_document = evidence_note, evidence_document
    record.evidence_start, record.evidence_end = evidence_start, evidence_end
    if before_state is not None:
        record.version += 1
        record.updated_at = timezone.now()
    record.full_clean()
    record.save()
    change_record(
        instance=record,
        action="update" if before_state else "create",
        actor=actor,
        before=snapshot(before_state) if before_state else None,
        reason=comment,
        source=str(source),
    )
    rollup_value_changed(before=_counted(before_state), after=_counted(record))
    return record


def _check_change_on_last_year(indicator, key, period: Period, number: Decimal, comment: str):
    if indicator.change_threshold is None or comment.strip():
        return
    last = period.same_period_last_year()
    previous = Value.objects.filter(**key, period_start=last.start, period_end=last.end).first()
    if previous is None or previous.value == 0:
        return
    change = abs(number - previous.value) / abs(previous.value) * 100
    if change > indicator.change_threshold:
        raise refuse(
            "comment",
            f"与上年同期（{_plain(previous.value)}）相比变动{change:.1f}%，"
            f"超过{_plain(indicator.change_threshold)}%，请填写说明",
        )


def _transition(
    value: Value,
    *,
    to: str,
    actor,
    reason: str,
    allowed_from: set[str],
    version: int | None = None,
    **fields,
) -> Value:
    current = Value.objects.select_for_update().get(pk=value.pk)
    if version is not None and current.version != version:
        raise ConflictError(entity="指标值", expected=version, current=current.version)
    if current.status not in allowed_from:
        here = Value.Status(current.status).label
        raise refuse("status", f"“{here}”状态的数据不能执行该操作")
    before_state = copy.copy(current)
    current.status = to
    for name, val in fields.items():
        setattr(current, name, val)
    current.version += 1
    current.updated_at = timezone.now()
    current.save(update_fields=["status", "version", "updated_at", *fields])
    change_record(
        instance=current,
        action="transition",
        actor=actor,
        before=snapshot(before_state, ["status"]),
        after=snapshot(current, ["status"]),
        reason=reason,
    )
    rollup_value_changed(before=_counted(before_state), after=_counted(current))
    return current


def _check_approver(value: Value, actor) -> None:
    """Approval belongs to the next level up: a user who may write for the parent organisation."""
    if actor is None:
        return
    parent_id = value.org.parent_id
    scope = policy.scope_for(actor)
    if scope.writes_all:
        return
    if parent_id is None or not policy.can_write_for_org(actor, parent_id):
        raise refuse("status", f"只有“{value.org.name}”的上级机构可以审核或解锁")


@transaction.atomic
def value_submit(*, value: Value, actor=None, version: int | None = None) -> Value:
    """Submit a draft for approval; from now on it counts in the roll-ups."""
    if actor is not None and not policy.can_write_for_org(actor, value.org_id):
        raise refuse("org", f"您无权为“{value.org.name}”提交数据")
    return _transition(
        value,
        to=Value.Status.SUBMITTED,
        actor=actor,
        reason="",
        allowed_from={Value.Status.DRAFT},
        version=version,
        submitted_by=acting_user(actor),
    )


@transaction.atomic
def value_approve(*, value: Value, actor=None) -> Value:
    """Approve and lock a submitted value (the next level up only)."""
    _check_approver(value, actor)
    return _transition(
        value,
        to=Value.Status.APPROVED,
        actor=actor,
        reason="",
        allowed_from={Value.Status.SUBMITTED},
        approved_by=acting_user(actor),
    )


@transaction.atomic
def value_return(*, value: Value, reason: str, actor=None) -> Value:
    """Send a submitted value back to its reporter as a draft, saying why."""
    _check_approver(value, actor)
    if not reason.strip():
        raise refuse("reason", "退回必须说明原因")
    return _transition(
        value,
        to=Value.Status.DRAFT,
        actor=actor,
        reason=reason,
        allowed_from={Value.Status.SUBMITTED},
    )


@transaction.atomic
def value_unlock(*, value: Value, reason: str, actor=None) -> Value:
    """Unlock an approved value so it can be corrected; only the approver level, with a reason."""
    _check_approver(value, actor)
    if not reason.strip():
        raise refuse("reason", "解锁必须填写书面原因")
    return _transition(
        value,
        to=Value.Status.DRAFT,
        actor=actor,
        reason=reason,
        allowed_from={Value.Status.APPROVED},
        approved_by=None,
    )


@transaction.atomic
def value_delete(*, value: Value, reason: str, actor=None) -> None:
    """Delete an unlocked value, keeping its last state and the reason in the history."""
    current = Value.objects.select_for_update().get(pk=value.pk)
    if current.status == Value.Status.APPROVED:
        raise refuse("status", "该数据已审核锁定，需审核人解锁后才能删除")
    if actor is not None and not policy.can_write_for_org(actor, current.org_id):
        raise refuse("org", f"您无权删除“{current.org.name}”的数据")
    if not reason.strip():
        raise refuse("reason", "删除必须说明原因")
    before_state = copy.copy(current)
    change_record(
        instance=current,
        action="delete",
        actor=actor,
        before=snapshot(current),
        after=None,
        reason=reason,
    )
    current.delete()
    rollup_value_changed(before=_counted(before_state), after=None)


@transaction.atomic
def target_set(
    *,
    indicator: Indicator,
    org: Organisation,
    period: Period,
    value: object,
    kind: str = Target.Kind.TARGET,
    region: Region | None = None,
    unit: str | None = None,
    rationale: str = "",
    actor=None,
) -> Target:
    """Set a baseline or target; changing an existing one needs a rationale."""
    if actor is not None and not policy.can_write_for_org(actor, org.pk):
        raise refuse("org", f"您无权为“{org.name}”设定目标")
    number = _number(value, unit, indicator)
    current = (
        Target.objects.select_for_update()
        .filter(
            indicator=indicator,
            org=org,
            region=region,
            kind=kind,
            period_start=period.start,
            period_end=period.end,
        )
        .first()
    )
    if current is not None and current.value != number and not rationale.strip():
        raise refuse("rationale", "修改已有目标必须说明调整原因")
    year, quarter, month = grain_keys(period.start, period.end)
    before = snapshot(current) if current else None
    if current is None:
        current = Target(
            indicator=indicator,
            org=org,
            region=region,
            kind=kind,
            period_type=period.kind,
            period_start=period.start,
            period_end=period.end,
            year=year,
            quarter=quarter,
            month=month,
        )
    else:
        current.version += 1
    current.value, current.rationale = number, rationale
    current.full_clean()
    current.save()
    change_record(
        instance=current,
        action="update" if before else "create",
        actor=actor,
        before=before,
        reason=rationale,
    )
    return current
