"""Writes for the results catalogue, values and targets.

A value's life: saved as a draft → submitted (it now counts in the roll-ups) →
approved one level up, which locks it. A locked value changes only after the
approver unlocks it with a written reason. Every step lands in the change history.
"""

import copy
import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from duikou import policy
from duikou.audit.services import change_record, snapshot
from duikou.core.errors import ConflictError, check_no_control_characters, refuse
from duikou.core.services import acting_user, validate
from duikou.geo.models import Region
from duikou.orgs.models import Organisation

from . import sql
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
# The largest value (exclusive), as for a ledger amount (transfer.cells.MAX_YUAN). The column
# holds 24 digits with 4 decimals, but SQLite keeps a decimal as a float: 1e20 - 1 came back
# as 1e20, 25 digits, and every page reading that value failed.
VALUE_LIMIT = Decimal("1e15")
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
def catalogue_load_csv(*, directory: Path = FIXTURES, actor) -> dict[str, int]:
    """Seed or refresh the indicator catalogue from the fixture CSVs; idempotent. The
    catalogue is the national office's (or the system's, at installation)."""
    policy.require_national(actor, what="维护指标目录")
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
    *, indicator: Indicator, formula: str, actor, reason: str = ""
) -> Indicator:
    """Make ``indicator`` derived from a formula; self-reference and cycles are refused."""
    policy.require_national(actor, what="维护指标目录")
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


MULTIPLE_UNITS = ("万", "亿", "十万", "百万", "千万")


def figure_ambiguity(number, unit: str | None, indicator: Indicator, raw: object = "") -> str:
    """Why a figure written with its own 万/亿 cannot be read for an indicator counted in
    万 or 亿 (1.2万 for 万元: 1.2万元 or 1.2万万元?), or ``""`` when it can."""
    if not getattr(number, "multiplied", False) or (unit or "").strip() or number.unit:
        return ""
    if not indicator.unit.startswith(MULTIPLE_UNITS):
        return ""
    written = f"“{raw}”" if raw else "数值"
    return (
        f"{written}含“万”或“亿”，而指标“{indicator.name_zh}”以“{indicator.unit}”计，"
        f"不能确定所指数量：请直接写以{indicator.unit}计的数"
    )


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


# Periods from finest to coarsest: a value kept at a finer grain than its indicator's
# frequency is allowed when the catalogue says to keep such figures.
_GRAIN = {"month": 1, "quarter": 2, "year": 3}


def _check_period(indicator: Indicator, period: Period) -> None:
    wanted = indicator.frequency
    finer = (
        indicator.finer_periods == "keep"
        and period.kind in _GRAIN
        and _GRAIN[period.kind] < _GRAIN.get(wanted, 0)
    )
    if wanted != Indicator.Frequency.ANY and period.kind != wanted and not finer:
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
    about=None,
    actor,
) -> Value:
    """Enter or correct one value as a draft (a correction of a submitted value stays submitted).

    ``about`` is the project, deal, partnership or event the value measures, if any: it
    must belong to the reporting organisation or one below it.

    Refused: a record-backed or derived indicator, an organisation the user may not
    report for, a wrong unit or a non-number, a period that does not match the
    indicator's frequency, a value outside its bounds, a period overlapping another
    value, a locked value, a stale edit, a large change on last year without a comment, or
    control characters in a text.
    """
    number, about_text = _check_row(
        indicator, org, value, unit, period, about, actor=actor, allowed={}
    )
    texts = {
        "comment": comment,
        "evidence_note": evidence_note,
        "evidence_document": evidence_document,
    }
    for name, text in texts.items():
        check_no_control_characters(name, text, str(Value._meta.get_field(name).verbose_name))
    region = region or org.region
    key = {
        "indicator": indicator,
        "org": org,
        "region": region,
        "disaggregation": disaggregation,
        "about": about_text,
    }
    overlapping = Value.objects.select_for_update().filter(
        **key, period_start__lte=period.end, period_end__gte=period.start
    )
    existing = None
    for other in overlapping:
        if (other.period_start, other.period_end) == (period.start, period.end):
            existing = other
        else:
            raise _overlap(f"已有数据（{Period(other.period_start, other.period_end).label()}）")
    if existing is not None:
        _check_unlocked(existing)
        if version is not None and existing.version != version:
            raise ConflictError(entity="指标值", expected=version, current=existing.version)
    if indicator.change_threshold is not None and not comment.strip():
        last = period.same_period_last_year()
        previous = Value.objects.filter(**key, period_start=last.start, period_end=last.end).first()
        _check_change(indicator, previous.value if previous else None, number, comment)
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
            entered_by=acting_user(actor),
            **about_fields(about),
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
    validate(record)
    record.save()
    _history(
        [
            _entry(
                record,
                "update" if before_state else "create",
                actor,
                before=snapshot(before_state) if before_state else None,
                after=snapshot(record),
                reason=comment,
                source=str(source),
            )
        ]
    )
    rollup_value_changed(before=_counted(before_state), after=_counted(record))
    return record


