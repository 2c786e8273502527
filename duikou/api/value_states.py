"""State changes of indicator values through the API: submit, approve, return, unlock, one by
one or in bulk, each with the version the caller saw; the rules are the services' and
``policy``'s, as on the pages."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Schema
from ninja.responses import Status

from duikou import policy
from duikou.core.errors import ConflictError
from duikou.results.selectors import value_list_for_user
from duikou.results.services import STATE_CHANGES, values_change_state
from duikou.transfer.kinds import KINDS

from .api import ERRORS, MAX_ID, Error, _require_writer, _schemas, api

TAGS = ["values"]
VALUE_OUT = _schemas(KINDS["values"])[0]


# Fields the caller must give are checked in the view, after the permission check, so that a
# read-only caller hears "not allowed" before "malformed"; the descriptions say "必填".
class StateIn(Schema):
    version: int | None = Field(None, ge=1, description="必填：您看到的版本（读取时的 version）")
    reason: str = Field("", max_length=2000, description="退回、解锁时必填的原因")


class BulkItem(Schema):
    id: int = Field(..., ge=1, le=MAX_ID)
    version: int = Field(..., ge=1)


class BulkIn(Schema):
    action: Literal[tuple(STATE_CHANGES)] | None = Field(
        None, description="必填：submit、approve、return 或 unlock"
    )
    reason: str = Field("", max_length=2000)
    items: list[BulkItem] = Field(default_factory=list, max_length=10_000, description="必填")


class BulkOut(Schema):
    count: int
    items: list[VALUE_OUT]


def _allowed(user, action: str, value) -> None:
    if action == "submit":
        if not policy.can_submit_value(user, value):
            raise PermissionDenied(f"您无权为“{value.org.name}”提交数据")
        return
    refusal = policy.value_approval_refusal(user, value)
    if refusal:
        raise PermissionDenied(refusal)


def _conflict(error: ConflictError):
    changed = "；".join(f"{k}：{v}" for k, v in error.changes.items() if v != "")
    return Status(409, {"detail": error.messages[0] + (f"（当前{changed}）" if changed else "")})


def _route(action: str, label: str):
    @api.post(
        f"/values/{{id}}/{action}",
        response={200: VALUE_OUT, 409: Error, **ERRORS},
        operation_id=f"values_{action}",
        tags=TAGS,
        summary=f"{label}一个指标值",
    )
    def change(request, payload: StateIn, id: int = Path(..., ge=1, le=MAX_ID)):
        _require_writer(request.user)
        value = get_object_or_404(value_list_for_user(user=request.user), pk=id)
        _allowed(request.user, action, value)
        if payload.version is None:
            raise DjangoValidationError({"version": "请给出您看到的版本（version）"})
        try:
            values_change_state(
                action=action,
                items=[(value, payload.version)],
                actor=request.user,
                reason=payload.reason,
            )
        except DjangoValidationError as error:
            if isinstance(getattr(error, "error_list", [None])[0], ConflictError):
                return _conflict(error.error_list[0])
            raise
        return KINDS["values"].api_row(value_list_for_user(user=request.user).get(pk=id))


for _action, _label in (
    ("submit", "提交"),
    ("approve", "审核通过"),
    ("return", "退回"),
    ("unlock", "解锁"),
):
    _route(_action, _label)


@api.post(
    "/value_states",
    response={200: BulkOut, **ERRORS},
    operation_id="values_state_bulk",
    tags=TAGS,
    summary="批量提交、审核、退回或解锁",
    description="全部成功或全部不变：任一条不能处理时不做任何改动，并列出每一条的原因。",
)
def values_state(request, payload: BulkIn):
    _require_writer(request.user)
    if payload.action is None or not payload.items:
        raise DjangoValidationError({"items": "请给出操作（action）和要处理的指标值及其版本"})
    readable = value_list_for_user(user=request.user)
    found = {v.pk: v for v in readable.filter(pk__in=[i.id for i in payload.items])}
    missing = [i.id for i in payload.items if i.id not in found]
    if missing:
        raise DjangoValidationError({"items": f"找不到或无权查看的指标值：{missing[:20]}"})
    for value in found.values():
        _allowed(request.user, payload.action, value)
    done = values_change_state(
        action=payload.action,
        items=[(found[i.id], i.version) for i in payload.items],
        actor=request.user,
        reason=payload.reason,
    )
    rows = readable.filter(pk__in=[v.pk for v in done])
    return {"count": len(done), "items": [KINDS["values"].api_row(v) for v in rows]}
