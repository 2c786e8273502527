"""Imports through the API: the same pipeline as the page and ``duikou import``.

Upload a spreadsheet (the check runs at once, or in the worker for large files), read the
proposed mapping and every row as it will be stored, change the mapping, then commit. The
document returned is the command line's: ``transfer.selectors.import_document``.
"""

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, File, Form, Path, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from duikou.transfer.kinds import KINDS
from duikou.transfer.mapping import header_key
from duikou.transfer.models import ImportRecord
from duikou.transfer.readers import FileRefused
from duikou.transfer.selectors import get_import_for_user, import_document
from duikou.transfer.services import import_remap, import_start, import_upload

from .api import ERRORS, MAX_ID, _require_writer, api

TAGS = ["imports"]
KIND_KEYS = tuple(sorted(KINDS))


class ImportRow(Schema):
    row: int = Field(description="表中的行号")
    action: Literal["create", "update", "unchanged"] = Field(description="新增、修改或未变")
    values: dict[str, Any] = Field(description="将写入的值，键与模板和接口字段一致；金额为元")
    matched: str | None = Field(None, description="按名称匹配或生成编号的说明")
    before: dict[str, Any] | None = Field(None, description="修改前的值")


class ImportSkip(Schema):
    row: int
    reason: str


class ImportNote(Schema):
    row: int | None = None
    column: str = ""
    message: str


class ImportOut(Schema):
    id: int
    kind: Literal[KIND_KEYS] = Field(description="数据类型")
    status: Literal[tuple(ImportRecord.Status.values)] = Field(
        description="状态：" + "、".join(f"{v}={label}" for v, label in ImportRecord.Status.choices)
    )
    committed: bool
    sheet: str = Field(description="所用工作表")
    sheets: list[str] = Field(description="文件中的工作表")
    mapping: dict[str, str] = Field(description="表头 → 字段")
    periods: dict[str, str] = Field(description="宽表：表头 → 期间")
    ignored: list[str] = Field(description="未导入的列")
    constants: dict[str, str] = Field(description="所有行共用的值（字段 → 值）")
    derived: dict[str, str] = Field(description="按规则得出的字段及依据")
    values_map: dict[str, dict[str, str]] = Field(description="选项对应：字段 → 表中写法 → 选项")
    skipped: list[ImportSkip]
    rows: list[ImportRow]
    counts: dict[str, int]
    totals: dict[str, str] = Field(description="金额列合计（元）")
    warnings: list[ImportNote]
    problems: list[ImportNote]


class MappingIn(Schema):
    sheet: str | None = Field(None, max_length=128, description="改用另一个工作表")
    columns: dict[str, str | None] = Field(
        default_factory=dict, description="表头 → 字段（键、中文列名或同义写法）；空为不导入"
    )
    constants: dict[str, str] = Field(
        default_factory=dict, description="列名 → 所有行共用的值（文件中没有的列）"
    )
    values: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="列名 → {表中写法: 选项}"
    )
    clear_blanks: bool | None = Field(None, description="空单元格清空已有值")
    submit: bool | None = Field(None, description="指标值导入后直接提交审核（默认为草稿）")


def _own(request, id: int) -> ImportRecord:
    record = get_import_for_user(user=request.user, pk=id)
    if record.uploaded_by_id != request.user.pk:
        raise PermissionDenied("只能操作自己上传的文件")
    return record


def _key(kind, name: str, what: str) -> str:
    key = header_key(kind, name)
    if key is None:
        raise DjangoValidationError({what: f"没有“{name}”这一列"})
    return key


@api.post(
    "/imports",
    response={201: ImportOut, **ERRORS},
    operation_id="imports_create",
    tags=TAGS,
    summary="上传并检查一个电子表格",
    description="文件（.xlsx/.xlsm/.xls/.et/.ods/.csv）按上传用户的权限检查，不写入任何数据；"
    "返回提出的列对应、跳过的行和逐行预览。大文件在后台检查，status 为 checking，"
    "请稍后读取。",
)
def imports_create(
    request,
    # Both are required; they are read after the permission check, so a read-only caller
    # hears "not allowed" before "malformed".
    file: File[UploadedFile | None] = None,
    kind: Form[Literal[KIND_KEYS] | None] = None,
    sheet: Form[str | None] = None,
):
    _require_writer(request.user)
    if file is None or kind is None:
        missing = {"file": "请上传文件"} if file is None else {}
        missing.update({"kind": "请指定数据类型"} if kind is None else {})
        raise DjangoValidationError(missing)
    try:
        record = import_upload(
            user=request.user,
            kind=kind,
            file_name=file.name or "upload",
            data=file.read(),
            sheet=sheet or None,
        )
    except FileRefused as refused:
        raise DjangoValidationError({"file": str(refused)}) from None
    if record.status == ImportRecord.Status.UPLOADED:
        record = import_start(record=record, commit=False, actor=request.user)
    return Status(201, import_document(record=record))


@api.get(
    "/imports/{id}",
    response={200: ImportOut, **ERRORS},
    operation_id="imports_get",
    tags=TAGS,
    summary="读取一次导入",
)
def imports_get(request, id: int = Path(..., ge=1, le=MAX_ID)):
    return import_document(record=get_import_for_user(user=request.user, pk=id))


@api.post(
    "/imports/{id}/mapping",
    response={200: ImportOut, **ERRORS},
    operation_id="imports_mapping",
    tags=TAGS,
    summary="修改列的对应并重新检查",
)
def imports_mapping(request, payload: MappingIn, id: int = Path(..., ge=1, le=MAX_ID)):
    _require_writer(request.user)
    record = _own(request, id)
    kind = KINDS[record.kind]
    headers = {c["header"]: c["index"] for c in (record.mapping or {}).get("columns", [])}
    columns = {}
    for header, target in payload.columns.items():
        if header not in headers:
            raise DjangoValidationError({"columns": f"文件中没有表头“{header}”"})
        columns[headers[header]] = _key(kind, target, "columns") if target else None
    constants = {_key(kind, k, "constants"): v for k, v in payload.constants.items()}
    values = {_key(kind, k, "values"): v for k, v in payload.values.items()}
    record = import_remap(
        record=record,
        user=request.user,
        sheet=payload.sheet,
        columns=columns,
        constants=constants,
        values=values,
        clear_blanks=payload.clear_blanks,
        submit=payload.submit,
    )
    if record.status == ImportRecord.Status.UPLOADED:
        record = import_start(record=record, commit=False, actor=request.user)
    return import_document(record=record)


@api.post(
    "/imports/{id}/commit",
    response={200: ImportOut, **ERRORS},
    operation_id="imports_commit",
    tags=TAGS,
    summary="确认导入（全部写入或全部不写）",
)
def imports_commit(request, id: int = Path(..., ge=1, le=MAX_ID)):
    _require_writer(request.user)
    record = _own(request, id)
    record = import_start(record=record, commit=True, actor=request.user)
    return import_document(record=record)
