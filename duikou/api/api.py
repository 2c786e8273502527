"""The JSON API (/api/v1/), with its OpenAPI 3 document at /api/v1/openapi.json.

Every record kind of ``transfer.kinds`` gets list, read, create and (where the domain
has an update service) change operations. Reads go through the same scoped selectors
as the pages; writes read their fields like an import row and call the same services.
A project's documents are listed (metadata only) and downloaded as on the project page.
Refusals come back as 422 with the Chinese message of each field; objects outside the
user's scope are 404; read-only roles get 403 on writes.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from ninja import Field, Header, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from ninja.security import HttpBearer
from pydantic import ConfigDict, PlainValidator, WithJsonSchema, create_model
from pydantic_core import PydanticCustomError

from duikou import policy
from duikou.core import filetypes
from duikou.core.errors import ConflictError
from duikou.core.filetypes import attachment_disposition
from duikou.projects.models import DocumentKind
from duikou.projects.selectors import (
    get_project_document_for_user,
    get_project_for_user,
    project_document_content,
    project_document_list_for_user,
)
from duikou.transfer.kinds import ABOUT, KINDS, Column, Kind, Resolver
from duikou.transfer.selectors import record_list_for_user
from duikou.transfer.services import Problem, problems_from, row_read
from duikou.transfer.services import _value_comment as value_comment

from .errors import validation_message
from .filters import (
    LISTINGS,
    Listing,
    Refused,
    boolean_filter,
    choice_filter,
    filtered_list,
    page_links,
)
from .middleware import server_error
from .services import TokenExpired, api_token_authenticate

SOURCE = "接口"
MAX_ID = 2**62
NO_NUL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


class TokenExpiredError(AuthenticationError):
    """401 whose body says the token has expired (and since when)."""


class TokenAuth(HttpBearer):
    """``Authorization: Bearer dk_…``; tokens come from /api/tokens/ or ``duikou api_token``.

    A read-only token is refused here, once for every route, on any method but GET, HEAD
    and OPTIONS (403), before the route reads its body or writes anything."""

    def authenticate(self, request, token: str):
        try:
            record = api_token_authenticate(raw=token)
        except TokenExpired as expired:
            raise TokenExpiredError(message=str(expired)) from None
        if record is None:
            return None
        request.user = record.user
        request.auth_read_only = record.read_only
        if record.read_only and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise PermissionDenied("只读令牌不能修改数据，请使用可写的令牌")
        return record.user


# Tags and operation ids are ASCII, so that a generated client gets importable modules and
# functions (api.projects.projects_list); the Chinese names are the tags' descriptions and
# the operations' summaries. The title gives the client its package name (duikou-api-client).
TAG_DESCRIPTIONS = {
    **{kind.key: kind.label for kind in KINDS.values()},
    "values": "指标值：填报、更正，以及提交、审核通过、退回、解锁",
    "project_documents": "项目文档",
    "imports": "导入",
}

api = NinjaAPI(
    title="Duikou API",
    version="1",
    description="对口（Duikou）援疆台账与成效数据接口。字段与导入模板一致；金额单位为元。"
    "出错时一律返回 JSON：detail 为中文说明，errors 列出出错的字段（field）及原因（message）。",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
    openapi_extra={
        "tags": [{"name": name, "description": text} for name, text in TAG_DESCRIPTIONS.items()]
    },
)


class FieldError(Schema):
    field: str = Field(description="字段名")
    column: str = Field("", description="中文列名")
    line: int | None = None
    message: str


class Error(Schema):
    """Every refusal and failure: a Chinese message and the fields at fault, if any."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "detail": "数据未通过检查",
                    "errors": [
                        {
                            "field": "value",
                            "column": "数值",
                            "line": None,
                            "message": "“abc”不是数字",
                        }
                    ],
                },
                {"detail": "援疆项目不存在或无权查看", "errors": []},
            ]
        }
    )

    detail: str = Field(description="中文说明")
    errors: list[FieldError] = Field([], description="出错的字段及原因；与字段无关时为空")


