"""Lists of the record kinds that live under another record (a project's money, a deal's
funds in place, a channel's sales, a batch's mentors) and of trainings, across everything
the user may see: one page shape for all of them, driven by the import/export kinds.

Each list shows the kind's columns as the import template names them, so the screen,
the Excel file and the import speak the same headers. Search, filters, sorting and
paging come from ``web.listing``; the export link hands the same filters to ``transfer``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from duikou import policy
from duikou.core.money import unit_choices, unit_from
from duikou.transfer.kinds import Column, Kind, kind_get
from duikou.transfer.selectors import header_in_unit

from .listing import Listing, is_htmx, list_page
from .page_cache import ledger_page


@dataclass(frozen=True)
class RecordList:
    listing: Listing
    parent: Callable[[object], str] | None = None  # the page of the record it belongs to


def _project_url(row) -> str:
    return reverse("projects:detail", args=[row.project_id])


def _deal_url(row) -> str:
    return reverse("investment:detail", args=[row.deal_id])


def _channel_url(row) -> str:
    return reverse("exchanges:channel", args=[row.channel_id])


def _batch_url(row) -> str:
    return reverse("people:batch", args=[row.mentor.batch_id])


RECORD_LISTS: dict[str, RecordList] = {
    "fund_transactions": RecordList(
        Listing(
            search=("project__name", "project__code"),
            sorts={"on": "on", "amount": "amount", "project": "project__code", "kind": "kind"},
            default_sort="-on",
            filters={"year": "year", "kind": "kind", "fund_source": "fund_source"},
            org_field="project__donor_org",
            region_field="project__region",
        ),
        parent=_project_url,
    ),
    "progress_reports": RecordList(
        Listing(
            search=("project__name", "project__code"),
            sorts={
                "year": "year",
                "project": "project__code",
                "percent_complete": "percent_complete",
            },
            default_sort="-year",
            filters={"year": "year", "month": "month"},
            org_field="project__donor_org",
            region_field="project__region",
        ),
        parent=_project_url,
    ),
    "funds_in_place": RecordList(
        Listing(
            search=("deal__name", "deal__code", "reference", "note"),
            sorts={"on": "on", "amount": "amount", "deal": "deal__code"},
            default_sort="-on",
            filters={"year": "year"},
            org_field="deal__donor_org",
            region_field="deal__region",
        ),
        parent=_deal_url,
    ),
    "mentor_pairs": RecordList(
        Listing(
            search=("mentor__name", "apprentice_name", "apprentice_institution", "field"),
            sorts={"start": "start", "mentor": "mentor__name", "field": "field"},
            default_sort="-start",
            org_field="mentor__batch__donor_org",
            region_field="region",
        ),
        parent=_batch_url,
    ),
    "trainings": RecordList(
        Listing(
            search=("title", "place", "note"),
            sorts={"start": "start", "title": "title", "participants": "participants"},
            default_sort="-start",
            filters={"kind": "kind", "direction": "direction"},
            org_field="organiser",
            region_field="region",
        ),
    ),
    "sales_records": RecordList(
        Listing(
            search=("channel__name", "channel__code", "note"),
            sorts={"period_start": "period_start", "sales_amount": "sales_amount"},
            default_sort="-period_start",
            filters={"year": "year"},
            org_field="channel__donor_org",
            region_field="channel__region",
        ),
        parent=_channel_url,
    ),
}


def _shown_as(column: Column) -> str:
    """How the list shows a column's values: its type, except that years (年, 计划年度) are
    whole numbers written without a thousands separator."""
    if column.type == "int" and (column.key == "year" or column.key.endswith("_year")):
        return "year"
    return column.type


def _spec(kind: str) -> tuple[Kind, RecordList]:
    if kind not in RECORD_LISTS:
        raise Http404("没有这类记录")
    return kind_get(kind), RECORD_LISTS[kind]


@login_required
@ledger_page
def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    """``/records/<kind>/``: the kind's rows the user may see, searchable and sortable."""
    spec, shape = _spec(kind)
    if spec.personal and not policy.can_see_personal_data(request.user):
        raise PermissionDenied("无权查看人员个人信息")
    listing = list_page(request, spec.queryset(request.user), shape.listing)
    # Every money column in one unit, named in its header (金额（万元）), as in the export.
    unit = unit_from(request.GET.get("unit"))
    # Read as the template renders them: a page served from the cache reads none.
    rows = SimpleLazyObject(
        lambda: [
            {
                "cells": [
                    (spec.display(obj, column), _shown_as(column)) for column in spec.columns
                ],
                "parent": shape.parent(obj) if shape.parent else "",
            }
            for obj in listing.page
        ]
    )
    choices = [
        (param, column.header, column.choices.choices)
        for param in shape.listing.filters
        if (column := spec.column(param)) is not None and column.type == "choice"
    ]
    context = {
        "kind": kind,
        "spec": spec,
        "listing": listing,
        "rows": rows,
        "headers": [
            (
                header_in_unit(column.header, unit) if column.type == "amount" else column.header,
                column.key,
                _shown_as(column),
            )
            for column in spec.columns
        ],
        "money_unit": unit,
        "units": unit_choices(),
        "has_money": any(column.type == "amount" for column in spec.columns),
        "choices": choices,
        "years": "year" in shape.listing.filters,
        "sortable": {c.key: c.key in shape.listing.sorts for c in spec.columns},
    }
    template = "web/records.html#rows" if is_htmx(request) else "web/records.html"
    return render(request, template, context)
