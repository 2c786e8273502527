"""Cross-domain pages: the dashboard, the map, the indicator explorer and figures' sources."""

import logging
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou import policy
from duikou.core.ledger_cache import ledger_cached, ledger_version, reader_key
from duikou.core.money import unit_choices, unit_from
from duikou.core.params import id_param, ids_param, int_param, text_param
from duikou.geo.selectors import region_get_by_code
from duikou.reports.views import public_data
from duikou.results.models import Indicator, Value
from duikou.results.selectors import basis_from, rollup_sources, value_list_for_user
from duikou.transfer.exporters import pivot_export_response

from . import selectors
from .listing import Listing, is_htmx, list_page
from .page_cache import ledger_page
from .todo import todo_for_user

logger = logging.getLogger(__name__)


def _year(request: HttpRequest, default: int) -> int:
    return int_param(request.GET.get("year"), default, low=2000, high=2100)


def _years_and_home(user, reader: tuple, version) -> tuple[list[int], selectors.Nodes]:
    return ledger_cached(
        ("explore:frame", reader),
        lambda: (selectors.dashboard_years(user=user), selectors.home_nodes(user=user)),
        version=version,
    )


@ledger_page(timeout=60)
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the signed-in user's scope; a sign-in prompt for everyone else."""
    if not request.user.is_authenticated:
        return render(request, "web/home.html", {})
    if policy.sees_nothing_internal(request.user):  # the public account: published figures
        return public_data(request)
    user = request.user
    # The dashboard's figures are cached until the next ledger write (core/ledger_cache.py).
    reader = reader_key(user)
    version = ledger_version()
    years = ledger_cached(
        ("home:years", reader), lambda: selectors.dashboard_years(user=user), version=version
    )
    year = _year(request, years[0] if years else date.today().year)
    basis = basis_from(request.GET.get("basis"))
    context = dict(
        ledger_cached(
            ("home:dashboard", reader, year, basis),
            lambda: selectors.dashboard_for_user(user=user, year=year, basis=basis),
            version=version,
        )
    )
    context["years"] = sorted(set(years) | {year}, reverse=True)
    context["basis"] = basis
    # The 两个80% table has a row per donor province and year (hundreds nationally): its
    # rendering is kept with the figures it shows.
    context["shares_html"] = ledger_cached(
        ("home:shares", reader),
        lambda: render_to_string("web/home.html#shares", context, request),
        version=version,
    )
    # The panel counts the user's own imports and reports of the last 30 days: per user and
    # day, and kept a minute at most, so an item leaves the panel on time.
    context["todo"] = ledger_cached(
        ("home:todo", user.pk, timezone.localdate()),
        lambda: todo_for_user(user=user),
        timeout=60,
        version=version,
    )
    return render(request, "web/home.html", context)


@login_required
@ledger_page
def map_page(request: HttpRequest) -> HttpResponse:
    """Xinjiang by prefecture or county (``layer``), or the counties of one prefecture
    (``within``), coloured by funds or any indicator; click an area to drill in."""
    reader, version = reader_key(request.user), ledger_version()
    recent, _home = _years_and_home(request.user, reader, version)
    year = _year(request, recent[0] if recent else date.today().year)
    measure = text_param(request.GET.get("measure", "funds:budget"), "funds:budget", max_length=60)
    layer = request.GET.get("layer", "prefecture")
    if layer not in selectors.MAP_LAYERS:
        layer = "prefecture"
    within = None
    if layer == "county" and (code := text_param(request.GET.get("within"), max_length=12)):
        try:
            within = region_get_by_code(code=code)
        except ValidationError:
            raise Http404("地区不存在") from None
    context = {
        "year": year,
        "years": list(range(date.today().year, 2009, -1)),
        "measure": measure,
        "measures": ledger_cached(("map:measures",), selectors.map_measures, version=version),
        "layer": layer,
        "layers": list(selectors.MAP_LAYERS.items()),
        "within": within,
        "pairings": ledger_cached(
            ("map:pairings",), lambda: list(selectors.top_pairings()), version=version
        ),
        "money_unit": unit_from(request.GET.get("unit")),
        "units": unit_choices(),
    }
    context["basis"] = basis_from(request.GET.get("basis"))
    try:
        shown = (measure, year, layer, within and within.pk, context["basis"])
        context |= ledger_cached(
            ("map", reader, *shown, context["money_unit"]),
            lambda: selectors.map_for_user(
                user=request.user,
                measure=measure,
                year=year,
                layer=layer,
                within=within,
                basis=context["basis"],
                money_unit=context["money_unit"],
            ),
            version=version,
        )
    except FileNotFoundError as error:
        # A layer's file missing or misnamed in the settings: the log says which setting,
        # the page tells the official whom to ask; the rest of the page stays.
        logger.warning("map layer file missing: %s", error)
        context["map_error"] = _("地图文件缺失，暂时无法显示地图。请联系系统管理员。")
    if is_htmx(request):
        return render(request, "web/map.html#figures", context)
    return render(request, "web/map.html", context)