# 414: an address longer than the HTTP server takes (gunicorn: 4,094 bytes of request line)
# is refused before it reaches the site, with the server's own page.
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 414: Error, 422: Error}


def _error(request, status: int, detail: str, errors: list | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(NinjaValidationError)
def _invalid_request(request, exc):
    errors = [
        {
            "field": _field_path(e.get("loc", [])),
            "message": validation_message(e),
        }
        for e in exc.errors
    ]
    return _error(request, 422, "请求参数有误", errors)


def _field_path(loc) -> str:
    """The field as the client wrote it: ``status`` for a query, ``value`` for a body field
    (not ``payload.value``): the source and the parameter's own name are left off."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("query", "body", "path", "header", "cookie"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in ("payload", "filters"):
        parts = parts[1:]
    return ".".join(parts)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    if isinstance(exc, TokenExpiredError):
        response = _error(request, 401, str(exc))
    else:
        response = _error(request, 401, "缺少有效的接口令牌（Authorization: Bearer …）")
    response["WWW-Authenticate"] = 'Bearer realm="duikou"'
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if exc.status_code == 400:
        return _error(
            request, 400, "请求体不是有效的 JSON", [{"field": "body", "message": "无法解析请求体"}]
        )
    return _error(request, exc.status_code, str(exc) or "请求有误")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, str(exc) or "无权进行此操作")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, str(exc) or "不存在或无权查看")


@api.exception_handler(DjangoValidationError)
def _refused(request, exc):
    return _error(request, 422, "数据未通过检查", _field_errors(exc, None))


@api.exception_handler(Exception)
def _failed(request, exc):
    if isinstance(exc, (SuspiciousOperation, BadRequest, MultiPartParserError)):
        # A body too large or not readable: Django answers 400 and logs it as a security
        # event; ApiErrorMiddleware gives the answer the API's shape.
        raise exc
    # Anything else no handler above knows is a fault of the server, whatever DEBUG says.
    return server_error(request, exc)


def _field_errors(exc: DjangoValidationError, kind: Kind | None) -> list[dict]:
    problems = (
        problems_from(exc, kind, None) if kind else [Problem(None, "", m) for m in exc.messages]
    )
    return [_problem(p, kind) for p in problems]


def _problem(problem: Problem, kind: Kind | None) -> dict:
    column = None
    if kind is not None:
        column = next((c for c in kind.columns if c.header == problem.header), None)
    return {
        "field": column.key if column else "",
        "column": problem.header,
        "line": problem.line,
        "message": problem.message,
    }


# Schemas from the kinds' columns --------------------------------------------------------


def _figure(raw):
    """A JSON number, or a text for ``transfer.cells.number`` to read as the importer reads
    a cell (1.2万, 3亿, 1,200, full-width digits, 4200余); one error, at the field, if neither."""
    if isinstance(raw, str):
        if len(raw) > 40:
            raise PydanticCustomError("figure", "不能超过40个字")
        return raw
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if not number.is_finite() or abs(number) > Decimal("1e18"):
            raise PydanticCustomError("figure", "数值超出范围")
        return number
    raise PydanticCustomError("figure", "应为数字，或“1.2万”这样的文字")


NUMBER_IN = Annotated[
    Decimal | str,
    PlainValidator(_figure),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "maxLength": 40}]}),
]


def _in_type(column: Column):
    if column.type == "number":
        return NUMBER_IN
    if column.type == "choice":
        return Literal[tuple(column.choices.values)]
    if column.type == "int":
        return int
    if column.type == "date":
        return date
    if column.type == "bool":
        return bool
    if column.type == "decimal":
        return Decimal
    return str


def _out_type(column: Column):
    if column.type == "int":
        return int
    if column.type == "date":
        return date
    if column.type == "bool":
        return bool
    return str


def _field(column: Column, *, required: bool):
    extra: dict[str, Any] = {
        "description": column.header + (f"；{column.help}" if column.help else "")
    }
    if column.type == "int":
        extra.update(ge=0, le=2_000_000_000)
    elif column.type == "decimal":
        extra.update(ge=Decimal("-1e18"), le=Decimal("1e18"), decimal_places=4)
    elif column.type == "number":
        extra["examples"] = [12000, "1.2万"]
    elif column.type in ("text", "ref", "region", "org", "amount", "period"):
        extra["pattern"] = NO_NUL
        extra["max_length"] = column.max_length or 2000
    return Field(... if required else None, **extra)


_SCHEMAS: dict[str, tuple] = {}


def _schemas(kind: Kind):
    """The kind's out, create, patch and page schemas, built once (the OpenAPI document
    names each once)."""
    if kind.key not in _SCHEMAS:
        _SCHEMAS[kind.key] = _schemas_build(kind)
    return _SCHEMAS[kind.key]


def _schemas_build(kind: Kind):
    name = "".join(part.title() for part in kind.key.split("_"))
    out_fields: dict[str, Any] = {"id": (int, ...), "version": (int, ...)}
    for column in kind.columns:
        out_fields[column.key] = (_out_type(column) | None, None)
    create_fields, patch_fields = {}, {}
    for column in kind.input_columns():
        typ = _in_type(column)
        create_fields[column.key] = (
            typ if column.required else typ | None,
            _field(column, required=column.required),
        )
        patch_fields[column.key] = (typ | None, _field(column, required=False))
    patch_fields["version"] = (
        int | None,
        Field(None, ge=1, le=2_000_000_000, description="读取时的版本号（或用 If-Match 头）"),
    )
    out = create_model(f"{name}Out", __base__=Schema, **out_fields)
    create = create_model(f"{name}In", __base__=Schema, **create_fields)
    patch = create_model(f"{name}Patch", __base__=Schema, **patch_fields)
    page = create_model(
        f"{name}Page",
        __base__=Schema,
        count=(int, ...),
        items=(list[out], ...),
        next=(str | None, Field(None, description="下一页的完整地址，没有下一页时为 null")),
        previous=(str | None, Field(None, description="上一页的完整地址，没有上一页时为 null")),
    )
    conflict = create_model(
        f"{name}Conflict",
        __base__=Schema,
        detail=(str, ...),
        errors=(list[FieldError], []),
        current=(out, Field(..., description="当前记录")),
    )
    return out, create, patch, page, conflict


def list_query(listing: Listing, name: str):
    """The list's query parameters as documented: its own filters (``api.filters``) and
    the page; ``api.filters.filtered_list`` reads and checks them. ``name`` names the
    schema in the document (``Projects`` → ``ProjectsFilters``)."""
    fields: dict[str, Any] = {
        "limit": (
            int,
            Field(listing.default_limit, ge=1, le=500, description="每页条数"),
        ),
        "offset": (int, Field(0, ge=0, le=10_000_000, description="跳过条数")),
        "ordering": (
            str | None,
            Field(
                None,
                max_length=20,
                description="排序："
                + "、".join(listing.orderings)
                + f"；默认 {listing.default_ordering}",
            ),
        ),
    }
    for spec in listing.filters:
        # One example, as the parameter's `example` (a parameter's `examples` must be a map
        # of Example objects, which generated clients validate).
        extra: dict[str, Any] = (
            {"json_schema_extra": {"example": spec.example}} if spec.example else {}
        )
        if spec.boolean:
            fields[spec.param] = (bool | None, Field(None, description=spec.description))
            continue
        if spec.bounds:
            low, high = spec.bounds
            fields[spec.param] = (
                int | None,
                Field(None, ge=low, le=high, description=spec.description, **extra),
            )
            continue
        fields[spec.param] = (
            str | None,
            Field(None, max_length=100, description=spec.description, **extra),
        )
    return create_model(f"{name}Filters", __base__=Schema, **fields)


def _list_filters(kind: Kind):
    name = "".join(part.title() for part in kind.key.split("_"))
    return list_query(LISTINGS[kind.key], name)


def list_page(request, listing: Listing, query, row, **given) -> Any:
    """One page of a declared list: ``count``, ``items`` (``row(record)``) and the links,
    or 422 naming each parameter the list does not take or cannot read. ``query`` is the
    parsed ``list_query`` schema (limit and offset already checked); ``given`` go to the
    selector as they are (what the path names)."""
    params = {key: request.GET.get(key, "") for key in request.GET}
    try:
        qs = filtered_list(user=request.user, listing=listing, params=params, given=given)
    except Refused as refused:
        return Status(422, {"detail": "查询参数有误", "errors": refused.errors})
    count = qs.count()
    items = list(qs[query.offset : query.offset + query.limit])
    return {
        "count": count,
        "items": [row(o) for o in items],
        **page_links(request, query.offset, query.limit, count),
    }


# Operations ------------------------------------------------------------------------------


def _require_writer(user) -> None:
    scope = policy.scope_for(user)
    if not (scope.writes_all or scope.write_org_ids):
        raise PermissionDenied("只读角色不能修改数据")


def _get(kind: Kind, user, pk: int):
    obj = record_list_for_user(user=user, kind=kind.key).filter(pk=pk).first()
    if obj is None:
        raise Http404(f"{kind.label}不存在或无权查看")
    return obj


def _read(kind: Kind, payload: dict, user) -> tuple[dict, list[dict]]:
    # A JSON number reaches the cell reader as plain digits (1E+4 is not how a cell reads).
    raw = {k: (format(v, "f") if isinstance(v, Decimal) else v) for k, v in payload.items()}
    values, problems, _notes = row_read(kind, raw, Resolver(user))
    # A figure with its own 万/亿 for an indicator counted in 万 or 亿 is refused while the
    # row is read (results.services.figure_ambiguity, as in imports).
    errors = [_problem(p, kind) for p in problems]
    return values, errors


def _unit_in_figure(values: dict, given: dict, errors: list[dict]) -> list[dict]:
    """A unit written in the figure itself ("1.2万吨") that the indicator does not take is
    the figure's error, not the unit field's (which the client left out)."""
    number = values.get("value")
    if not getattr(number, "unit", "") or values.get("unit"):
        return errors
    raw = given.get("value")
    raw = format(raw, "f") if isinstance(raw, Decimal) else raw
    return [
        {**e, "field": "value", "column": "数值", "message": f"数值“{raw}”：{e['message']}"}
        if e["field"] == "unit"
        else e
        for e in errors
    ]


def _register(kind: Kind) -> None:
    out, create, patch, page, conflict = _schemas(kind)
    base = f"/{kind.key}"
    tags = [kind.key]

    @api.get(
        base,
        response={200: page, **ERRORS},
        operation_id=f"{kind.key}_list",
        tags=tags,
        summary=f"{kind.label}列表",
        description="只接受下列参数；其他参数或读不懂的值返回 422。默认按 id 排序。",
    )
    def listing(request, filters: Query[_list_filters(kind)]):
        return list_page(request, LISTINGS[kind.key], filters, kind.api_row)

    @api.get(
        base + "/{id}",
        response={200: out, **ERRORS},
        operation_id=f"{kind.key}_get",
        tags=tags,
        summary=f"读取一条{kind.label}",
    )
    def read(request, response: HttpResponse, id: int = Path(..., ge=1, le=MAX_ID)):
        obj = _get(kind, request.user, id)
        response["ETag"] = _etag(obj)
        return kind.api_row(obj)

    @api.post(
        base,
        response={201: out, **ERRORS},
        operation_id=f"{kind.key}_create",
        tags=tags,
        summary=f"新建{kind.label}",
    )
    def add(request, payload: create):
        _require_writer(request.user)
        given = payload.dict(exclude_unset=True)
        values, errors = _read(kind, given, request.user)
        if errors:
            return Status(422, {"detail": "数据未通过检查", "errors": errors})
        owner = kind.values_owner(values)
        if owner is not None and not policy.can_write_for_org(request.user, owner.pk):
            raise PermissionDenied(f"您无权为“{owner.name}”填报数据")
        try:
            with transaction.atomic():
                obj = _create(kind, values, request.user)
        except DjangoValidationError as error:
            errors = _unit_in_figure(values, given, _field_errors(error, kind))
            return Status(422, {"detail": "数据未通过检查", "errors": errors})
        return Status(201, kind.api_row(_get(kind, request.user, obj.pk)))

    if kind.append_only:
        return

    @api.patch(
        base + "/{id}",
        response={200: out, 409: conflict, 428: Error, **ERRORS},
        operation_id=f"{kind.key}_update",
        tags=tags,
        summary=f"修改{kind.label}",
        description="须带上读取时的版本：请求体的 version 字段，或 If-Match 头（读取时的 ETag）。"
        "版本已过期时返回 409 和当前记录。",
    )
    def change(
        request,
        response: HttpResponse,
        payload: patch,
        id: int = Path(..., ge=1, le=MAX_ID),
        if_match: str | None = Header(None, alias="If-Match", max_length=100),
    ):
        _require_writer(request.user)
        obj = _get(kind, request.user, id)
        if not policy.can_write_for_org(request.user, kind.owner_id(obj)):
            raise PermissionDenied(f"无权修改该{kind.label}")
        given = payload.dict(exclude_unset=True)
        version = _version_given(given.pop("version", None), if_match)
        if version is None:
            return Status(428, {"detail": VERSION_REQUIRED, "errors": []})
        given = {k: v for k, v in given.items() if v is not None}
        for column in kind.input_columns():  # a change names what it changes; the rest stays
            if column.key not in given and (column.key in kind.natural_key or column.type == "ref"):
                given[column.key] = kind.api_value(obj, column)
        values, errors = _read(kind, given, request.user)
        if errors:
            return Status(422, {"detail": "数据未通过检查", "errors": errors})
        try:
            with transaction.atomic():
                # The row stays locked from this check to the write: nobody saves between.
                kind.model.objects.select_for_update().get(pk=obj.pk)
                obj = _get(kind, request.user, id)
                if obj.version != version:
                    raise ConflictError(entity=kind.label, expected=version, current=obj.version)
                obj = _change(kind, obj, values, request.user)
        except ConflictError as error:
            current = _get(kind, request.user, id)
            response["ETag"] = _etag(current)
            return Status(
                409, {"detail": error.messages[0], "errors": [], "current": kind.api_row(current)}
            )
        except DjangoValidationError as error:
            errors = _unit_in_figure(values, given, _field_errors(error, kind))
            return Status(422, {"detail": "数据未通过检查", "errors": errors})
        obj = _get(kind, request.user, obj.pk)
        response["ETag"] = _etag(obj)
        return Status(200, kind.api_row(obj))


VERSION_REQUIRED = (
    "修改须带上读取时的版本号：请求体中的 version 字段，或 If-Match 头（读取时返回的 ETag）"
)


def _etag(obj) -> str:
    return f'"{obj.version}"'


def _version_given(body_version: int | None, if_match: str | None) -> int | None:
    """The version the client read: the body's ``version`` or the ``If-Match`` ETag."""
    if body_version is not None:
        return body_version
    if if_match is None:
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 12:
        raise NinjaValidationError(
            [{"loc": ["header", "If-Match"], "msg": f"If-Match “{if_match}”不是本接口的 ETag"}]
        )
    return int(text)


