"""Read-only lists through the API: the dated stints of aid personnel (长期援疆 terms and
柔性援疆 visits), the reports generated for the user, and background jobs.

Each is a ``filters.Listing`` over its app's scoped selector, as the pages read them:
stints need the right to personal data (names), as the member pages do; reports are those
the user asked for or about organisations and places in scope
(``reports.selectors.report_list_for_user``); jobs are the user's own, or all of them for
the national office and auditors, as on the jobs page. A report's or a job's file is
downloaded from its ``download_url`` with the same token.
"""

from datetime import date, datetime
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from ninja import Field, Path, Query, Schema

from duikou.core.downloads import content_type_of, stored_file_response
from duikou.jobs.models import Job
from duikou.jobs.registry import LABELS
from duikou.jobs.selectors import get_job_for_user, job_list_for_user
from duikou.people.models import Term
from duikou.people.selectors import assignment_list_for_user
from duikou.reports.models import GeneratedReport
from duikou.reports.periods import report_period_parse
from duikou.reports.selectors import get_report_for_user, report_list_for_user

from .api import ERRORS, MAX_ID, api, list_page, list_query, who
from .filters import (
    ORDERINGS,
    Listing,
    choice_filter,
    integer_filter,
    organisation_filter,
    period_filter,
    region_filter,
    since_filter,
    year_filter,
)

LIST_TAGS = {
    "stints": "援疆任务：长期援疆的任期与柔性援疆的短期任务（含姓名，须有查看人员信息的权限）",
    "reports": "生成的报告：工作总结与月调度表（说明信息与下载地址）",
    "jobs": "后台任务：本人发起的任务；国家援疆办和审计人员可查看全部",
}
api.openapi_extra.setdefault("tags", []).extend(
    {"name": name, "description": text} for name, text in LIST_TAGS.items()
)
LIST_DESCRIPTION = "只接受下列参数；其他参数或读不懂的值返回 422。默认按 id 排序。"
CREATED_ORDERINGS = {
    "id": ("pk",),
    "-id": ("-pk",),
    "created_at": ("created_at", "pk"),
    "-created_at": ("-created_at", "-pk"),
}
NEXT = Field(None, description="下一页的完整地址，没有下一页时为 null")
PREVIOUS = Field(None, description="上一页的完整地址，没有上一页时为 null")


def _download_extra(extensions: tuple[str, ...]) -> dict:
    return {
        "responses": {
            200: {
                "description": "文件内容",
                "content": {
                    content_type_of(ext): {"schema": {"type": "string", "format": "binary"}}
                    for ext in (*extensions, "")  # "": anything else, as octet-stream
                },
                "headers": {
                    "Content-Disposition": {
                        "description": "attachment，含 UTF-8 文件名（filename*）",
                        "schema": {"type": "string"},
                    },
                },
            }
        }
    }


# Stints ----------------------------------------------------------------------------------


class StintOut(Schema):
    id: int
    member: int = Field(description="人员ID")
    member_name: str = Field(description="姓名")
    organisation: str = Field(description="选派机构编码")
    term: str = Field(description="类型：" + "、".join(f"{v}={t}" for v, t in Term.choices))
    batch: int | None = Field(None, description="批次ID")
    batch_name: str | None = Field(None, description="批次名称")
    region: str = Field(description="服务地区划代码")
    region_name: str = Field(description="服务地")
    host_org_name: str = Field(description="受援单位")
    start: date = Field(description="开始日期")
    end: date | None = Field(None, description="结束日期")
    note: str = Field(description="备注")
    updated_at: datetime = Field(description="更新时间")
    version: int


class StintPage(Schema):
    count: int
    items: list[StintOut]
    next: str | None = NEXT
    previous: str | None = PREVIOUS


STINTS = Listing(
    "stints",
    queryset=lambda user, **selector: assignment_list_for_user(user=user, **selector),
    filters=(
        organisation_filter("member__donor_org"),
        region_filter("region"),
        year_filter(),
        integer_filter("month", "开始月份（1–12）", low=1, high=12, example="6"),
        choice_filter("term", "类型", Term, selector="term"),
        since_filter(),
    ),
    orderings=ORDERINGS,
)


def _stint_row(stint) -> dict:
    return {
        "id": stint.pk,
        "member": stint.member_id,
        "member_name": stint.member.name,
        "organisation": stint.member.donor_org.code,
        "term": stint.term,
        "batch": stint.batch_id,
        "batch_name": stint.batch.name if stint.batch_id else None,
        "region": stint.region.code,
        "region_name": stint.region.name,
        "host_org_name": stint.host_org_name,
        "start": stint.start,
        "end": stint.end,
        "note": stint.note,
        "updated_at": stint.updated_at,
        "version": stint.version,
    }


