"""Writes for reports: templates loaded from the fixture, report requests, and generation.

A request records a ``GeneratedReport`` and enqueues a background job that takes its
id; the job renders the file and keeps it. The same functions render straight to
bytes for the command line.
"""

import json
import re
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from duikou import policy
from duikou.audit.services import change_record
from duikou.core.errors import check_no_control_characters, refuse
from duikou.geo.models import Region
from duikou.jobs.models import Job
from duikou.jobs.services import job_enqueue, job_progress
from duikou.orgs.models import Organisation
from duikou.policy import SYSTEM
from duikou.results.models import Indicator

from .models import (
    GeneratedReport,
    Publication,
    ReportTemplate,
    SentenceTemplate,
    TemplateSection,
)
from .periods import ReportPeriod, report_period_parse
from .selectors import Operator, dispatch_commands, dispatch_sheets, publication_figures
from .summary import PLACEHOLDER, subject_for_org, subject_for_region, summary_context

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "summary_template.json"
DEFAULT_TEMPLATE = "SUMMARY"
DIGIT = re.compile(r"[0-9０-９]")
SUMMARY_JOB = "reports.summary"
DISPATCH_JOB = "reports.dispatch"
MONTHLY_DISPATCH_JOB = "reports.dispatch_monthly"


# --- templates ----------------------------------------------------------------------


def sentence_codes(text: str) -> list[str]:
    return [m[2] for m in PLACEHOLDER.finditer(text) if m[2]]


def sentence_check(text: str) -> None:
    """A sentence may name only catalogue indicators, and carry no digits of its own."""
    codes = sentence_codes(text)
    known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise refuse("text", f"指标编码不存在：{'、'.join(unknown)}")
    if DIGIT.search(PLACEHOLDER.sub("", text)):
        raise refuse("text", "句子模板中的数字必须来自台账，请用{指标:编码}占位符代替")


def section_indicators_refresh(*, section: TemplateSection) -> None:
    """Record on the section which indicators its sentences use."""
    codes: list[str] = []
    for sentence in section.sentences.all():
        codes += [c for c in sentence_codes(sentence.text) if c not in codes]
    section.indicators = " ".join(codes)
    section.save(update_fields=["indicators"])


