"""Pages of the transfer app: templates, uploads and their preview, exports, IATI."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from duikou import policy
from duikou.core.money import unit_from
from duikou.web.once import submitted_once

from . import selectors, services
from .conf import setting
from .exporters import FORMATS, export_response, export_title
from .forms import UploadForm
from .iati import (
    iati_for_user,
    iati_organisation_for_user,
    publisher_for_user,
    publishers_for_user,
)
from .kinds import KINDS, kind_get
from .readers import FileRefused, size_refusal
from .workbooks import template_build


def _require_writer(user) -> None:
    scope = policy.scope_for(user)
    if not (scope.writes_all or scope.write_org_ids):
        raise PermissionDenied("只读角色不能导入数据")


def _require_kind_access(user, kind) -> None:
    if kind.personal and not policy.can_see_personal_data(user):
        raise PermissionDenied("无权查看人员个人信息")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    kinds = selectors.kinds_for_user(user=request.user)
    records = selectors.import_record_list_for_user(user=request.user)[:20]
    return render(
        request,
        "transfer/index.html",
        {
            "kinds": kinds,
            "records": records,
            "form": UploadForm(),
            "publishers": publishers_for_user(user=request.user),
        },
    )


@login_required
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    """The import template of one kind; drop-downs list what the user may name in it."""
    spec = kind_get(kind)
    _require_kind_access(request.user, spec)
    options = selectors.template_options(user=request.user, kind=spec.key)
    content = template_build(spec, options=options)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from .exporters import _disposition

    response["Content-Disposition"] = _disposition(
        f"{spec.label}导入模板.xlsx", f"{kind.replace('_', '-')}-template.xlsx"
    )
    return response


@login_required
def export(request: HttpRequest, kind: str, format: str) -> HttpResponse:
    """A list as XLSX or CSV, with the list page's filters; large lists go to the worker."""
    spec = kind_get(kind)
    _require_kind_access(request.user, spec)
    if format not in FORMATS:
        format = "xlsx"
    filters = {k: v for k, v in request.GET.items() if k in spec.filters}
    queryset = selectors.record_list_for_user(user=request.user, kind=kind, filters=filters)
    if queryset.count() > setting("DUIKOU_EXPORT_SYNC_ROWS"):
        job = services.export_start(user=request.user, kind=kind, filters=filters, format=format)
        return redirect("jobs:detail", pk=job.pk)
    rows = selectors.export_rows_for_user(user=request.user, kind=kind, filters=filters)
    today = f"{timezone.localdate():%Y%m%d}"
    unit = unit_from(request.GET.get("unit"))
    columns = selectors.export_columns(kind, unit=unit)
    has_money = any(c.type == "amount" for c in spec.columns)
    return export_response(
        rows,
        columns,
        f"{spec.label}-{today}",
        format,
        fallback=f"{kind.replace('_', '-')}-{today}",
        title=export_title(spec.label, unit=unit if has_money else ""),
    )