def _check_row(
    indicator: Indicator, org: Organisation, raw, unit, period: Period, about, *, actor, allowed
) -> tuple[Decimal, str]:
    """The checks every value passes before it is stored, whichever way it came in: a
    stored (not derived) indicator, an organisation the actor may report for (answers
    kept in ``allowed`` by organisation), a number in the indicator's unit that fits the
    column, the indicator's grain and range, and a linked record of the organisation.
    Returns the number in the canonical unit and the ``about`` text."""
    if indicator.kind != Indicator.Kind.STORED:
        raise refuse(
            "indicator", f"指标“{indicator.name_zh}”由{indicator.get_kind_display()}得出，不能填报"
        )
    if org.pk not in allowed:
        allowed[org.pk] = policy.can_write_for_org(actor, org.pk)
    if not allowed[org.pk]:
        raise refuse("org", f"您无权为“{org.name}”填报数据")
    number = _number(raw, unit, indicator)
    if abs(number) >= VALUE_LIMIT or number != number.quantize(Decimal("0.0001")):
        raise refuse("value", "数值过大或小数超过4位")
    _check_period(indicator, period)
    _check_bounds(indicator, number)
    return number, about_key(about, org)


def _overlap(other: str):
    return refuse("period", f"期间与{other}重叠")


def _check_unlocked(existing: Value) -> None:
    if existing.status == Value.Status.APPROVED:
        raise refuse("value", "该数据已审核锁定，需审核人解锁后才能修改")


def _check_change(indicator: Indicator, previous, number: Decimal, comment: str) -> None:
    """A change of more than the catalogue's threshold on the same period last year
    (``previous``) needs a comment."""
    if indicator.change_threshold is None or comment.strip() or not previous:
        return
    change = abs(number - previous) / abs(previous) * 100
    if change > indicator.change_threshold:
        raise refuse(
            "comment",
            f"与上年同期（{_plain(previous)}）相比变动{change:.1f}%，"
            f"超过{_plain(indicator.change_threshold)}%，请填写说明",
        )


def _entry(value, action: str, actor, *, before, after, reason="", source="", at=None) -> dict:
    """One change-history row for a value (``value`` a Value or its id)."""
    user = acting_user(actor)
    return {
        "entity": "results.value",
        "entity_id": str(getattr(value, "pk", value)),
        "action": action,
        "actor_id": user.pk if user is not None else None,
        "at": at or timezone.now(),
        "before": before,
        "after": after,
        "reason": reason,
        "source": source,
    }


def _history(entries: list[dict]) -> None:
    """The one writer of values' change history, for one value or a hundred thousand."""
    sql.history_insert(entries)


ABOUT_KINDS = {"project": "p", "deal": "d", "partnership": "t", "event": "e"}


def about_key(record, org: Organisation) -> str:
    """The ``about`` text of a value measuring ``record`` (or "" for none), after checking
    that the record belongs to the reporting organisation or one below it."""
    if record is None:
        return ""
    from duikou.orgs.models import OrgAncestor

    kind = record._meta.model_name
    if kind not in ABOUT_KINDS:
        raise refuse("about", "指标值只能关联项目、招商项目、合作或活动")
    owner_id = getattr(record, "donor_org_id", None) or getattr(record, "organiser_id", None)
    if not OrgAncestor.objects.filter(org_id=owner_id, ancestor=org).exists():
        raise refuse(
            "about",
            f"“{getattr(record, 'name', None) or getattr(record, 'title', '')}”不属于"
            f"“{org.name}”或其下级机构，不能作为它的指标值的关联记录",
        )
    return f"{ABOUT_KINDS[kind]}{record.pk}"


