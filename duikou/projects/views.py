"""Project pages: the list, one project's page, and the forms that change projects."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duikou import policy
from duikou.audit.selectors import change_history_for
from duikou.core.filetypes import attachment_disposition
from duikou.core.money import unit_choices, unit_from, unit_label
from duikou.geo.selectors import region_find
from duikou.orgs.models import Organisation
from duikou.orgs.selectors import organisation_list_writable
from duikou.results.selectors import value_list_for_user
from duikou.web.forms import RowPages, edit_submit, errors_onto_form, row_change
from duikou.web.listing import Listing, is_htmx, list_page
from duikou.web.once import submitted_once
from duikou.web.page_cache import ledger_page

from .forms import (
    DocumentForm,
    DocumentRemoveForm,
    ProgressForm,
    ProjectEditForm,
    ProjectForm,
    TransactionCorrectForm,
    TransactionForm,
    TransactionVoidForm,
    TransitionForm,
)
from .models import FundSource, Project, Sector, Status, TransactionKind
from .selectors import (
    fund_transaction_voided_list,
    get_fund_transaction_for_user,
    get_fund_transaction_for_user_rw,
    get_project_document_for_user,
    get_project_document_for_user_rw,
    get_project_for_user,
    get_project_for_user_rw,
    project_document_content,
    project_document_list_for_user,
    project_fund_totals,
    project_list_for_user,
    projects_without_progress,
    with_aid_budget,
)
from .services import (
    NEXT_STATUS,
    TERMINABLE,
    fund_transaction_correct,
    fund_transaction_create,
    fund_transaction_void,
    progress_report_submit,
    project_create,
    project_document_add,
    project_document_remove,
    project_fields_check,
    project_transition,
    project_update,
)

PROJECTS = Listing(
    search=("name", "code", "donor_org__name", "region__name"),
    sorts={
        "code": "code",
        "name": "name",
        "year": "plan_year",
        "status": "status",
        "donor": "donor_org__code",
        "region": "region__code",
        "aid": "aid_budget",
    },
    default_sort="-year",
    filters={
        "status": "status",
        "year": "plan_year",
        "sector": "sector",
        "county": "is_county_or_below",
        "livelihood": "is_livelihood",
    },
    org_field="donor_org",
    region_field="region",
)


def _donor_orgs(user):
    return organisation_list_writable(user=user).filter(side=Organisation.Side.DONOR)


@login_required
@ledger_page
def project_list(request: HttpRequest) -> HttpResponse:
    """Projects in the user's scope: search, filters, sorting, pages; ``due=progress``
    keeps those still owing this month's 月调度 (the home page's 待办 links here)."""
    projects = project_list_for_user(user=request.user)
    due = None
    if request.GET.get("due") == "progress":
        due = timezone.localdate()
        projects = projects_without_progress(user=request.user, year=due.year, month=due.month)
    listing = list_page(request, with_aid_budget(projects), PROJECTS)
    # The money column in one unit, named in its header (援疆资金计划（万元）).
    unit = unit_from(request.GET.get("unit"))
    context = {
        "listing": listing,
        "due": due,
        "money_unit": unit,
        "unit_label": unit_label(unit),
        "units": unit_choices(),
        "statuses": Status.choices,
        "sectors": Sector.choices,
        "can_create": _donor_orgs(request.user).exists(),
    }
    template = "projects/list.html#rows" if is_htmx(request) else "projects/list.html"
    return render(request, template, context)


@login_required
@ledger_page
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One project: status timeline, money by source, monthly progress, values, documents,
    history."""
    project = get_project_for_user(user=request.user, pk=pk)
    return render(request, "projects/detail.html", _detail_context(request, project))


def _detail_context(request: HttpRequest, project: Project, document_form=None) -> dict:
    totals = project_fund_totals(project=project)
    funds = [
        {"source": source, "label": source.label, **totals[source.value]}
        for source in FundSource
        if source.value in totals
    ]
    here = Status(project.status)
    steps = [NEXT_STATUS[here]] if here in NEXT_STATUS else []
    if here in TERMINABLE:
        steps.append(Status.TERMINATED)
    can_edit = policy.can_write_for_org(request.user, project.donor_org_id)
    documents = project_document_list_for_user(user=request.user, project_pk=project.pk)
    # Removed documents stay readable for those who read the whole history.
    removed = None
    if policy.can_read_history(request.user):
        removed = project_document_list_for_user(
            user=request.user, project_pk=project.pk, removed=True
        )
    return {
        "project": project,
        "changes": project.status_changes.select_related("actor"),
        "funds": funds,
        "kinds": TransactionKind,
        "progress": project.progress_reports.all()[:36],
        # Only the values that measure this project; the organisation's other figures for the
        # place belong on its own and the place's pages, not on every project of the pair.
        "values": value_list_for_user(user=request.user).filter(project=project)[:50],
        "history": change_history_for(project, including=project.budget_lines.all())[:50],
        "can_edit": can_edit,
        "next_steps": steps,
        "documents": documents,
        "removed_documents": removed,
        "document_form": document_form or (DocumentForm() if can_edit else None),
        "document_limit": f"{settings.DUIKOU_DOCUMENT_MAX_MB:g}",
    }


