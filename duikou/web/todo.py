"""The home page's 待办 (to-do) panel: what is waiting for the signed-in user.

Each item counts exactly what the page it links to lists, through that page's own
selector, so the number on the home page and the rows behind the link never disagree.
Items with nothing waiting are left out.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou import policy
from duikou.ingest.models import Figure
from duikou.ingest.selectors import report_list_for_user as read_report_list_for_user
from duikou.projects.selectors import projects_without_progress
from duikou.reports.models import GeneratedReport
from duikou.reports.selectors import report_list_for_user
from duikou.results.selectors import values_awaiting_approval, values_to_submit_for_user
from duikou.transfer.models import ImportRecord
from duikou.transfer.selectors import import_record_list_for_user

# Imports and reports older than this have been seen to or forgotten; they leave the panel.
RECENT = timedelta(days=30)


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Todo:
    key: str
    label: str
    count: int
    url: str
    links: list[Link] = field(default_factory=list)


def _import_links(records: list[ImportRecord]) -> list[Link]:
    return [Link(r.file_name, reverse("transfer:import_detail", args=[r.pk])) for r in records[:3]]


def todo_for_user(*, user, today: date | None = None) -> list[Todo]:
    """What waits for ``user``: values to submit, returned or to approve, projects owing
    this month's 月调度, imports with problems or awaiting confirmation, report figures
    to review, and reports finished for them."""
    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    since = timezone.now() - RECENT
    items: list[Todo] = []

    def add(key: str, label: str, count: int, url: str, links=()) -> None:
        if count:
            items.append(Todo(key, label, count, url, list(links)))

    if policy.is_writer(user):
        drafts = values_to_submit_for_user(user=user)
        submissions = reverse("results:submissions")
        add("submit", _("条指标值待提交"), drafts.filter(return_reason="").count(), submissions)
        add(
            "returned",
            _("条指标值被退回，待修改后重新提交"),
            drafts.exclude(return_reason="").count(),
            f"{submissions}?returned=1",
        )
        add(
            "approve",
            _("条指标值待您审核"),
            values_awaiting_approval(user=user).count(),
            reverse("results:approvals"),
        )
        add(
            "progress",
            _("个在建项目尚未报送 {year}年{month}月 月调度").format(
                year=today.year, month=today.month
            ),
            projects_without_progress(user=user, year=today.year, month=today.month).count(),
            f"{reverse('projects:list')}?due=progress",
        )
        imports = import_record_list_for_user(user=user).filter(
            uploaded_by=user, uploaded_at__gte=since
        )
        problems = list(
            imports.filter(
                status__in=[ImportRecord.Status.INVALID, ImportRecord.Status.FAILED]
            ).order_by("-uploaded_at")[:20]
        )
        add(
            "imports",
            _("个导入有问题"),
            len(problems),
            reverse("transfer:import_list"),
            (
                Link(r.file_name, reverse("transfer:import_detail", args=[r.pk]))
                for r in problems[:3]
            ),
        )
        waiting = list(
            imports.filter(status=ImportRecord.Status.CHECKED).order_by("-uploaded_at")[:20]
        )
        add(
            "confirm",
            _("个导入已检查，待确认写入"),
            len(waiting),
            reverse("transfer:import_list"),
            (
                Link(r.file_name, reverse("transfer:import_detail", args=[r.pk]))
                for r in waiting[:3]
            ),
        )
        pending = Figure.objects.filter(report=OuterRef("pk"), status=Figure.Status.PENDING)
        read = list(
            read_report_list_for_user(user=user)
            .filter(uploaded_by=user)
            .filter(Exists(pending))
            .order_by("-pk")[:20]
        )
        add(
            "figures",
            _("篇报道读出的数字待审阅"),
            len(read),
            reverse("ingest:list"),
            (Link(r.title, reverse("ingest:review", args=[r.pk])) for r in read[:3]),
        )

    finished = list(
        report_list_for_user(user=user)
        .filter(
            requested_by_id=user.pk,
            status=GeneratedReport.Status.DONE,
            finished_at__gte=since,
        )
        .order_by("-finished_at")[:20]
    )
    add(
        "reports",
        _("份报告已生成，可下载"),
        len(finished),
        reverse("reports:list"),
        (Link(str(r), reverse("reports:download", args=[r.pk])) for r in finished[:3]),
    )
    return items
