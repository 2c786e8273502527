from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from duikou.web.once import submitted_once

from .exports import compliance_csv
from .forms import ComplianceForm, ReportRequestForm
from .selectors import compliance_rows, get_report_for_user, report_list_for_user
from .services import report_request


@login_required
@submitted_once
def report_list(request: HttpRequest) -> HttpResponse:
    """Reports kept for the user, and the form to ask for a new one."""
    form = ReportRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report_request(
            actor=request.user,
            kind=data["kind"],
            fmt=data["format"],
            period=data["period"],
            org=data.get("org"),
            region=data.get("region"),
        )
        return redirect("reports:list")
    reports = list(report_list_for_user(user=request.user)[:100])
    pending = any(r.status in ("queued", "running") for r in reports)
    template = (
        "reports/list.html#rows" if request.headers.get("HX-Request") else "reports/list.html"
    )
    return render(request, template, {"form": form, "reports": reports, "pending": pending})


@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    report = get_report_for_user(user=request.user, pk=pk)
    if not report.file:
        raise Http404("报告尚未生成")
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.file.name.rsplit("/", 1)[-1]
    )


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    """The compliance checks per donor and year, for the user's scope; ?format=csv exports."""
    form = ComplianceForm(request.GET or None)
    year = date.today().year
    if form.is_valid() and form.cleaned_data["year"]:
        year = form.cleaned_data["year"]
    rows = compliance_rows(user=request.user, years=[year])
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            "\ufeff" + compliance_csv(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="compliance-{year}.csv"'
        return response
    return render(request, "reports/compliance.html", {"form": form, "rows": rows, "year": year})