def about_fields(record) -> dict:
    if record is None:
        return {}
    return {record._meta.model_name: record}


def indicator_bounds(indicator: Indicator) -> tuple[Decimal | None, Decimal | None]:
    """The range a value of this indicator may take: the catalogue's own, else a share in
    per cent lies in 0–100 and every other figure (counts, amounts, areas) is not negative."""
    low, high = indicator.min_value, indicator.max_value
    if low is None:
        low = Decimal(0)
    if high is None and indicator.unit.strip() in ("%", "％"):
        high = Decimal(100)
    return low, high


def _check_bounds(indicator: Indicator, number: Decimal) -> None:
    low, high = indicator_bounds(indicator)
    if low is not None and number < low:
        raise refuse(
            "value",
            f"“{indicator.name_zh}”的数值{_plain(number)}{indicator.unit}不能小于"
            f"{_plain(low)}{indicator.unit}",
        )
    if high is not None and number > high:
        raise refuse(
            "value",
            f"“{indicator.name_zh}”的数值{_plain(number)}{indicator.unit}不能大于"
            f"{_plain(high)}{indicator.unit}",
        )


def _transition(
    value: Value,
    *,
    to: str,
    actor,
    reason: str,
    allowed_from: set[str],
    version: int | None = None,
    check=None,
    **fields,
) -> Value:
    current = Value.objects.select_for_update().select_related("org").get(pk=value.pk)
    if version is not None and current.version != version:
        raise ConflictError(
            entity="指标值",
            expected=version,
            current=current.version,
            changes={
                "状态": current.get_status_display(),
                "数值": _plain(current.value),
                "说明": current.comment,
            },
        )
    if check is not None:
        check(current)
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
    _history(
        [
            _entry(
                current,
                "transition",
                actor,
                before=snapshot(before_state, ["status"]),
                after=snapshot(current, ["status"]),
                reason=reason,
            )
        ]
    )
    rollup_value_changed(before=_counted(before_state), after=_counted(current))
    return current


def _approver(actor):
    """The separation-of-duties rule of ``policy``, checked on the row as it is now."""

    def check(current: Value) -> None:
        refusal = policy.value_approval_refusal(acting_user(actor) or actor, current)
        if refusal:
            raise refuse("status", refusal)

    return check


def _reporter(actor):
    def check(current: Value) -> None:
        if not policy.can_submit_value(acting_user(actor) or actor, current):
            raise refuse("org", f"您无权为“{current.org.name}”提交数据")

    return check


@transaction.atomic
def value_submit(*, value: Value, actor, version: int | None = None) -> Value:
    """Submit a draft for approval, as its reporter; from now on it counts in the roll-ups.
    The checks of entry run again (the catalogue's range, the period's grain), as for a
    value that came in by import, the API or a report."""
    _check_bounds(value.indicator, value.value)
    _check_period(value.indicator, Period(value.period_start, value.period_end))
    return _transition(
        value,
        to=Value.Status.SUBMITTED,
        actor=actor,
        reason="",
        allowed_from={Value.Status.DRAFT},
        version=version,
        check=_reporter(actor),
        submitted_by=acting_user(actor),
        return_reason="",
    )


@transaction.atomic
def value_approve(*, value: Value, actor, version: int | None = None) -> Value:
    """Approve and lock a submitted value: the next level up, never its enterer or submitter."""
    return _transition(
        value,
        to=Value.Status.APPROVED,
        actor=actor,
        reason="",
        allowed_from={Value.Status.SUBMITTED},
        version=version,
        check=_approver(actor),
        approved_by=acting_user(actor),
    )


@transaction.atomic
def value_return(*, value: Value, reason: str, actor, version: int | None = None) -> Value:
    """Send a submitted value back to its reporter as a draft, saying why (the reporter sees
    the reason beside the value until they submit it again)."""
    if not reason.strip():
        raise refuse("reason", "退回必须说明原因")
    return _transition(
        value,
        to=Value.Status.DRAFT,
        actor=actor,
        reason=reason,
        allowed_from={Value.Status.SUBMITTED},
        version=version,
        check=_approver(actor),
        return_reason=reason.strip(),
    )