@login_required
@ledger_page
def explore(request: HttpRequest) -> HttpResponse:
    """Pick indicators, organisations or regions, periods and a pivot; see a chart; export."""
    params = request.GET
    # What the explorer shows is cached until the next ledger write (core/ledger_cache.py),
    # per reader and choice, so the same view asked again at month-end costs no query.
    reader, version = reader_key(request.user), ledger_version()
    recent, home = _years_and_home(request.user, reader, version)
    # The default years are the recent ones holding data, not the calendar's.
    recent = recent or [date.today().year]
    # A recipient government's figures are about its places (axis r), a donor's about
    # its organisations (axis o): the default follows the user's own roots.
    axis = params.get("axis") if params.get("axis") in ("o", "r") else home.axis
    grain = params.get("grain") if params.get("grain") in ("y", "q", "m") else "y"
    year_from = int_param(
        params.get("year_from"), max(recent[0] - 4, min(recent)), low=2010, high=2100
    )
    year_to = int_param(params.get("year_to"), recent[0], low=2010, high=2100)
    year_from, year_to = min(year_from, year_to), max(year_from, year_to)
    years = list(range(year_from, year_to + 1))[-15:]
    rows = params.get("rows") if params.get("rows") in selectors.DIMENSIONS else "node"
    cols = params.get("cols") if params.get("cols") in selectors.DIMENSIONS else "period"
    if cols == rows:
        cols = "period" if rows != "period" else "node"
    codes = params.getlist("indicator") or ["FUND_SPENT"]
    codes = [text_param(code, max_length=40) for code in codes[:10]]
    indicators = list(Indicator.objects.filter(code__in=codes, is_active=True))
    choices = ledger_cached(
        ("explore:choices", reader, axis),
        lambda: selectors.node_choices(user=request.user, axis=axis),
        version=version,
    )
    node_ids = ids_param(params.getlist("node"), limit=60)
    if not node_ids:
        node_ids = home.ids if home.axis == axis else [n.pk for n in choices]
    node_ids = selectors.allowed_node_ids(user=request.user, axis=axis, node_ids=node_ids[:60])
    basis, money_unit = basis_from(params.get("basis")), unit_from(params.get("unit"))

    def pivot_compute():
        nodes = selectors.explorer_nodes(axis=axis, node_ids=node_ids)
        pivot = selectors.explore(
            basis=basis,
            user=request.user,
            indicators=indicators,
            axis=axis,
            nodes=nodes,
            years=years,
            grain=grain,
            rows=rows,
            cols=cols,
            money_unit=money_unit,
        )
        return nodes, pivot

    shown = ([i.code for i in indicators], axis, node_ids, years, grain, rows, cols, basis)
    nodes, pivot = ledger_cached(
        ("explore", reader, *shown, money_unit), pivot_compute, version=version
    )
    if params.get("format") in ("csv", "xlsx"):
        return pivot_export_response(pivot, "duikou-explorer", params["format"])
    context = {
        "pivot": pivot,
        "indicators": indicators,
        "all_indicators": Indicator.objects.filter(is_active=True).order_by("code"),
        "choices": choices,
        "axis": axis,
        "grain": grain,
        "selected_codes": [i.code for i in indicators],
        "selected_nodes": [n.pk for n in nodes],
        "year_from": years[0],
        "year_to": years[-1],
        "rows": rows,
        "cols": cols,
        "basis": basis,
        "unit": pivot.money_unit,
        "units": unit_choices(),
        "dimensions": [
            ("node", _("机构/地区")),
            ("indicator", _("指标")),
            ("period", _("期间")),
        ],
        "csv_url": f"{request.path}?{_with(params, format='csv')}",
        "xlsx_url": f"{request.path}?{_with(params, format='xlsx')}",
    }
    if is_htmx(request):
        return render(request, "web/explore.html#result", context)
    return render(request, "web/explore.html", context)


