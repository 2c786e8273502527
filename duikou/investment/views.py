"""Investment deal pages: the list, one deal's page and the forms that change deals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duikou import policy
from duikou.audit.selectors import change_history_for
from duikou.core.errors import ConflictError
from duikou.core.money import unit_choices, unit_from, unit_label
from duikou.geo.selectors import region_find
from duikou.orgs.models import Organisation
from duikou.orgs.selectors import organisation_list_writable
from duikou.web.forms import RowPages, edit_submit, errors_onto_form, row_change
from duikou.web.listing import Listing, is_htmx, list_page
from duikou.web.once import submitted_once
from duikou.web.page_cache import ledger_page

from .forms import (
    DealEditForm,
    DealForm,
    DealStageForm,
    FundsCorrectForm,
    FundsInPlaceForm,
    FundsVoidForm,
)
from .models import PIPELINE, RANK, Stage
from .selectors import (
    deal_funds_in_place_total,
    deal_list_for_user,
    deal_stage_history,
    funds_in_place_voided_list,
    get_deal_for_user,
    get_deal_for_user_rw,
    get_funds_in_place_for_user,
    get_funds_in_place_for_user_rw,
)
from .services import (
    deal_advance_stage,
    deal_create,
    deal_record_funds_in_place,
    deal_update,
    funds_in_place_correct,
    funds_in_place_void,
)

DEALS = Listing(
    search=("name", "enterprise", "code", "industry", "industry_chain"),
    sorts={
        "code": "code",
        "name": "name",
        "enterprise": "enterprise",
        "stage": "stage",
        "signed": "signed_on",
        "amount": "signed_amount",
    },
    default_sort="code",
    filters={"stage": "stage", "signed_year": "signed_year", "year": "signed_year"},
    org_field="donor_org",
    region_field="region",
)


def _donor_orgs(user):
    return organisation_list_writable(user=user).filter(side=Organisation.Side.DONOR)


@login_required
@ledger_page
def deal_list(request: HttpRequest) -> HttpResponse:
    listing = list_page(request, deal_list_for_user(user=request.user), DEALS)
    # The amount column in one unit, named in its header (签约金额（万元）).
    unit = unit_from(request.GET.get("unit"))
    context = {
        "listing": listing,
        "money_unit": unit,
        "unit_label": unit_label(unit),
        "units": unit_choices(),
        "stages": Stage.choices,
        "can_create": _donor_orgs(request.user).exists(),
    }
    template = "investment/list.html#rows" if is_htmx(request) else "investment/list.html"
    return render(request, template, context)


def _next_stage(deal) -> str:
    rank = RANK[Stage(deal.stage)]
    return PIPELINE[rank].value if 0 < rank < len(PIPELINE) else ""


def _detail_page(request, deal, *, stage_form=None, funds_form=None, status=200):
    """The deal page; a refused stage or funds form comes back with its errors in place."""
    can_edit = policy.can_write_for_org(request.user, deal.donor_org_id)
    if can_edit:
        stage_form = stage_form or DealStageForm(
            initial={"to_stage": _next_stage(deal), "version": deal.version}
        )
        funds_form = funds_form or FundsInPlaceForm()
    context = {
        "deal": deal,
        "stages": deal_stage_history(deal=deal).select_related("actor"),
        "in_place": deal.funds_in_place.all(),
        "in_place_total": deal_funds_in_place_total(deal=deal),
        "in_place_voided": (
            funds_in_place_voided_list(deal=deal)
            if can_edit or policy.can_read_history(request.user)
            else None
        ),
        "jobs": deal.jobs_reports.all(),
        "history": change_history_for(deal)[:50],
        "can_edit": can_edit,
        "stage_form": stage_form,
        "funds_form": funds_form,
    }
    return render(request, "investment/detail.html", context, status=status)


@login_required
@ledger_page
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One deal: its dated stages, funds in place, jobs reports and change history."""
    return _detail_page(request, get_deal_for_user(user=request.user, pk=pk))


