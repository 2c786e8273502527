"""Voiding records and moving them along their lifecycle through the API, as on the pages:
money rows, funds in place, sales records and unlocked values are voided (作废) with a
reason and the version read; a project changes status and a deal changes stage with a
date; a project's documents are uploaded and removed. The rules and the permission checks are
the services'; a refusal answers 422 with the field at fault, a stale version 409.
"""

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpResponse
from ninja import Field, File, Form, Header, Path, Query, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from duikou import policy
from duikou.core.errors import ConflictError
from duikou.projects.models import DocumentKind
from duikou.projects.selectors import get_project_document_for_user, get_project_for_user
from duikou.projects.services import project_document_add, project_document_remove
from duikou.transfer.kinds import KINDS

from .api import (
    DOCUMENT_TAGS,
    ERRORS,
    MAX_ID,
    VERSION_REQUIRED,
    DocumentOut,
    Error,
    _document_row,
    _etag,
    _field_errors,
    _get,
    _require_writer,
    _schemas,
    _version_given,
    api,
)


class VoidQuery(Schema):
    reason: str = Field("", max_length=2000, description="必填：作废或删除的原因")
    version: int | None = Field(
        None, ge=1, le=2_000_000_000, description="读取时的版本号（或用 If-Match 头）"
    )


def _voider(key: str):
    """The service that voids one record of ``key``, called with the record."""

    def fund_transaction(record, version, reason, actor):
        from duikou.projects.services import fund_transaction_void

        fund_transaction_void(
            record=record, version=version, reason=reason, actor=actor, source="api"
        )

    def funds_in_place(record, version, reason, actor):
        from duikou.investment.services import funds_in_place_void

        funds_in_place_void(
            record=record, version=version, reason=reason, actor=actor, source="api"
        )

    def sales_record(record, version, reason, actor):
        from duikou.exchanges.services import sales_record_void

        sales_record_void(record=record, version=version, reason=reason, actor=actor, source="api")

    def value(record, version, reason, actor):
        from duikou.results.services import value_delete

        if version is not None and record.version != version:
            raise ConflictError(entity="指标值", expected=version, current=record.version)
        value_delete(value=record, reason=reason, actor=actor)

    return {
        "fund_transactions": fund_transaction,
        "funds_in_place": funds_in_place,
        "sales_records": sales_record,
        "values": value,
    }[key]


VOIDABLE = ("fund_transactions", "funds_in_place", "sales_records", "values")


def _errors(error: DjangoValidationError, kind) -> dict:
    return {"detail": "未能完成", "errors": _field_errors(error, kind)}


def _register_void(key: str) -> None:
    kind = KINDS[key]
    verb = "删除" if key == "values" else "作废"

    @api.delete(
        f"/{key}/{{id}}",
        response={204: None, 409: Error, 428: Error, **ERRORS},
        operation_id=f"{key}_void",
        tags=[key],
        summary=f"{verb}一条{kind.label}",
        description=f"{verb}须说明原因（reason），并带上读取时的版本：查询参数 version 或 "
        "If-Match 头。记录从台账中移除，变更历史保留原值、操作人和原因。",
    )
    def void(
        request,
        query: Query[VoidQuery],
        id: int = Path(..., ge=1, le=MAX_ID),
        if_match: str | None = Header(None, alias="If-Match", max_length=100),
    ):
        _require_writer(request.user)
        record = _get(kind, request.user, id)
        if not policy.can_write_for_org(request.user, kind.owner_id(record)):
            raise PermissionDenied(f"无权{verb}该{kind.label}")
        version = _version_given(query.version, if_match)
        if version is None:
            return Status(428, {"detail": VERSION_REQUIRED, "errors": []})
        if not query.reason.strip():
            return Status(
                422,
                {
                    "detail": "未能完成",
                    "errors": [{"field": "reason", "message": f"{verb}必须说明原因"}],
                },
            )
        try:
            with transaction.atomic():
                _voider(key)(record, version, query.reason, request.user)
        except ConflictError as error:
            return Status(409, {"detail": error.messages[0], "errors": []})
        except DjangoValidationError as error:
            return Status(422, _errors(error, kind))
        return Status(204, None)


for _key in VOIDABLE:
    _register_void(_key)


# Fields the caller must give are checked after the permission check, so that a caller who
# may not write hears "not allowed" before "malformed"; their descriptions say "必填".
class TransitionIn(Schema):
    to_status: str | None = Field(
        None,
        max_length=32,
        description="必填：目标状态代码：approved（立项）、building（在建）、completed（竣工）、"
        "accepted（验收）、operating（运营）或 terminated（终止）",
    )
    on: date | None = Field(None, description="必填：状态变更日期")
    reason: str = Field("", max_length=2000, description="终止时必填")
    version: int | None = Field(None, ge=1, description="读取时的版本号（或用 If-Match 头）")


class AdvanceIn(Schema):
    to_stage: str | None = Field(
        None,
        max_length=32,
        description="必填：目标阶段代码：lead、reserve、negotiating、signed、started、"
        "producing 或 terminated",
    )
    on: date | None = Field(None, description="必填：阶段变更日期")
    reason: str = Field("", max_length=2000, description="跳过、回退或终止时必填")
    signed_amount: str | None = Field(None, max_length=40, description="转为签约时可写签约金额")
    version: int | None = Field(None, ge=1, description="读取时的版本号（或用 If-Match 头）")


PROJECT_OUT = _schemas(KINDS["projects"])[0]
DEAL_OUT = _schemas(KINDS["deals"])[0]