@transaction.atomic
def report_template_load(*, path: Path = FIXTURE, actor) -> ReportTemplate:
    """Create the template described by the fixture file, unless its code exists already."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    existing = ReportTemplate.objects.filter(code=spec["code"]).first()
    if existing is not None:
        return existing
    template = ReportTemplate.objects.create(
        code=spec["code"],
        name=spec["name"],
        title=spec["title"],
        opening=spec.get("opening", ""),
        table_indicators=spec.get("table_indicators", ""),
        chart_indicators=spec.get("chart_indicators", ""),
    )
    for order, item in enumerate(spec["sections"], start=1):
        section = TemplateSection.objects.create(
            template=template, order=order, title=item["title"]
        )
        SentenceTemplate.objects.bulk_create(
            SentenceTemplate(section=section, order=n, text=text)
            for n, text in enumerate(item["sentences"], start=1)
        )
        section_indicators_refresh(section=section)
    change_record(instance=template, action="create", actor=actor, source="模板文件")
    return template


def report_template_get(*, code: str = DEFAULT_TEMPLATE) -> ReportTemplate:
    """The template to use; the default one is loaded from its fixture when missing."""
    template = ReportTemplate.objects.filter(code=code, is_active=True).first()
    if template is None and code == DEFAULT_TEMPLATE:
        template = report_template_load(actor=SYSTEM)
    if template is None:
        raise ValidationError({"template": f"报告模板“{code}”不存在或未启用"})
    return template


# --- rendering ----------------------------------------------------------------------


def summary_render(
    *,
    user,
    org: Organisation | None = None,
    region: Region | None = None,
    period: ReportPeriod,
    fmt: str,
    template: ReportTemplate | None = None,
) -> bytes:
    """A work summary as .docx or .pdf bytes, for ``org`` or ``region`` over ``period``."""
    from .documents import summary_docx
    from .pdf import summary_pdf

    if (org is None) == (region is None):
        raise ValidationError({"org": "请指定一个机构或一个地区"})
    subject = subject_for_org(org) if org is not None else subject_for_region(region)
    context = summary_context(
        user=user, template=template or report_template_get(), subject=subject, period=period
    )
    if fmt == GeneratedReport.Format.DOCX:
        return summary_docx(context)
    if fmt == GeneratedReport.Format.PDF:
        return summary_pdf(context)
    raise ValidationError({"format": f"工作总结不支持“{fmt}”格式"})


def dispatch_render(*, user, year: int, month: int, org: Organisation | None = None) -> bytes:
    from .exports import dispatch_xlsx

    return dispatch_xlsx(dispatch_sheets(user=user, year=year, month=month, org=org))


# --- requests and jobs --------------------------------------------------------------


def report_request(
    *,
    actor,
    kind: str,
    fmt: str,
    period: ReportPeriod,
    org: Organisation | None = None,
    region: Region | None = None,
    template: ReportTemplate | None = None,
) -> GeneratedReport:
    """Record a report request and enqueue its generation (after this transaction commits)."""
    if kind == GeneratedReport.Kind.SUMMARY and fmt not in ("docx", "pdf"):
        raise refuse("format", "工作总结可生成 Word 或 PDF")
    if kind == GeneratedReport.Kind.DISPATCH and fmt != "xlsx":
        raise refuse("format", "月调度表生成 Excel 文件")
    if kind == GeneratedReport.Kind.SUMMARY and (org is None) == (region is None):
        raise refuse("org", "请指定一个机构或一个地区")
    with transaction.atomic():
        report = GeneratedReport.objects.create(
            kind=kind,
            format=fmt,
            org=org,
            region=region,
            period_start=period.start,
            period_end=period.end,
            period_label=period.label,
            template=template,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        job = job_enqueue(
            kind=SUMMARY_JOB if kind == GeneratedReport.Kind.SUMMARY else DISPATCH_JOB,
            params={"report_id": report.pk, "period": period.key},
            actor=actor,
        )
        report.job = job
        report.save(update_fields=["job"])
        change_record(instance=report, action="create", actor=actor, source="报告申请")
    return report


def _reader(report: GeneratedReport):
    """Whose scope a report is made in: the person who asked, else the operator."""
    return report.requested_by if report.requested_by_id else Operator()


def report_generate(*, report_id: int, job_id: int | None = None) -> GeneratedReport:
    """Render one requested report and keep the file; failures are recorded on it."""
    report = GeneratedReport.objects.select_related("org", "region", "template").get(pk=report_id)
    GeneratedReport.objects.filter(pk=report_id).update(status=GeneratedReport.Status.RUNNING)
    if job_id:
        job_progress(job_id=job_id, percent=10, message="正在汇总台账数据")
    try:
        period = ReportPeriod(
            report.period_start, report.period_end, report.period_label, report.period_label
        )
        user = _reader(report)
        if report.kind == GeneratedReport.Kind.SUMMARY:
            content = summary_render(
                user=user,
                org=report.org,
                region=report.region,
                period=period,
                fmt=report.format,
                template=report.template,
            )
        else:
            content = dispatch_render(
                user=user,
                year=report.period_start.year,
                month=report.period_start.month,
                org=report.org,
            )
    except Exception as error:
        GeneratedReport.objects.filter(pk=report_id).update(
            status=GeneratedReport.Status.FAILED,
            finished_at=timezone.now(),
            message=str(error) or error.__class__.__name__,
        )
        raise
    if job_id:
        job_progress(job_id=job_id, percent=90, message="正在保存文件")
    report.file.save(_file_name(report), ContentFile(content), save=False)
    report.status = GeneratedReport.Status.DONE
    report.finished_at = timezone.now()
    report.message = ""
    report.save(update_fields=["file", "status", "finished_at", "message"])
    if job_id:
        Job.objects.filter(pk=job_id).update(output=report.file.name)
    return report


def _file_name(report: GeneratedReport) -> str:
    subject = (
        report.org.code if report.org_id else (report.region.code if report.region_id else "all")
    )
    kind = "工作总结" if report.kind == GeneratedReport.Kind.SUMMARY else "月调度"
    return (
        f"{kind}-{subject}-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}.{report.format}"
    )


def dispatch_monthly_generate(*, year: int, month: int, job_id: int | None = None) -> list[int]:
    """The scheduled 月调度: one spreadsheet per front command for the month, kept as
    reports asked for by the schedule (定时任务)."""
    period = report_period_parse(f"{year}-{month:02d}")
    commands = dispatch_commands()
    made = []
    for n, command in enumerate(commands, start=1):
        report = GeneratedReport.objects.create(
            kind=GeneratedReport.Kind.DISPATCH,
            format=GeneratedReport.Format.XLSX,
            org=command,
            period_start=period.start,
            period_end=period.end,
            period_label=period.label,
            is_scheduled=True,
            status=GeneratedReport.Status.RUNNING,
        )
        content = dispatch_render(user=Operator(), year=year, month=month, org=command)
        report.file.save(_file_name(report), ContentFile(content), save=False)
        report.status = GeneratedReport.Status.DONE
        report.finished_at = timezone.now()
        report.job_id = job_id
        report.save(update_fields=["file", "status", "finished_at", "job"])
        made.append(report.pk)
        if job_id:
            job_progress(
                job_id=job_id, percent=n * 100 // len(commands), message=f"{command.name}已生成"
            )
    return made


# --- publication of figures ---------------------------------------------------------

PUBLISHED_YEARS = (2010, 2100)


def _require_publisher(actor, org: Organisation | None) -> None:
    refusal = policy.publication_refusal(actor, org)
    if refusal:
        raise PermissionDenied(refusal)


def _publication_summary(publication: Publication) -> dict:
    """What the history keeps of a publication: its scope and the headline figures."""
    snapshot = publication.snapshot
    return {
        "year": publication.year,
        "org": publication.org_id,
        "status": publication.status,
        "note": publication.note,
        "funds": snapshot.get("funds"),
        "deals": snapshot.get("deals"),
        "prefectures": len(snapshot.get("prefectures", [])),
        "indicators": len(snapshot.get("indicators", [])),
    }


@transaction.atomic
def publication_create(
    *, year: int, org: Organisation | None = None, note: str = "", actor, is_demo: bool = False
) -> Publication:
    """Publish ``year``'s approved figures of everything (``org`` None, the national
    office only) or of a front command's chain, as they stand now. The figures are copied
    into the publication, so nothing entered or approved later reaches the public until
    the year is published again; publishing again replaces the earlier publication."""
    _require_publisher(actor, org)
    if org is not None and org.kind != Organisation.Kind.FRONT_COMMAND:
        raise refuse("org", "只能按前方指挥部发布（或发布全部）")
    low, high = PUBLISHED_YEARS
    if not isinstance(year, int) or not low <= year <= high:
        raise refuse("year", f"年度须在 {low}–{high} 之间")
    if year > timezone.localdate().year:
        raise refuse("year", f"{year} 年尚未开始，不能发布")
    note = (note or "").strip()
    check_no_control_characters("note", note, "说明")
    earlier = list(
        Publication.objects.select_for_update().filter(
            year=year, org=org, status=Publication.Status.PUBLISHED
        )
    )
    publication = Publication(
        year=year,
        org=org,
        note=note,
        snapshot=publication_figures(org=org, year=year),
        published_by=actor if getattr(actor, "pk", None) else None,
        published_at=timezone.now(),
        is_demo=is_demo,
    )
    publication.full_clean()
    publication.save()
    for old in earlier:
        old.status = Publication.Status.REPLACED
        old.save(update_fields=["status"])
        change_record(
            instance=old,
            action="transition",
            actor=actor,
            before={"status": Publication.Status.PUBLISHED},
            after={"status": old.status, "replaced_by": publication.pk},
        )
    change_record(
        instance=publication, action="create", actor=actor, after=_publication_summary(publication)
    )
    return publication


@transaction.atomic
def publication_withdraw(*, publication: Publication, actor) -> Publication:
    """Take a publication off the public pages (its figures stay in the history)."""
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    _require_publisher(actor, publication.org)
    if publication.status != Publication.Status.PUBLISHED:
        raise refuse("status", f"该发布{publication.get_status_display()}，不能再撤回")
    publication.status = Publication.Status.WITHDRAWN
    publication.withdrawn_by = actor if getattr(actor, "pk", None) else None
    publication.withdrawn_at = timezone.now()
    publication.save(update_fields=["status", "withdrawn_by", "withdrawn_at"])
    change_record(
        instance=publication,
        action="transition",
        actor=actor,
        before={"status": Publication.Status.PUBLISHED},
        after={"status": publication.status},
    )
    return publication