@api.get(
    "/stints",
    response={200: StintPage, **ERRORS},
    operation_id="stints_list",
    tags=["stints"],
    summary="援疆任务列表（长期援疆与柔性援疆）",
    description="term=short_term 为柔性援疆。含姓名：须有查看人员信息的权限（否则 403）。"
    + LIST_DESCRIPTION,
)
def stints_list(request, filters: Query[list_query(STINTS, "Stints")]):
    return list_page(request, STINTS, filters, _stint_row)


@api.get(
    "/stints/{id}",
    response={200: StintOut, **ERRORS},
    operation_id="stints_get",
    tags=["stints"],
    summary="读取一条援疆任务",
)
def stints_get(request, id: int = Path(..., ge=1, le=MAX_ID)):
    stint = assignment_list_for_user(user=request.user).filter(pk=id).first()
    if stint is None:
        raise Http404("援疆任务不存在或无权查看")
    return _stint_row(stint)


# Reports ---------------------------------------------------------------------------------


class ReportOut(Schema):
    id: int
    kind: str = Field(
        description="类型：" + "、".join(f"{v}={t}" for v, t in GeneratedReport.Kind.choices)
    )
    format: str = Field(
        description="格式：" + "、".join(f"{v}={t}" for v, t in GeneratedReport.Format.choices)
    )
    status: str = Field(
        description="状态：" + "、".join(f"{v}={t}" for v, t in GeneratedReport.Status.choices)
    )
    organisation: str | None = Field(None, description="机构编码（按机构生成时）")
    region: str | None = Field(None, description="区划代码（按地区生成时）")
    subject: str = Field(description="报告对象：机构或地区的名称，或“全部”")
    period_start: date = Field(description="期间开始")
    period_end: date = Field(description="期间结束")
    period_label: str = Field(description="期间")
    requested_by: str = Field(description="申请人（或“定时任务”）")
    created_at: datetime = Field(description="申请时间")
    finished_at: datetime | None = Field(None, description="完成时间")
    message: str = Field(description="说明（失败时为原因）")
    job: int | None = Field(None, description="后台任务ID")
    file_name: str | None = Field(None, description="文件名；尚未生成时为 null")
    download_url: str | None = Field(None, description="下载地址；尚未生成时为 null")


class ReportPage(Schema):
    count: int
    items: list[ReportOut]
    next: str | None = NEXT
    previous: str | None = PREVIOUS


REPORT_PERIOD_FORMS = "2025、2023-2025、十四五、2025Q1、2025-03 或 2025-01-01..2025-06-30"


def _report_period(text: str):
    """A report's period as the report form takes it; a batch's term (``batch:ID``) is not
    a filter here: it would say which batches exist."""
    if text.strip().startswith("batch:"):
        raise ValidationError({"period": "不支持按批次筛选"})
    return report_period_parse(text)


def _overlapping_year(qs, year: int):
    return qs.filter(period_start__year__lte=year, period_end__year__gte=year)


REPORTS = Listing(
    "reports",
    queryset=lambda user: report_list_for_user(user=user),
    filters=(
        organisation_filter("org"),
        region_filter("region"),
        integer_filter(
            "year",
            "年度：期间含这一年的报告",
            low=1900,
            high=2200,
            apply=_overlapping_year,
            example="2025",
        ),
        period_filter(parse=_report_period, forms=REPORT_PERIOD_FORMS),
        choice_filter("kind", "类型", GeneratedReport.Kind),
        choice_filter("format", "格式", GeneratedReport.Format),
        choice_filter("status", "状态", GeneratedReport.Status),
        since_filter("created_since", "created_at", "申请"),
    ),
    orderings=CREATED_ORDERINGS,
)


def _report_row(request, report: GeneratedReport) -> dict:
    url = reverse("api:report_download", kwargs={"id": report.pk}) if report.file else None
    return {
        "id": report.pk,
        "kind": report.kind,
        "format": report.format,
        "status": report.status,
        "organisation": report.org.code if report.org_id else None,
        "region": report.region.code if report.region_id else None,
        "subject": report.subject_name,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "period_label": report.period_label,
        "requested_by": report.requester_label,
        "created_at": report.created_at,
        "finished_at": report.finished_at,
        "message": report.message,
        "job": report.job_id,
        "file_name": PurePosixPath(report.file.name).name if report.file else None,
        "download_url": request.build_absolute_uri(url) if url else None,
    }