@login_required
@submitted_once
def upload(request: HttpRequest) -> HttpResponse:
    _require_writer(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, initial=request.GET)
    error = ""
    if request.method == "POST" and form.is_valid():
        spec = KINDS[form.cleaned_data["kind"]]
        _require_kind_access(request.user, spec)
        handle = form.cleaned_data["file"]
        limit = setting("DUIKOU_IMPORT_MAX_BYTES")
        if handle.size > limit:
            error = size_refusal(handle.size, limit)
        else:
            try:
                record = services.import_upload(
                    user=request.user, kind=spec.key, file_name=handle.name, data=handle.read()
                )
            except FileRefused as refused:
                error = str(refused)
            else:
                if record.status == record.Status.UPLOADED:
                    services.import_start(record=record, commit=False, actor=request.user)
                return redirect("transfer:import_detail", pk=record.pk)
    status = 400 if error or form.errors else 200
    return render(request, "transfer/upload.html", {"form": form, "error": error}, status=status)


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    records = selectors.import_record_list_for_user(user=request.user)[:200]
    return render(request, "transfer/imports.html", {"records": records})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview: every problem with its row and column, the counts, and the commit button.
    While the worker runs, htmx polls the ``status`` fragment."""
    record = selectors.get_import_for_user(user=request.user, pk=pk)
    template = (
        "transfer/import_detail.html#status"
        if request.headers.get("HX-Request")
        else "transfer/import_detail.html"
    )
    return render(request, template, _detail_context(record))


def _detail_context(record, **extra) -> dict:
    """The preview page: the mapping as proposed (or confirmed), every row as it will be
    stored with its warnings, skipped rows and the totals of the money columns."""
    kind = KINDS.get(record.kind)
    mapping = record.mapping or {}
    columns = [c for c in kind.input_columns()] if kind else []
    choices = [(c.key, c.header) for c in columns]
    notes_by_row: dict = {}
    for note in record.notes:
        notes_by_row.setdefault(note.get("line"), []).append(note)
    # Values found for the file as a whole may fill a field that is no column of the kind
    # (the reporting organisation of fund transactions); they are named all the same.
    headers = {"donor_org": "填报单位", **{c.key: c.header for c in columns}}
    rows = [
        {
            **r,
            "cells": [(headers.get(k, k), v) for k, v in r.get("shown", {}).items()],
            "notes": notes_by_row.get(r["row"], []),
        }
        for r in record.preview[:500]
    ]
    missing = [(k, headers.get(k, k)) for k in mapping.get("missing", [])]
    words = [
        (key, headers.get(key, key), word, code, kind.column(key).choices.choices)
        for key, found in mapping.get("values", {}).items()
        for word, code in found.items()
        if kind and kind.column(key) is not None
    ]
    return {
        "record": record,
        "kind": kind,
        "job": record.job,
        "mapping": mapping,
        "choices": choices,
        "constants": [
            (k, headers.get(k, k), v, mapping.get("derived", {}).get(k, ""))
            for k, v in mapping.get("constants", {}).items()
        ],
        "rules": [
            (headers.get(k, k), how)
            for k, how in mapping.get("derived", {}).items()
            if k not in mapping.get("constants", {})
        ],
        "missing": missing,
        "words": words,
        "rows": rows,
        "totals": [(headers.get(k, k), v) for k, v in (record.totals or {}).items()],
        "file_notes": notes_by_row.get(None, []),
        **extra,
    }


def _own_import(request: HttpRequest, pk: int, refusal: str):
    """An import the user uploaded (and, as a writer, may change), or 403/404."""
    _require_writer(request.user)
    record = selectors.get_import_for_user(user=request.user, pk=pk)
    if record.uploaded_by_id != request.user.pk:
        raise PermissionDenied(refusal)
    return record


def _refused(request: HttpRequest, record, error: ValidationError) -> HttpResponse:
    """The import page again, saying why the step was refused (its state moved on)."""
    context = _detail_context(record, error=error.messages[0])
    return render(request, "transfer/import_detail.html", context, status=409)


@login_required
@require_POST
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """The user's confirmation or changes of the proposed mapping; the check runs again."""
    record = _own_import(request, pk, "只能修改自己上传的文件的对应关系")
    columns = {
        int(name.removeprefix("col-")): value or None
        for name, value in request.POST.items()
        if name.startswith("col-") and name.removeprefix("col-").isdigit()
    }
    constants = {
        name.removeprefix("set-"): value
        for name, value in request.POST.items()
        if name.startswith("set-")
    }
    values: dict = {}
    for name, value in request.POST.items():
        if name.startswith("word-") and value:
            key, _, word = name.removeprefix("word-").partition(":")
            values.setdefault(key, {})[word] = value
    try:
        record = services.import_remap(
            record=record,
            user=request.user,
            sheet=request.POST.get("sheet") or None,
            columns=columns,
            constants=constants,
            values=values,
            clear_blanks=request.POST.get("clear_blanks") == "on",
            submit=request.POST.get("submit") == "on",
        )
        if record.status == record.Status.UPLOADED:
            services.import_start(record=record, commit=False, actor=request.user)
    except ValidationError as error:
        return _refused(request, record, error)
    return redirect("transfer:import_detail", pk=record.pk)


@login_required
@require_POST
def import_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check an upload again (after an interrupted check, or once the worker is back)."""
    record = _own_import(request, pk, "只能检查自己上传的文件")
    try:
        services.import_start(record=record, commit=False, actor=request.user)
    except ValidationError as error:
        return _refused(request, record, error)
    return redirect("transfer:import_detail", pk=record.pk)


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _own_import(request, pk, "只能确认自己上传的文件")
    try:
        services.import_start(record=record, commit=True, actor=request.user)
    except ValidationError as error:
        return _refused(request, record, error)
    return redirect("transfer:import_detail", pk=record.pk)


@login_required
def iati(request: HttpRequest) -> HttpResponse:
    """A publisher's projects (and funded deals, when published) as IATI 2.03 activities."""
    return _iati_file(request, iati_for_user, "iati-activities")


@login_required
def iati_organisation(request: HttpRequest) -> HttpResponse:
    """A publisher's IATI 2.03 organisation file (yearly budgets and expenditure)."""
    return _iati_file(request, iati_organisation_for_user, "iati-organisation")


def _iati_file(request: HttpRequest, build, name: str) -> HttpResponse:
    code = request.GET.get("publisher", "").strip()
    try:
        publisher = publisher_for_user(user=request.user, code=code)
    except ValidationError as error:
        messages = [m for ms in error.message_dict.values() for m in ms]
        # Another office's file is forbidden (403); a missing choice or identifier is a bad
        # request the user can mend (400).
        forbidden = any(e.code == "forbidden" for es in error.error_dict.values() for e in es)
        return render(
            request,
            "transfer/iati_refused.html",
            {"refusals": messages},
            status=403 if forbidden else 400,
        )
    response = HttpResponse(
        build(user=request.user, publisher=publisher), content_type="application/xml"
    )
    if request.GET.get("download"):
        filename = f"{name}-{publisher.code}.xml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