def _create(kind: Kind, values: dict, user):
    if kind.key == "values":
        from duikou.results.services import value_save

        number = values["value"]
        return value_save(
            indicator=values["indicator"],
            org=values["org"],
            period=values["period"],
            value=_exact(number.value),
            region=values.get("region"),
            unit=values.get("unit") or number.unit or None,
            disaggregation=values.get("disaggregation", ""),
            # "约3000" or "4200余" is stored as 3000 or 4200 and said to be approximate, as an
            # import says it.
            comment=value_comment(values, number),
            about=next((values[k] for k in ABOUT if values.get(k) is not None), None),
            actor=user,
        )
    return kind.create(values, actor=user, source=SOURCE)


def _change(kind: Kind, obj, values: dict, user):
    if kind.key == "values":
        from duikou.results.periods import Period
        from duikou.results.services import value_save

        frozen = [k for k in (*kind.natural_key, *ABOUT) if k in values and k != "period"]
        if "period" in values and values["period"] != Period(obj.period_start, obj.period_end):
            frozen.append("period")
        frozen = [
            k
            for k in frozen
            if k == "period"
            or getattr(values[k], "pk", values[k])
            != getattr(getattr(obj, k), "pk", getattr(obj, k))
        ]
        if frozen:
            raise DjangoValidationError({k: "不能修改，请删除后重新填报" for k in frozen})
        number = values.get("value")
        return value_save(
            indicator=obj.indicator,
            org=obj.org,
            period=Period(obj.period_start, obj.period_end),
            value=_exact(number.value) if number is not None else obj.value,
            region=obj.region,
            unit=(values.get("unit") or (number.unit if number is not None else "")) or None,
            disaggregation=obj.disaggregation,
            comment=value_comment({"comment": values.get("comment", obj.comment)}, number)
            if number is not None
            else values.get("comment", obj.comment),
            version=values.get("version") or obj.version,
            about=next((getattr(obj, k) for k in ABOUT if getattr(obj, f"{k}_id")), None),
            actor=user,
        )
    for key in kind.natural_key:
        if key in values and _differs(values[key], kind.current(obj, kind.column(key))):
            raise DjangoValidationError({key: "识别字段不能修改"})
    changes, frozen = kind.changes(obj, values)
    if frozen:
        raise DjangoValidationError({k: "不能通过接口修改，请在页面操作" for k in frozen})
    if not changes:
        return obj
    return kind.update(obj, changes, actor=user, source=SOURCE)