@api.get(
    "/reports",
    response={200: ReportPage, **ERRORS},
    operation_id="reports_list",
    tags=["reports"],
    summary="生成的报告列表",
    description="您申请的报告，以及关于您所辖机构或地区的报告（与“报告”页面相同）。"
    + LIST_DESCRIPTION,
)
def reports_list(request, filters: Query[list_query(REPORTS, "Reports")]):
    return list_page(request, REPORTS, filters, lambda r: _report_row(request, r))


@api.get(
    "/reports/{id}",
    response={200: ReportOut, **ERRORS},
    operation_id="reports_get",
    tags=["reports"],
    summary="读取一份生成的报告",
)
def reports_get(request, id: int = Path(..., ge=1, le=MAX_ID)):
    return _report_row(request, get_report_for_user(user=request.user, pk=id))


@api.get(
    "/reports/{id}/download",
    response={200: None, **ERRORS},
    operation_id="report_download",
    url_name="report_download",
    tags=["reports"],
    summary="下载生成的报告",
    description="文件内容，以附件形式下载；尚未生成时返回 404。",
    openapi_extra=_download_extra(tuple(GeneratedReport.Format.values)),
)
def report_download(request, id: int = Path(..., ge=1, le=MAX_ID)):
    report = get_report_for_user(user=request.user, pk=id)
    if not report.file:
        raise Http404("报告尚未生成")
    return stored_file_response(report.file, fallback=f"report-{report.pk}")


# Jobs ------------------------------------------------------------------------------------


class JobOut(Schema):
    id: int
    kind: str = Field(description="任务类型代码")
    kind_label: str = Field(description="任务")
    status: str = Field(description="状态：" + "、".join(f"{v}={t}" for v, t in Job.Status.choices))
    progress: int = Field(description="进度（%）")
    outcome: str = Field(description="结果或当前步骤；失败时为原因")
    requested_by: str | None = Field(None, description="发起人")
    created_at: datetime = Field(description="创建时间")
    started_at: datetime | None = Field(None, description="开始时间")
    finished_at: datetime | None = Field(None, description="结束时间")
    attempts: int = Field(description="已运行次数")
    download_url: str | None = Field(None, description="结果文件的下载地址；没有时为 null")


class JobPage(Schema):
    count: int
    items: list[JobOut]
    next: str | None = NEXT
    previous: str | None = PREVIOUS


JOBS = Listing(
    "jobs",
    queryset=lambda user: job_list_for_user(user=user),
    filters=(
        choice_filter("status", "状态", Job.Status),
        choice_filter("kind", "任务类型", sorted(LABELS.items())),
        since_filter("created_since", "created_at", "创建"),
    ),
    orderings=CREATED_ORDERINGS,
)


def _job_row(request, job: Job) -> dict:
    url = reverse("api:job_download", kwargs={"id": job.pk}) if job.output else None
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": job.kind_label,
        "status": job.status,
        "progress": job.progress,
        "outcome": job.outcome,
        "requested_by": who(job.requested_by),
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "attempts": job.attempts,
        "download_url": request.build_absolute_uri(url) if url else None,
    }


@api.get(
    "/jobs",
    response={200: JobPage, **ERRORS},
    operation_id="jobs_list",
    tags=["jobs"],
    summary="后台任务列表",
    description="您发起的后台任务；国家援疆办和审计人员可查看全部（与“后台任务”页面相同）。"
    + LIST_DESCRIPTION,
)
def jobs_list(request, filters: Query[list_query(JOBS, "Jobs")]):
    return list_page(request, JOBS, filters, lambda j: _job_row(request, j))


@api.get(
    "/jobs/{id}",
    response={200: JobOut, **ERRORS},
    operation_id="jobs_get",
    tags=["jobs"],
    summary="读取一个后台任务",
)
def jobs_get(request, id: int = Path(..., ge=1, le=MAX_ID)):
    return _job_row(request, get_job_for_user(user=request.user, pk=id))


@api.get(
    "/jobs/{id}/download",
    response={200: None, **ERRORS},
    operation_id="job_download",
    url_name="job_download",
    tags=["jobs"],
    summary="下载后台任务的结果文件",
    description="文件内容，以附件形式下载；任务没有输出文件时返回 404。",
    openapi_extra=_download_extra(("xlsx", "csv", "docx", "pdf")),
)
def job_download(request, id: int = Path(..., ge=1, le=MAX_ID)):
    job = get_job_for_user(user=request.user, pk=id)
    if not job.output:
        raise Http404("该任务没有输出文件")
    return stored_file_response(job.output, fallback=f"job-{job.pk}")