@transaction.atomic
def value_unlock(*, value: Value, reason: str, actor, version: int | None = None) -> Value:
    """Unlock an approved value so it can be corrected; only the approver level, with a reason."""
    if not reason.strip():
        raise refuse("reason", "解锁必须填写书面原因")
    return _transition(
        value,
        to=Value.Status.DRAFT,
        actor=actor,
        reason=reason,
        allowed_from={Value.Status.APPROVED},
        version=version,
        check=_approver(actor),
        approved_by=None,
    )


STATE_CHANGES = {
    "submit": value_submit,
    "approve": value_approve,
    "return": value_return,
    "unlock": value_unlock,
}


@transaction.atomic
def values_change_state(
    *, action: str, items: list[tuple[Value, int | None]], actor, reason: str = ""
) -> list[Value]:
    """Submit, approve, return or unlock many values at once, each with the version its user
    saw. All or nothing: one refusal changes nothing, and every refusal is listed, each
    naming its value."""
    if action not in STATE_CHANGES:
        raise refuse("action", f"未知操作“{action}”")
    if len(items) > BULK_FROM:
        return _values_change_state_bulk(action=action, items=items, actor=actor, reason=reason)
    change = STATE_CHANGES[action]
    done, problems = [], []
    for value, version in items:
        kwargs = {"value": value, "actor": actor, "version": version}
        if action in ("return", "unlock"):
            kwargs["reason"] = reason
        try:
            with transaction.atomic():
                done.append(change(**kwargs))
        except (ValidationError, ConflictError) as error:
            if len(items) == 1:
                raise  # one value: its own refusal (a stale version stays a ConflictError)
            label = value_label(value)
            for message in getattr(error, "messages", [str(error)]):
                problems.append(ValidationError(f"{label}：{message}"))
    if problems:
        raise ValidationError(problems)
    return done


# Above this many values a state change runs set-based: one lock, one update, the history
# copied in, the summary cells moved by grouped statements (``rollup_values_add``).
BULK_FROM = 50
# What each state change does: the states it starts from, the state it leads to, and the
# summary cells a value leaves and enters (o/r count submitted values, O/R approved ones).
BULK_STEPS = {
    "submit": ({Value.Status.DRAFT}, Value.Status.SUBMITTED, (), ("o", "r")),
    "approve": ({Value.Status.SUBMITTED}, Value.Status.APPROVED, (), ("O", "R")),
    "return": ({Value.Status.SUBMITTED}, Value.Status.DRAFT, ("o", "r"), ()),
    "unlock": ({Value.Status.APPROVED}, Value.Status.DRAFT, ("o", "r", "O", "R"), ()),
}


def _values_change_state_bulk(*, action, items, actor, reason) -> list[Value]:
    """``values_change_state`` for many values: the same checks on every row (version,
    state, separation of duties, the catalogue's ranges on submit), every refusal listed,
    nothing changed when there is one; then one update and one history write."""
    from .rollups import rollup_values_add

    allowed_from, to, leaves, enters = BULK_STEPS[action]
    if action in ("return", "unlock") and not reason.strip():
        raise refuse("reason", "退回必须说明原因" if action == "return" else "解锁必须填写书面原因")
    wanted = {value.pk: version for value, version in items}
    rows = list(
        Value.objects.select_for_update(of=("self",))
        .select_related("org", "org__parent", "indicator", "region")
        .filter(pk__in=list(wanted))
        .order_by("pk")
    )
    check = _reporter(actor) if action == "submit" else _approver(actor)
    problems = []
    for current in rows:
        try:
            version = wanted[current.pk]
            if version is not None and current.version != version:
                raise ConflictError(entity="指标值", expected=version, current=current.version)
            check(current)
            if current.status not in allowed_from:
                here = Value.Status(current.status).label
                raise refuse("status", f"“{here}”状态的数据不能执行该操作")
            if action == "submit":
                _check_bounds(current.indicator, current.value)
                _check_period(current.indicator, Period(current.period_start, current.period_end))
        except (ValidationError, ConflictError) as error:
            for message in error.messages:
                problems.append(ValidationError(f"{value_label(current)}：{message}"))
    missing = set(wanted) - {r.pk for r in rows}
    if missing:
        problems.append(ValidationError(f"找不到指标值：{sorted(missing)[:20]}"))
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    user = acting_user(actor)
    fields = {"status": to, "updated_at": now}
    if action == "submit":
        fields.update(submitted_by_id=getattr(user, "pk", None), return_reason="")
    elif action == "approve":
        fields["approved_by_id"] = getattr(user, "pk", None)
    elif action == "return":
        fields["return_reason"] = reason.strip()
    elif action == "unlock":
        fields["approved_by_id"] = None
    entries = []
    for current in rows:
        before = current.status
        for name, value in fields.items():
            setattr(current, name, value)
        current.version += 1
        entries.append(
            _entry(
                current,
                "transition",
                actor,
                before={"status": before},
                after={"status": to},
                reason=reason if action in ("return", "unlock") else "",
                at=now,
            )
        )
    # Every row gets the same new state: one UPDATE per chunk, each version one up.
    sql.values_set([r.pk for r in rows], fields)
    _history(entries)
    additive = [r.pk for r in rows if r.indicator.aggregation in ROLLUP_ADDITIVE]
    if leaves and additive:
        rollup_values_add(value_ids=additive, sign=-1, axes=leaves)
    if enters and additive:
        rollup_values_add(value_ids=additive, sign=1, axes=enters)
    others = sorted(
        {r.indicator_id for r in rows if r.indicator.aggregation not in ROLLUP_ADDITIVE}
    )
    if others:  # last and max figures are not sums: their cells are rebuilt
        from .rollups import rollup_rebuild

        rollup_rebuild(indicator_ids=others)
    return rows


