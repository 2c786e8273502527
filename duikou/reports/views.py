from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from duikou import policy
from duikou.core.downloads import stored_file_response
from duikou.core.ledger_cache import ledger_cached, ledger_version
from duikou.core.params import id_param, int_param, text_param
from duikou.transfer.exporters import XLSX_TYPE, _disposition
from duikou.web.once import submitted_once
from duikou.web.page_cache import ledger_page
from duikou.web.selectors import dashboard_years

from .exports import compliance_csv, compliance_xlsx
from .forms import ComplianceForm, PublicationForm, ReportRequestForm
from .selectors import (
    compliance_rows,
    get_publication_for_user_rw,
    get_report_for_user,
    public_figures,
    publication_list_for_user,
    publication_orgs_for_user,
    publications_of_year,
    published_years,
    report_list_for_user,
    summary_subjects_for_user,
)
from .services import publication_create, publication_withdraw, report_request


@login_required
@submitted_once
def report_list(request: HttpRequest) -> HttpResponse:
    """Reports kept for the user, and the form to ask for a new one."""
    # Asked for most: a summary of the user's own organisation for the latest year with data.
    latest = dashboard_years(user=request.user)
    initial = {"period": str(latest[0]) if latest else ""}
    if not policy.scope_for(request.user).sees_all:
        own = summary_subjects_for_user(user=request.user).first()
        initial["org"] = own.pk if own else None
    form = ReportRequestForm(request.POST or None, user=request.user, initial=initial)
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
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(user=request.user, pk=pk)
    if not report.file:
        raise Http404("报告尚未生成")
    return stored_file_response(report.file, fallback=f"report-{report.pk}")


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    """The compliance checks per donor and year, for the user's scope; ?format=xlsx or csv
    exports."""
    form = ComplianceForm(request.GET or None)
    # The latest year holding projects, not the calendar's (a new year starts empty).
    latest = dashboard_years(user=request.user)
    year = latest[0] if latest else date.today().year
    if form.is_valid() and form.cleaned_data["year"]:
        year = form.cleaned_data["year"]
    rows = compliance_rows(user=request.user, years=[year])
    format = request.GET.get("format")
    if format == "csv":
        response = HttpResponse(
            "\ufeff" + compliance_csv(rows), content_type="text/csv; charset=utf-8"
        )
    elif format == "xlsx":
        provinces = sorted({row.province for row in rows})
        scope = provinces[0] if len(provinces) == 1 else ""
        content = compliance_xlsx(rows, year=year, scope=scope)
        response = HttpResponse(content, content_type=XLSX_TYPE)
    if format in ("csv", "xlsx"):
        response["Content-Disposition"] = _disposition(
            f"合规检查-{year}.{format}", f"compliance-{year}.{format}"
        )
        return response
    return render(request, "reports/compliance.html", {"form": form, "rows": rows, "year": year})


def _public_year(request: HttpRequest, years: list[int]) -> int | None:
    """The year asked for when it is published, else the latest published one."""
    asked = int_param(request.GET.get("year"), None, low=2000, high=2100)
    if asked in years:
        return asked
    return years[0] if years else None


@ledger_page
def public_data(request: HttpRequest) -> HttpResponse:
    """Published figures only, for anyone (signed in or not): key figures, prefectures and
    donor provinces, a map coloured by a published measure, who published and when."""
    # The same for everyone: kept until the next ledger write (publishing or withdrawing
    # is one), per year, publication and measure asked (core/ledger_cache.py).
    version = ledger_version()
    years = ledger_cached(("public:years",), published_years, version=version)
    year = _public_year(request, years)
    chosen = id_param(request.GET.get("pub"))
    measure = text_param(request.GET.get("measure"), "funds:budget", max_length=60)

    def figures() -> dict:
        publications = publications_of_year(year=year) if year else []
        publication = next((p for p in publications if p.pk == chosen), None) or (
            publications[0] if publications else None
        )
        context = {"publications": publications}
        if publication is not None:
            context["publication"] = publication
            context |= public_figures(publication=publication, measure=measure)
        return context

    context = {"years": years, "year": year}
    context |= ledger_cached(("public", year, chosen, measure), figures, version=version)
    return render(request, "reports/public.html", context)


@login_required
@submitted_once
def publication_list(request: HttpRequest) -> HttpResponse:
    """The publisher's page: what is published, publish a year, withdraw."""
    if not policy.can_publish(request.user):
        raise PermissionDenied("只有国家援疆办和前方指挥部可以发布数据")
    orgs = publication_orgs_for_user(user=request.user)
    latest = dashboard_years(user=request.user)
    form = PublicationForm(
        request.POST or None,
        user=request.user,
        orgs=orgs,
        initial={"year": latest[0] if latest else date.today().year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            publication = publication_create(
                year=data["year"], org=data["org"], note=data["note"], actor=request.user
            )
        except PermissionDenied as error:
            form.add_error("org", str(error))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, f"已发布 {publication.year} 年数据（{publication.scope_name}）"
            )
            return redirect("reports:publications")
    publications = list(publication_list_for_user(user=request.user)[:200])
    return render(
        request, "reports/publications.html", {"form": form, "publications": publications}
    )


def _form_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
@require_POST
def publication_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw one publication (the publisher's page posts here)."""
    publication = get_publication_for_user_rw(user=request.user, pk=pk)
    try:
        publication_withdraw(publication=publication, actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已撤回 {publication.year} 年的发布（{publication.scope_name}）")
    return redirect("reports:publications")