@login_required
@submitted_once
def deal_new(request: HttpRequest) -> HttpResponse:
    """Record a deal through ``deal_create``; refusals show beside their fields."""
    orgs = _donor_orgs(request.user)
    if not orgs.exists():
        raise PermissionDenied("无权新建招商项目")
    form = DealForm(request.POST or None, orgs=orgs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                data["region"] = region_find(text=data["region"])
                deal = deal_create(actor=request.user, source="页面录入", **data)
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("招商项目已创建。"))
                return redirect("investment:detail", pk=deal.pk)
    return render(request, "investment/form.html", {"form": form}, status=status)


def _edit_initial(deal) -> dict:
    fields = (
        "name",
        "enterprise",
        "donor_org",
        "industry",
        "industry_chain",
        "planned_investment",
        "signed_amount",
        "jobs_expected",
        "description",
        "version",
    )
    initial = {name: getattr(deal, name) for name in fields}
    return {**initial, "region": deal.region.code}


@login_required
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a deal through ``deal_update``. A save based on an older version is refused
    (409) and shows what the other person changed."""
    deal = get_deal_for_user_rw(user=request.user, pk=pk)
    form = DealEditForm(
        request.POST or None, orgs=_donor_orgs(request.user), initial=_edit_initial(deal)
    )

    def save(data):
        data["region"] = region_find(text=data["region"])
        deal_update(deal=deal, actor=request.user, source="页面录入", **data)

    response, status, conflict = edit_submit(
        request,
        form,
        save=save,
        reload=lambda: get_deal_for_user(user=request.user, pk=pk),
        done=reverse("investment:detail", args=[pk]),
        message=_("招商项目已保存。"),
    )
    if response:
        return response
    context = {"form": form, "deal": deal, "conflict": conflict}
    return render(request, "investment/form.html", context, status=status)


@login_required
@require_POST
def deal_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a deal to another stage on a date through ``deal_advance_stage``."""
    deal = get_deal_for_user_rw(user=request.user, pk=pk)
    form = DealStageForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            deal_advance_stage(
                deal=deal,
                to_stage=data["to_stage"],
                on=data["on"],
                reason=data["reason"],
                signed_amount=data["signed_amount"],
                version=data["version"],
                actor=request.user,
            )
        except ConflictError as error:
            status = 409
            form.add_error(None, error.messages[0])
            deal = get_deal_for_user(user=request.user, pk=pk)
        except ValidationError as error:
            errors_onto_form(form, error, {"stage": "to_stage"})
        else:
            messages.success(request, _("阶段已变更。"))
            return redirect("investment:detail", pk=pk)
    return _detail_page(request, deal, stage_form=form, status=status)


@login_required
@submitted_once
@require_POST
def deal_funds(request: HttpRequest, pk: int) -> HttpResponse:
    """Record funds in place through ``deal_record_funds_in_place``."""
    deal = get_deal_for_user_rw(user=request.user, pk=pk)
    form = FundsInPlaceForm(request.POST)
    if form.is_valid():
        try:
            deal_record_funds_in_place(
                deal=deal, actor=request.user, source="页面录入", **form.cleaned_data
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("到位资金已登记。"))
            return redirect("investment:detail", pk=pk)
    return _detail_page(request, deal, funds_form=form, status=400)


FUNDS_PAGES = RowPages(
    read=get_funds_in_place_for_user,
    read_rw=get_funds_in_place_for_user_rw,
    template="investment/funds_change.html",
    url_name="investment:funds_",
    parent="deal",
    done=lambda record: reverse("investment:detail", args=[record.deal_id]) + "#in-place",
    fields=("amount", "on", "reference", "note"),
)


@login_required
def funds_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the amount, date, reference or note of funds in place, with a reason. A
    refusal shows beside its field (400); a save on an older version shows what changed
    (409)."""
    return row_change(
        request,
        pk,
        FUNDS_PAGES,
        mode="correct",
        form_class=FundsCorrectForm,
        service=funds_in_place_correct,
        message=_("到位资金已更正。"),
    )


@login_required
def funds_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Void (作废) mistaken funds in place, with a reason; the history keeps their values."""
    return row_change(
        request,
        pk,
        FUNDS_PAGES,
        mode="void",
        form_class=FundsVoidForm,
        service=funds_in_place_void,
        message=_("到位资金已作废。"),
    )