def _region(form) -> object:
    return region_find(text=form.cleaned_data["region"])


@login_required
@submitted_once
def project_new(request: HttpRequest) -> HttpResponse:
    """Create a project through ``project_create``; refusals show beside their fields."""
    orgs = _donor_orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied("无权新建项目")
    form = ProjectForm(request.POST or None, orgs=orgs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                try:
                    region = _region(form)
                except ValidationError as error:
                    # The place is not known: say so with every other refusal at once.
                    errors, _amounts = project_fields_check(
                        code=data["code"].strip(),
                        sector=data["sector"],
                        status=Status.RESERVE,
                        planned_start=data["planned_start"],
                        planned_end=data["planned_end"],
                        budgets=form.budgets(),
                    )
                    raise ValidationError({"region": error.messages, **errors}) from None
                project = project_create(
                    code=data["code"],
                    name=data["name"],
                    programme=data["programme"],
                    donor_org=data["donor_org"],
                    region=region,
                    sector=data["sector"],
                    is_livelihood=data["is_livelihood"],
                    plan_year=data["plan_year"],
                    planned_start=data["planned_start"],
                    planned_end=data["planned_end"],
                    budgets=form.budgets(),
                    description=data["description"],
                    actor=request.user,
                    source="页面录入",
                )
            except ValidationError as error:
                errors_onto_form(
                    form, error, {"budgets": "budget_aid", "status": "sector", "__all__": None}
                )
            else:
                messages.success(request, _("项目已创建。"))
                return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/form.html", {"form": form, "creating": True}, status=status)


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a project. A save based on an older version is refused and shows what changed."""
    project = get_project_for_user_rw(user=request.user, pk=pk)
    orgs = _donor_orgs(request.user)
    initial = {
        "name": project.name,
        "donor_org": project.donor_org,
        "region": project.region.code,
        "sector": project.sector,
        "is_livelihood": project.is_livelihood,
        "plan_year": project.plan_year,
        "planned_start": project.planned_start,
        "planned_end": project.planned_end,
        "description": project.description,
        "version": project.version,
    }
    form = ProjectEditForm(
        request.POST or None,
        orgs=orgs,
        initial=initial,
        branch=project.donor_org.parent or project.donor_org,
    )

    def save(data):
        data["region"] = _region(form)
        project_update(project=project, actor=request.user, source="页面录入", **data)

    response, status, conflict = edit_submit(
        request,
        form,
        save=save,
        reload=lambda: get_project_for_user(user=request.user, pk=pk),
        done=reverse("projects:detail", args=[pk]),
        message=_("项目已保存。"),
    )
    if response:
        return response
    context = {"form": form, "project": project, "conflict": conflict, "creating": False}
    return render(request, "projects/form.html", context, status=status)


@login_required
@require_POST
def project_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a project one step in its lifecycle (or terminate it) on a date."""
    project = get_project_for_user_rw(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写状态变更日期。"))
        return redirect("projects:detail", pk=pk)
    data = form.cleaned_data
    try:
        project_transition(
            project=project,
            to_status=data["to_status"],
            on=data["on"],
            reason=data["reason"],
            version=data["version"],
            actor=request.user,
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("状态已变更。"))
    return redirect("projects:detail", pk=pk)


@login_required
@submitted_once
def transactions(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's money moves, filtered by source and kind, with the form to record one."""
    project = get_project_for_user(user=request.user, pk=pk)
    can_edit = policy.can_write_for_org(request.user, project.donor_org_id)
    form = TransactionForm(
        request.POST or None,
        initial={
            "fund_source": request.GET.get("fund_source", FundSource.AID),
            "kind": request.GET.get("kind", TransactionKind.RELEASE),
        },
    )
    status = 200
    if request.method == "POST":
        project = get_project_for_user_rw(user=request.user, pk=pk)
        status = 400
        if form.is_valid():
            try:
                fund_transaction_create(project=project, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("资金流水已记录。"))
                return redirect("projects:transactions", pk=pk)
    rows = project.transactions.all()
    for key, choices in (("fund_source", FundSource), ("kind", TransactionKind)):
        if request.GET.get(key) in choices.values:
            rows = rows.filter(**{key: request.GET[key]})
    voided = None
    if can_edit or policy.can_read_history(request.user):
        voided = fund_transaction_voided_list(project=project)
    context = {
        "project": project,
        "rows": rows,
        "form": form,
        "can_edit": can_edit,
        "voided": voided,
    }
    return render(request, "projects/transactions.html", context, status=status)


TRANSACTION_PAGES = RowPages(
    read=get_fund_transaction_for_user,
    read_rw=get_fund_transaction_for_user_rw,
    template="projects/transaction_change.html",
    url_name="projects:transaction_",
    parent="project",
    done=lambda record: reverse("projects:transactions", args=[record.project_id]),
    fields=("amount", "on", "reference", "note"),
)


@login_required
def transaction_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a transaction's amount, date, reference or note, with a reason. A refusal
    shows beside its field (400); a save on an older version shows what changed (409)."""
    return row_change(
        request,
        pk,
        TRANSACTION_PAGES,
        mode="correct",
        form_class=TransactionCorrectForm,
        service=fund_transaction_correct,
        message=_("资金流水已更正。"),
    )


@login_required
def transaction_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Void (作废) a mistaken transaction, with a reason; the history keeps its values."""
    return row_change(
        request,
        pk,
        TRANSACTION_PAGES,
        mode="void",
        form_class=TransactionVoidForm,
        service=fund_transaction_void,
        message=_("资金流水已作废。"),
    )


@login_required
@submitted_once
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The monthly progress reports (月调度) of a project and the form to submit one."""
    project = get_project_for_user(user=request.user, pk=pk)
    can_edit = policy.can_write_for_org(request.user, project.donor_org_id)
    form = ProgressForm(request.POST or None)
    status = 200
    if request.method == "POST":
        project = get_project_for_user_rw(user=request.user, pk=pk)
        status = 400
        if form.is_valid():
            try:
                progress_report_submit(project=project, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("月调度已保存。"))
                return redirect("projects:progress", pk=pk)
    context = {
        "project": project,
        "rows": project.progress_reports.select_related("reported_by"),
        "form": form,
        "can_edit": can_edit,
    }
    return render(request, "projects/progress.html", context, status=status)


def _detail_documents(pk: int) -> str:
    return reverse("projects:detail", args=[pk]) + "#documents"


@login_required
@submitted_once
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep a file with a project; a refusal shows beside the file on the project's page."""
    project = get_project_for_user_rw(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            project_document_add(
                project=project,
                upload=data["file"],
                kind=data["kind"],
                title=data["title"],
                note=data["note"],
                actor=request.user,
                source="页面录入",
            )
        except ValidationError as error:
            errors_onto_form(form, error, {"__all__": None})
        else:
            messages.success(request, _("文档已上传。"))
            return redirect(_detail_documents(pk))
    context = _detail_context(request, project, document_form=form)
    return render(request, "projects/detail.html", context, status=400)


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored bytes of a document, as an attachment under its original name."""
    document = get_project_document_for_user(
        user=request.user, pk=pk, include_removed=policy.can_read_history(request.user)
    )
    data = project_document_content(document=document)
    response = FileResponse(io.BytesIO(data), content_type=document.content_type)
    ext = document.file_name.rsplit(".", 1)[-1] if "." in document.file_name else "bin"
    response["Content-Disposition"] = attachment_disposition(
        document.file_name, f"document-{document.pk}.{ext}"
    )
    response["Content-Length"] = str(len(data))
    # The browser must not guess a type (a text file read as a page), nor a proxy keep a copy.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a document off the project's list, with a reason; it stays in the history."""
    document = get_project_document_for_user_rw(user=request.user, pk=pk)
    form = DocumentRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("删除文档必须说明原因。"))
        return redirect(_detail_documents(document.project_id))
    try:
        project_document_remove(
            document=document,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            actor=request.user,
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("文档“%(title)s”已删除。") % {"title": document.title})
    return redirect(_detail_documents(document.project_id))