def _with(params, **changes) -> str:
    copy = params.copy()
    for key, value in changes.items():
        copy[key] = value
    return copy.urlencode()


@login_required
def sources(request: HttpRequest) -> HttpResponse:
    """The values one rolled-up figure came from, or where a computed figure comes from."""
    params = request.GET
    indicator = get_object_or_404(
        Indicator, code=text_param(params.get("indicator"), max_length=40)
    )
    axis = "r" if params.get("axis") == "r" else "o"
    grain = params.get("grain") if params.get("grain") in ("y", "q", "m") else "y"
    node_id = id_param(params.get("node"))
    year = int_param(params.get("year"), low=1900, high=2100)
    period_no = int_param(params.get("period") or "0", low=0, high=12)
    if None in (node_id, year, period_no):
        raise Http404("参数无效")
    nodes = selectors.explorer_nodes(axis=axis, node_ids=[node_id])
    if not nodes:
        raise Http404("机构或地区不存在")
    context = {
        "indicator": indicator,
        "node": nodes[0],
        "axis": axis,
        "grain": grain,
        "year": year,
        "period_no": period_no,
        "record_link": _record_link(indicator, axis, node_id, year),
    }
    if indicator.kind == Indicator.Kind.STORED:
        values = rollup_sources(
            user=request.user,
            indicator=indicator,
            axis=axis,
            node_id=node_id,
            grain=grain,
            year=year,
            period_no=period_no,
        )
        context["values"] = values[:500]
    return render(request, "web/sources.html", context)


RECORD_LISTS = {
    "projects": "projects:list",
    "investment": "investment:list",
    "exchanges": "exchanges:events",
    "people": "people:batches",
}


def _record_link(indicator: Indicator, axis: str, node_id: int, year: int) -> str:
    """The list of ledger records a record-backed indicator is computed from."""
    if indicator.kind != Indicator.Kind.RECORD or not indicator.record_source:
        return ""
    app = indicator.record_source.split(".", 1)[0]
    name = RECORD_LISTS.get(app)
    if not name:
        return ""
    key = "org" if axis == "o" else "region"
    return f"{reverse(name)}?{key}={node_id}&year={year}"


VALUES = Listing(
    search=("indicator__name_zh", "indicator__code", "org__name", "region__name", "comment"),
    sorts={
        "indicator": "indicator__code",
        "org": "org__code",
        "region": "region__code",
        "period": "period_start",
        "value": "value",
        "status": "status",
    },
    default_sort="-period",
    filters={"indicator": "indicator__code", "status": "status", "year": "year"},
    org_field="org",
    region_field="region",
)


@login_required
@ledger_page
def value_list(request: HttpRequest) -> HttpResponse:
    """Every indicator value the user may read, searchable and sortable."""
    listing = list_page(request, value_list_for_user(user=request.user), VALUES)
    context = {
        "listing": listing,
        "statuses": Value.Status.choices,
        "indicators": Indicator.objects.order_by("code").values_list("code", "name_zh"),
    }
    template = "web/values.html#rows" if is_htmx(request) else "web/values.html"
    return render(request, template, context)
