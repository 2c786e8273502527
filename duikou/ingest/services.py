"""Reading reports: extract their figures, link them, and accept them into the ledger."""

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from duikou import policy
from duikou.audit.services import change_record, snapshot
from duikou.core.errors import refuse
from duikou.core.services import validate
from duikou.extract import Gazetteer, extract, match_indicator, read_document, resolve_period
from duikou.geo.models import Region
from duikou.orgs.models import Organisation
from duikou.results.models import Indicator
from duikou.results.periods import Period, period_check
from duikou.results.services import value_save

from .models import Figure, Report

MAX_BYTES = 20 * 1024 * 1024


def _gazetteer() -> Gazetteer:
    rows = Region.objects.values_list("code", "name", "short_name", "aliases")
    return Gazetteer(
        (
            code,
            name,
            *([short] if short and short != name else []),
            *[a for a in aliases.split("|") if a],
        )
        for code, name, short, aliases in rows
    )


def _catalogue() -> list[tuple[str, list[str]]]:
    return [
        (code, [name, *[s for s in synonyms.split("|") if s]])
        for code, name, synonyms in Indicator.objects.filter(is_active=True).values_list(
            "code", "name_zh", "synonyms"
        )
    ]


def organisation_match(subject: str) -> Organisation | None:
    """The organisation a subject phrase names, by full or short name."""
    subject = subject.strip()
    if len(subject) < 2:
        return None
    exact = Organisation.objects.filter(Q(name=subject) | Q(short_name=subject)).first()
    if exact:
        return exact
    candidates = Organisation.objects.exclude(short_name="").filter(side="donor")
    found = [o for o in candidates if o.short_name in subject or subject in o.name]
    return max(found, key=lambda o: len(o.short_name), default=None)


def _read_upload(upload) -> tuple[str, str]:
    if upload.size > MAX_BYTES:
        raise refuse("file", f"文件超过{MAX_BYTES // 1024 // 1024}MB，请拆分后上传")
    suffix = Path(upload.name).suffix.lower()
    if suffix not in {".txt", ".docx", ".pdf"}:
        raise refuse("file", "只能读取 .txt、.docx 或 .pdf 文件")
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        try:
            return read_document(handle.name), upload.name
        except ValueError as error:
            raise refuse("file", str(error)) from None