def _exact(number: Decimal) -> Decimal:
    """1.23456万 is read as 12345.60000: the same number without the trailing zeros, which
    the column would count as decimal places (no rounding: ``normalize`` would round)."""
    text = format(number, "f")
    return Decimal(text.rstrip("0").rstrip(".")) if "." in text else number


def _differs(new, old) -> bool:
    from duikou.transfer.kinds import comparable

    return comparable(new) != comparable(old)


for _kind in KINDS.values():
    _register(_kind)


# Project documents -----------------------------------------------------------------------

DOCUMENT_TAGS = ["project_documents"]
# What a stored document can be: ``core.filetypes`` decides it at upload.
DOCUMENT_TYPES = sorted(
    {
        *(t.content_type for t in (filetypes.PDF, filetypes.OFD, filetypes.JPEG, filetypes.PNG)),
        *(t.content_type for t in (*filetypes.OOXML.values(), *filetypes.OLE.values())),
        *filetypes.TEXT.values(),
    }
)


class DocumentOut(Schema):
    id: int
    project: int = Field(description="项目ID")
    title: str = Field(description="标题")
    kind: Literal[tuple(DocumentKind.values)] = Field(
        description="类别：" + "、".join(f"{v}={label}" for v, label in DocumentKind.choices)
    )
    file_name: str = Field(description="文件名")
    size: int = Field(description="大小（字节）")
    content_type: str = Field(description="文件类型")
    sha256: str = Field(description="SHA-256校验值")
    note: str = Field(description="备注")
    uploaded_at: datetime = Field(description="上传时间")
    uploaded_by: str | None = Field(description="上传人")
    removed: bool = Field(description="已删除")
    removed_at: datetime | None = Field(description="删除时间")
    removed_by: str | None = Field(description="删除人")
    removed_reason: str = Field(description="删除原因")
    version: int
    download_url: str = Field(description="下载地址")