def _move(request, response, kind_key: str, id: int, payload, if_match, move, required):
    kind = KINDS[kind_key]
    _require_writer(request.user)
    record = _get(kind, request.user, id)
    if not policy.can_write_for_org(request.user, kind.owner_id(record)):
        raise PermissionDenied(f"无权修改该{kind.label}")
    missing = [key for key in required if getattr(payload, key) in (None, "")]
    if missing:
        errors = [{"field": key, "message": "必填"} for key in missing]
        return Status(422, {"detail": "数据未通过检查", "errors": errors})
    version = _version_given(payload.version, if_match)
    if version is None:
        return Status(428, {"detail": VERSION_REQUIRED, "errors": []})
    try:
        with transaction.atomic():
            move(record, version)
    except ConflictError as error:
        current = _get(kind, request.user, id)
        response["ETag"] = _etag(current)
        return Status(409, {"detail": error.messages[0], "errors": []})
    except DjangoValidationError as error:
        return Status(422, _errors(error, kind))
    current = _get(kind, request.user, id)
    response["ETag"] = _etag(current)
    return Status(200, kind.api_row(current))


@api.post(
    "/projects/{id}/transition",
    response={200: PROJECT_OUT, 409: Error, 428: Error, **ERRORS},
    operation_id="projects_transition",
    tags=["projects"],
    summary="变更援疆项目状态",
    description="只能变为下一状态，或说明原因后终止；日期不能早于上一次状态日期。",
)
def projects_transition(
    request,
    response: HttpResponse,
    payload: TransitionIn,
    id: int = Path(..., ge=1, le=MAX_ID),
    if_match: str | None = Header(None, alias="If-Match", max_length=100),
):
    from duikou.projects.services import project_transition

    return _move(
        request,
        response,
        "projects",
        id,
        payload,
        if_match,
        lambda record, version: project_transition(
            project=record,
            to_status=payload.to_status,
            on=payload.on,
            reason=payload.reason,
            version=version,
            actor=request.user,
        ),
        ("to_status", "on"),
    )


@api.post(
    "/deals/{id}/advance",
    response={200: DEAL_OUT, 409: Error, 428: Error, **ERRORS},
    operation_id="deals_advance",
    tags=["deals"],
    summary="变更招商项目阶段",
    description="正常为线索 → 储备 → 洽谈 → 签约 → 开工 → 投产逐级推进；"
    "跳过、回退和终止须说明原因。",
)
def deals_advance(
    request,
    response: HttpResponse,
    payload: AdvanceIn,
    id: int = Path(..., ge=1, le=MAX_ID),
    if_match: str | None = Header(None, alias="If-Match", max_length=100),
):
    from duikou.investment.services import deal_advance_stage

    return _move(
        request,
        response,
        "deals",
        id,
        payload,
        if_match,
        lambda record, version: deal_advance_stage(
            deal=record,
            to_stage=payload.to_stage,
            on=payload.on,
            reason=payload.reason,
            signed_amount=payload.signed_amount,
            version=version,
            actor=request.user,
        ),
        ("to_stage", "on"),
    )


# Project documents: uploaded and removed as on the project page --------------------------


@api.post(
    "/projects/{id}/documents",
    response={201: DocumentOut, **ERRORS},
    operation_id="project_documents_create",
    tags=DOCUMENT_TAGS,
    summary="给项目上传一份文档",
    description="multipart/form-data：file（PDF、OFD、Word、Excel、WPS、图片或文本，"
    "按内容核对类型）、kind（类别）、可选 title 和 note。与页面相同：空文件、超过大小上限、"
    "类型不允许或与扩展名不符、项目中已有同一文件时返回 422 并说明原因。",
)
def project_documents_create(
    request,
    id: int = Path(..., ge=1, le=MAX_ID),
    file: File[UploadedFile | None] = None,
    kind: Form[Literal[tuple(DocumentKind.values)]] = DocumentKind.OTHER,
    title: Form[str] = "",
    note: Form[str] = "",
):
    _require_writer(request.user)
    project = get_project_for_user(user=request.user, pk=id)
    if file is None:
        raise DjangoValidationError({"file": "请上传文件"})
    with transaction.atomic():
        document = project_document_add(
            project=project,
            upload=file,
            kind=kind,
            title=title[:200],
            note=note[:2000],
            actor=request.user,
            source="api",
        )
    return Status(201, _document_row(request, document))


@api.delete(
    "/project_documents/{id}",
    response={204: None, 409: Error, 428: Error, **ERRORS},
    operation_id="project_documents_remove",
    tags=DOCUMENT_TAGS,
    summary="删除项目的一份文档",
    description="须说明原因（reason）并带上读取时的版本（version 或 If-Match）。文档从项目的"
    "列表中去掉，记录和文件内容保留，变更历史记下操作人、时间和原因。",
)
def project_documents_remove(
    request,
    query: Query[VoidQuery],
    id: int = Path(..., ge=1, le=MAX_ID),
    if_match: str | None = Header(None, alias="If-Match", max_length=100),
):
    _require_writer(request.user)
    document = get_project_document_for_user(user=request.user, pk=id)
    version = _version_given(query.version, if_match)
    if version is None:
        return Status(428, {"detail": VERSION_REQUIRED, "errors": []})
    try:
        project_document_remove(
            document=document, reason=query.reason, version=version, actor=request.user
        )
    except ConflictError as error:
        return Status(409, {"detail": error.messages[0], "errors": []})
    return Status(204, None)