ROLLUP_ADDITIVE = {Indicator.Aggregation.SUM, Indicator.Aggregation.AVG}


def value_label(value: Value) -> str:
    """A value as users name it: indicator, place, period (and group)."""
    period = Period(value.period_start, value.period_end).label()
    place = value.region.name if value.region_id else value.org.name
    group = f"（{value.disaggregation}）" if value.disaggregation else ""
    return f"{value.indicator.name_zh} · {place} · {period}{group}"


@transaction.atomic
def value_delete(*, value: Value, reason: str, actor) -> None:
    """Delete an unlocked value, keeping its last state and the reason in the history."""
    current = Value.objects.select_for_update().get(pk=value.pk)
    if current.status == Value.Status.APPROVED:
        raise refuse("status", "该数据已审核锁定，需审核人解锁后才能删除")
    if not policy.can_write_for_org(actor, current.org_id):
        raise refuse("org", f"您无权删除“{current.org.name}”的数据")
    if not reason.strip():
        raise refuse("reason", "删除必须说明原因")
    before_state = copy.copy(current)
    before = snapshot(current)
    _history([_entry(current, "delete", actor, before=before, after=None, reason=reason)])
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
    actor,
) -> Target:
    """Set a baseline or target; changing an existing one needs a rationale."""
    if not policy.can_write_for_org(actor, org.pk):
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
    validate(current)
    current.save()
    change_record(
        instance=current,
        action="update" if before else "create",
        actor=actor,
        before=before,
        reason=rationale,
    )
    return current


@dataclass(frozen=True)
class ValueRow:
    """One value to import; ``line`` is where it came from (a spreadsheet row number)."""

    line: int
    indicator: Indicator
    org: Organisation
    period: Period
    value: object
    region: Region | None = None
    unit: str | None = None
    disaggregation: str = ""
    comment: str = ""
    about: object = None  # the project, deal, partnership or event measured, if any