class DocumentPage(Schema):
    count: int
    items: list[DocumentOut]
    next: str | None = Field(None, description="下一页的完整地址，没有下一页时为 null")
    previous: str | None = Field(None, description="上一页的完整地址，没有上一页时为 null")


def _documents(user, project_pk: int, removed: bool = False):
    if removed and not policy.can_read_history(user):
        raise PermissionDenied("无权查看已删除的文档")
    return project_document_list_for_user(user=user, project_pk=project_pk, removed=removed)


DOCUMENTS = Listing(
    "project_documents",
    queryset=_documents,
    filters=(
        boolean_filter(
            "removed",
            "为 true 时列出已删除的文档（仅国家援疆办和审计人员可查看）",
            selector="removed",
        ),
        choice_filter("kind", "类别", DocumentKind),
    ),
    orderings={
        "-uploaded_at": ("-uploaded_at", "-pk"),
        "uploaded_at": ("uploaded_at", "pk"),
        "id": ("pk",),
        "-id": ("-pk",),
    },
    default_ordering="-uploaded_at",
)


def who(user) -> str | None:
    # As the project page shows people (``who``): the display name, or the user name.
    return (user.first_name or user.username) if user is not None else None


def _document_row(request, document) -> dict:
    url = reverse("api:project_document_download", kwargs={"id": document.pk})
    return {
        "id": document.pk,
        "project": document.project_id,
        "title": document.title,
        "kind": document.kind,
        "file_name": document.file_name,
        "size": document.size,
        "content_type": document.content_type,
        "sha256": document.sha256,
        "note": document.note,
        "uploaded_at": document.uploaded_at,
        "uploaded_by": who(document.uploaded_by),
        "removed": document.removed,
        "removed_at": document.removed_at,
        "removed_by": who(document.removed_by),
        "removed_reason": document.removed_reason,
        "version": document.version,
        "download_url": request.build_absolute_uri(url),
    }


