"""Pages to upload a report, review its figures, accept them, and reconcile with the ledger."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from duikou.core.errors import check_no_control_characters, has_control_characters
from duikou.core.params import int_param
from duikou.geo.selectors import region_find
from duikou.orgs.models import Organisation
from duikou.orgs.selectors import (
    get_organisation_for_user_rw,
    organisation_list_readable,
    organisation_list_writable,
)
from duikou.results.models import Indicator
from duikou.results.periods import period_parse
from duikou.web.once import submitted_once

from .selectors import (
    get_figure_for_user_rw,
    get_report_for_user,
    reconcile,
    report_list_for_user,
    report_segments,
)
from .services import figure_accept, figure_reject, figure_update, report_create


class ReportForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200, required=False)
    doc_date = forms.DateField(label=gettext_lazy("报道日期"), initial=date.today)
    text = forms.CharField(
        label=gettext_lazy("粘贴正文"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    upload = forms.FileField(label=gettext_lazy("或上传文件（txt、docx、pdf）"), required=False)


def _messages_of(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "；".join(m for msgs in error.message_dict.values() for m in msgs)
    return "；".join(error.messages)


@login_required
@submitted_once
def report_list(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = report_create(
                title=form.cleaned_data["title"],
                doc_date=form.cleaned_data["doc_date"],
                text=form.cleaned_data["text"],
                upload=form.cleaned_data["upload"],
                actor=request.user,
            )
            return redirect("ingest:review", pk=report.pk)
        except ValidationError as error:
            form.add_error(None, _messages_of(error))
    reports = report_list_for_user(user=request.user)[:100]
    return render(
        request,
        "ingest/list.html",
        {"form": form, "reports": reports},
        status=400 if form.errors else 200,
    )


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(user=request.user, pk=pk)
    context = {
        "report": report,
        "segments": report_segments(report=report),
        "figures": report.figures.select_related("indicator", "org", "region"),
        "indicators": Indicator.objects.filter(is_active=True).order_by("code"),
        "orgs": organisation_list_writable(user=request.user)[:500],
    }
    return render(request, "ingest/review.html", context)


@login_required
@require_POST
def figure_act(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct, accept or reject one figure."""
    figure = get_figure_for_user_rw(user=request.user, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "reject":
            figure_reject(figure=figure, actor=request.user)
        else:
            changes = {}
            for name, label in (
                ("indicator", "指标"),
                ("org", "机构"),
                ("region", "地区"),
                ("period", "期间"),
            ):
                check_no_control_characters(name, request.POST.get(name, ""), label)
            if code := request.POST.get("indicator"):
                changes["indicator"] = Indicator.objects.get(code=code)
            if code := request.POST.get("org"):
                changes["org"] = get_organisation_for_user_rw(user=request.user, code=code)
            if place := request.POST.get("region", "").strip():
                changes["region"] = region_find(text=place)
            if text := request.POST.get("period", "").strip():
                period = period_parse(text)
                changes["period_start"], changes["period_end"] = period.start, period.end
            if changes:
                figure = figure_update(figure=figure, actor=request.user, **changes)
            if action == "accept":
                figure_accept(figure=figure, actor=request.user)
        messages.success(request, _("“%(text)s”已处理。") % {"text": figure.text})
    except (ValidationError, Indicator.DoesNotExist) as error:
        text = _messages_of(error) if isinstance(error, ValidationError) else _("指标不存在")
        messages.error(request, f"“{figure.text}”：{text}")
    return redirect(f"/ingest/{figure.report_id}/#figure-{figure.pk}")


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    readable = organisation_list_readable(user=request.user)
    orgs = list(readable.filter(side=Organisation.Side.DONOR)[:500])
    code = request.GET.get("org") or (orgs[0].code if orgs else "")
    year = int_param(request.GET.get("year"), 2025, low=1900, high=2100)
    rows, org = [], None
    if code:
        org = None if has_control_characters(code) else readable.filter(code=code).first()
        if org is None:
            raise Http404("机构不存在或无权查看")
        rows = reconcile(user=request.user, org=org, year=year)
    return render(
        request, "ingest/reconcile.html", {"orgs": orgs, "org": org, "year": year, "rows": rows}
    )