def values_import(
    *,
    rows: list[ValueRow],
    actor,
    source: str = Value.Source.IMPORT,
    history_source: str = "导入",
    check_only: bool = False,
    progress=None,
    actions: dict | None = None,
    submit: bool = False,
) -> dict[str, int]:
    """Save many values at once, with the checks of ``value_save``, written in bulk.

    Every row passes ``_check_row`` (the checks of entry), then the checks that need the
    other rows: periods overlapping one stored or one in ``rows``, locked values, large
    changes on last year without a comment. Any refusal raises one ValidationError
    listing them all, each with ``params`` ``{"line": …, "field": …}``, and nothing is
    written. Rows equal to the stored value are left alone. New values are drafts, as
    with ``value_save``; the history gets one entry per created or changed value (the
    same writer as ``value_save``), and the summary cells of the affected indicators are
    rebuilt once at the end.

    ``check_only`` validates and counts without writing. ``progress(percent, message)``
    is called now and then. ``actions``, when given, receives "create", "update" or
    "unchanged" for each row, keyed by ``(line, period)``. With ``submit`` the new and
    changed values are submitted at once (the importer reports for their organisations,
    which the check above makes sure of), and count in the roll-ups.
    """
    from .rollups import rollup_rebuild

    problems: list[ValidationError] = []

    def fail(line: int, error: ValidationError) -> None:
        for field, messages in _error_fields(error):
            for message in messages:
                problems.append(
                    # params ride along for the importer; a message's own % must stay literal.
                    ValidationError(
                        message.replace("%", "%%"),
                        code="invalid",
                        params={"line": line, "field": field},
                    )
                )

    allowed: dict[int, bool] = {}
    prepared = []
    for row in rows:
        try:
            number, about = _check_row(
                row.indicator,
                row.org,
                row.value,
                row.unit,
                row.period,
                row.about,
                actor=actor,
                allowed=allowed,
            )
        except ValidationError as error:
            fail(row.line, error)
            continue
        region_id = row.region.pk if row.region is not None else row.org.region_id
        key = (row.indicator.pk, row.org.pk, region_id, row.disaggregation, about)
        prepared.append((row, key, number))
    if progress:
        progress(20, "已检查数值")

    stored = _stored_by_key(prepared)
    if progress:
        progress(35, "已读取已有数据")

    incoming: dict[tuple, tuple] = {}
    for row, key, number in prepared:
        span = (row.period.start, row.period.end)
        if (key, span) in incoming:
            first = incoming[(key, span)][0]
            fail(row.line, refuse("period", f"与第{first.line}行是同一指标、机构、地点和期间"))
            continue
        incoming[(key, span)] = (row, number)
    for line, other in _overlaps(incoming, stored):
        fail(line, _overlap(other))

    existing_by_span = {
        (key, (v.period_start, v.period_end)): v for key, values in stored.items() for v in values
    }
    creates, updates = [], []
    for (key, span), (row, number) in incoming.items():
        current = existing_by_span.get((key, span))
        if current is not None and current.value == number and current.comment == row.comment:
            continue
        try:
            if current is not None:
                _check_unlocked(current)
            if row.indicator.change_threshold is not None and not row.comment.strip():
                last = row.period.same_period_last_year()
                before = incoming.get((key, (last.start, last.end)))
                previous = before[1] if before else None
                if previous is None and (key, (last.start, last.end)) in existing_by_span:
                    previous = existing_by_span[(key, (last.start, last.end))].value
                _check_change(row.indicator, previous, number, row.comment)
        except ValidationError as error:
            fail(row.line, error)
            continue
        (updates if current is not None else creates).append((row, key, number, current))
    if problems:
        problems.sort(key=lambda e: e.params["line"])
        raise ValidationError(problems)
    counts = {"created": len(creates), "updated": len(updates)}
    counts["unchanged"] = len(incoming) - counts["created"] - counts["updated"]
    if actions is not None:  # what happens to each row, keyed by (line, period), for previews
        for row, _ in incoming.values():
            actions[(row.line, row.period)] = "unchanged"
        for found, action in ((creates, "create"), (updates, "update")):
            for row, *_ in found:
                actions[(row.line, row.period)] = action
    if check_only:
        return counts

    now = timezone.now()
    user = acting_user(actor)
    actor_id = user.pk if user is not None else None
    status = Value.Status.SUBMITTED if submit else Value.Status.DRAFT
    ids = sql.next_ids(Value, len(creates))
    value_rows = [
        _new_row(row, key, number, status=status, source=source, actor_id=actor_id, at=now)
        | {"id": ids[n] if ids else None}
        for n, (row, key, number, _) in enumerate(creates)
    ]
    sql.values_insert(value_rows)
    if progress:
        progress(70, "已写入指标值")
    entries = [
        _entry(
            r["id"],
            "create",
            actor,
            before=None,
            after=_row_snapshot(r),
            reason=r["comment"],
            source=history_source,
            at=now,
        )
        for r in value_rows
    ]
    changed = []
    for row, _key, number, current in updates:
        before = snapshot(current)
        current.value, current.comment, current.source = number, row.comment, source
        if submit and current.status == Value.Status.DRAFT:
            current.status, current.submitted_by_id, current.return_reason = (
                Value.Status.SUBMITTED,
                actor_id,
                "",
            )
        current.version += 1
        current.updated_at = now
        changed.append(current)
        entries.append(
            _entry(
                current,
                "update",
                actor,
                before=before,
                after=snapshot(current),
                reason=row.comment,
                source=history_source,
                at=now,
            )
        )
    Value.objects.bulk_update(
        changed,
        [
            "value",
            "comment",
            "source",
            "version",
            "updated_at",
            "status",
            "submitted_by_id",
            "return_reason",
        ],
        batch_size=2000,
    )
    _history(entries)
    # Drafts count nowhere yet; a changed or newly submitted value moves its cells.
    counted = {v.indicator_id for v in changed if v.status != Value.Status.DRAFT}
    if submit:
        counted |= {r["indicator_id"] for r in value_rows}
    if counted:
        rollup_rebuild(indicator_ids=sorted(counted))
    if progress:
        progress(100, "写入完成")
    return counts