@transaction.atomic
def report_create(
    *,
    title: str,
    doc_date: date,
    text: str = "",
    upload=None,
    org: Organisation | None = None,
    actor,
) -> Report:
    """Store a report (pasted text or an uploaded file), extract and link its figures.
    Reading reports in is a writer's work, for the writer's own organisation."""
    policy.require_write(actor, org, what="报道")
    source_name = ""
    if upload is not None:
        text, source_name = _read_upload(upload)
    if not text.strip():
        raise refuse("text", "报道正文不能为空")
    report = Report(
        title=title.strip() or source_name or "未命名报道",
        text=text,
        doc_date=doc_date,
        org=org,
        source_name=source_name,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    validate(report)
    report.save()
    gazetteer, catalogue = _gazetteer(), _catalogue()
    codes = {c: pk for pk, c in Indicator.objects.values_list("pk", "code")}
    regions = {c: pk for pk, c in Region.objects.values_list("pk", "code")}
    figures = []
    for found in extract(text, doc=str(report.pk)):
        code = match_indicator(found.indicator, catalogue) if found.indicator else None
        region_code = gazetteer.resolve(found.place) if found.place else None
        period = resolve_period(found.period, doc_date) if found.period else None
        subject_org = organisation_match(found.subject) if found.subject else None
        figures.append(
            Figure(
                report=report,
                start=found.start,
                end=found.end,
                text=found.text[:100],
                value=Decimal(str(found.value)),
                unit=found.unit,
                qualifier=found.qualifier,
                change=found.change,
                indicator_phrase=found.indicator[:100],
                subject=found.subject[:100],
                place=found.place[:100],
                period_phrase=found.period[:100],
                indicator_id=codes.get(code),
                region_id=regions.get(region_code),
                org=subject_org or org,
                period_start=period[0] if period else None,
                period_end=period[1] if period else None,
            )
        )
    Figure.objects.bulk_create(figures)
    change_record(
        instance=report,
        action="create",
        actor=actor,
        after={"title": report.title, "figures": len(figures)},
    )
    return report


FIGURE_FIELDS = ("indicator", "org", "region", "period_start", "period_end", "value")


def _require_figure_writer(actor, figure: Figure) -> None:
    """A figure is changed by a writer of its report's organisation (any writer for a
    report of no organisation) and, once linked, of the figure's organisation."""
    policy.require_write(actor, figure.report.org, what="报道")
    if figure.org_id is not None:
        policy.require_write(actor, figure.org, what="数字")


@transaction.atomic
def figure_update(*, figure: Figure, actor, **changes) -> Figure:
    """Correct a figure's reading or its links before accepting it."""
    if set(changes) - set(FIGURE_FIELDS):
        raise refuse(sorted(set(changes) - set(FIGURE_FIELDS))[0], "该字段不能修改")
    figure = (
        Figure.objects.select_for_update(of=("self",))
        .select_related("report__org", "org")
        .get(pk=figure.pk)
    )
    _require_figure_writer(actor, figure)
    if figure.status == Figure.Status.ACCEPTED:
        raise refuse("status", "已采纳的数字不能再修改，请到指标值中修改")
    before = snapshot(figure)
    for name, value in changes.items():
        setattr(figure, name, value)
    _require_figure_writer(actor, figure)  # not linked to an organisation out of reach
    if figure.period_start and figure.period_end:
        period_check(figure.period_start, figure.period_end)
    figure.version += 1
    validate(figure)
    figure.save()
    change_record(instance=figure, action="update", actor=actor, before=before)
    return figure


@transaction.atomic
def figure_accept(*, figure: Figure, actor) -> Figure:
    """Accept a figure: a stored indicator gets a draft value with the report span as evidence;
    a ledger-computed one is kept as a reported figure to reconcile against the ledger."""
    figure = (
        Figure.objects.select_for_update(of=("self",))
        .select_related("report__org", "org")
        .get(pk=figure.pk)
    )
    _require_figure_writer(actor, figure)
    if figure.status == Figure.Status.ACCEPTED:
        return figure
    missing = [
        label
        for label, present in (
            ("指标", figure.indicator_id),
            ("机构", figure.org_id),
            ("期间", figure.period_start),
        )
        if not present
    ]
    if missing:
        raise refuse("figure", f"请先补全{'、'.join(missing)}再采纳")
    if figure.indicator.kind == Indicator.Kind.STORED:
        value = value_save(
            indicator=figure.indicator,
            org=figure.org,
            region=figure.region,
            period=Period(figure.period_start, figure.period_end),
            value=figure.value,
            source="extraction",
            evidence_document=f"ingest.report:{figure.report_id}",
            evidence_start=figure.start,
            evidence_end=figure.end,
            evidence_note=f"{figure.report.title}：“{figure.text}”",
            comment=f"摘自报道《{figure.report.title}》",
            actor=actor,
        )
        figure.accepted_value = value
    before = snapshot(figure)
    figure.status = Figure.Status.ACCEPTED
    figure.save(update_fields=["status", "accepted_value"])
    change_record(instance=figure, action="transition", actor=actor, before=before)
    return figure


@transaction.atomic
def figure_reject(*, figure: Figure, actor) -> Figure:
    figure = (
        Figure.objects.select_for_update(of=("self",))
        .select_related("report__org", "org")
        .get(pk=figure.pk)
    )
    _require_figure_writer(actor, figure)
    before = snapshot(figure)
    figure.status = Figure.Status.REJECTED
    figure.save(update_fields=["status"])
    change_record(instance=figure, action="transition", actor=actor, before=before)
    return figure