@api.get(
    "/projects/{id}/documents",
    response={200: DocumentPage, **ERRORS},
    operation_id="project_documents_list",
    tags=DOCUMENT_TAGS,
    summary="项目的文档列表",
    description="文档的说明信息，不含文件内容；内容从 download_url 下载。已删除的文档不在列表中，"
    "国家援疆办和审计人员可用 removed=true 列出。只接受下列参数；其他参数或读不懂的值返回 422。"
    "默认按上传时间从新到旧排序。",
)
def project_documents(
    request,
    filters: Query[list_query(DOCUMENTS, "ProjectDocuments")],
    id: int = Path(..., ge=1, le=MAX_ID),
):
    # 404 for a project the user may not see, before anything else is said about it.
    get_project_for_user(user=request.user, pk=id)
    return list_page(
        request, DOCUMENTS, filters, lambda d: _document_row(request, d), project_pk=id
    )


@api.get(
    "/project_documents/{id}/download",
    response={200: None, **ERRORS},
    operation_id="project_document_download",
    url_name="project_document_download",
    tags=DOCUMENT_TAGS,
    summary="下载项目文档",
    description="文件内容，以附件形式按原文件名（RFC 5987 filename*）下载。",
    openapi_extra={
        "responses": {
            200: {
                "description": "文件内容",
                "content": {
                    media: {"schema": {"type": "string", "format": "binary"}}
                    for media in DOCUMENT_TYPES
                },
                "headers": {
                    "Content-Disposition": {
                        "description": "attachment，含 UTF-8 文件名（filename*）",
                        "schema": {"type": "string"},
                    },
                    "X-Content-Type-Options": {"schema": {"type": "string", "enum": ["nosniff"]}},
                },
            }
        }
    },
)
def project_document_download(request, id: int = Path(..., ge=1, le=MAX_ID)):
    # Removed documents stay readable for those who read the whole history, as on the page.
    document = get_project_document_for_user(
        user=request.user, pk=id, include_removed=policy.can_read_history(request.user)
    )
    data = project_document_content(document=document)
    response = HttpResponse(data, content_type=document.content_type)
    ext = document.file_name.rsplit(".", 1)[-1] if "." in document.file_name else "bin"
    response["Content-Disposition"] = attachment_disposition(
        document.file_name, f"document-{document.pk}.{ext}"
    )
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response


# Routes kept in their own modules register themselves on ``api`` when imported.
from . import actions as _actions  # noqa: E402,F401
from . import imports as _imports  # noqa: E402,F401
from . import lists as _lists  # noqa: E402,F401
from . import reference as _reference  # noqa: E402,F401
from . import value_states as _value_states  # noqa: E402,F401