def _stored_by_key(prepared) -> dict[tuple, list[Value]]:
    """Values already stored under the keys of ``prepared`` rows, one pass per indicator."""
    indicator_ids = sorted({key[0] for _, key, _ in prepared})
    org_ids = sorted({key[1] for _, key, _ in prepared})
    stored: dict[tuple, list[Value]] = {}
    for indicator_id in indicator_ids:
        query = Value.objects.filter(indicator_id=indicator_id)
        if len(org_ids) < 500:
            query = query.filter(org_id__in=org_ids)
        for value in query.iterator(chunk_size=5000):
            key = (value.indicator_id, value.org_id, value.region_id, value.disaggregation)
            stored.setdefault((*key, value.about), []).append(value)
    return stored


def _overlaps(incoming: dict, stored: dict):
    """(line, the other period) for every incoming row whose period overlaps another of
    the same key, stored or incoming: each key's periods sorted by start, swept once."""
    spans_by_key: dict[tuple, list[tuple]] = {}
    for (key, span), (row, _) in incoming.items():
        spans_by_key.setdefault(key, []).append((span[0], span[1], row))
    for key, spans in spans_by_key.items():
        taken = {(s, e) for s, e, _ in spans}
        for value in stored.get(key, []):
            if (value.period_start, value.period_end) not in taken:
                spans.append((value.period_start, value.period_end, None))
        spans.sort(key=lambda item: (item[0], item[1]))
        reach = None
        for start, end, row in spans:
            if reach is not None and start <= reach[0]:
                other = reach[1]
                mine = row or other
                theirs = other if row is not None else row
                if mine is not None:
                    yield (
                        mine.line,
                        (
                            f"第{theirs.line}行的期间（{theirs.period.label()}）"
                            if theirs is not None
                            else "已有数据"
                        ),
                    )
            if reach is None or end > reach[0]:
                reach = (end, row)


def _new_row(row: ValueRow, key: tuple, number, *, status, source, actor_id, at) -> dict:
    """The columns of a new value from an imported row."""
    year, quarter, month = grain_keys(row.period.start, row.period.end)
    return {
        "indicator_id": key[0],
        "org_id": key[1],
        "region_id": key[2],
        "disaggregation": key[3],
        "about": key[4],
        **{f"{k}_id": None for k in ABOUT_KINDS},
        **{f"{k}_id": r.pk for k, r in about_fields(row.about).items()},
        "period_type": row.period.kind,
        "period_start": row.period.start,
        "period_end": row.period.end,
        "year": year,
        "quarter": quarter,
        "month": month,
        "value": number,
        "status": status,
        "source": source,
        "comment": row.comment,
        "evidence_note": "",
        "evidence_file": "",
        "evidence_document": "",
        "created_at": at,
        "updated_at": at,
        "version": 1,
        "is_demo": False,
        "entered_by_id": actor_id,
        "submitted_by_id": actor_id if status == Value.Status.SUBMITTED else None,
        "return_reason": "",
    }


def _row_snapshot(record: dict) -> dict:
    """``snapshot`` of a value written from a column dict, without building the model."""
    after = {k: v for k, v in record.items()}
    stamp = record["created_at"].isoformat()
    after.update(
        period_start=record["period_start"].isoformat(),
        period_end=record["period_end"].isoformat(),
        value=str(record["value"].quantize(Decimal("0.0001"))),
        created_at=stamp,
        updated_at=stamp,
        evidence_start=None,
        evidence_end=None,
        approved_by_id=None,
    )
    return after


def _error_fields(error) -> list[tuple[str, list[str]]]:
    if hasattr(error, "error_dict"):
        return [
            (field, [m for e in errors for m in e.messages])
            for field, errors in error.error_dict.items()
        ]
    return [("", error.messages)]
