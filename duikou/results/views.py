"""Pages for reporting values: the entry grid and the approval queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duikou import policy
from duikou.core.errors import has_control_characters
from duikou.core.params import id_param, int_param, text_param
from duikou.orgs.selectors import get_organisation_for_user_rw, organisation_list_writable

from .models import Value
from .periods import Period, period_parse, year_period
from .selectors import (
    grid_rows,
    values_awaiting_approval,
    values_locked_for_approver,
    values_to_submit_for_user,
)
from .services import (
    value_approve,
    value_return,
    value_save,
    value_submit,
    value_unlock,
    values_change_state,
)


def _first_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "；".join(m for msgs in error.message_dict.values() for m in msgs)
    return "；".join(error.messages)


@login_required
def grid(request: HttpRequest) -> HttpResponse:
    """Enter a reporting organisation's values for one period; all rows save together or none."""
    orgs = list(organisation_list_writable(user=request.user)[:500])
    if not orgs:
        return render(request, "results/grid.html", {"orgs": [], "rows": []}, status=403)
    code = request.GET.get("org") or orgs[0].code
    if has_control_characters(code):
        raise Http404("机构不存在或无权填报")
    org = get_organisation_for_user_rw(user=request.user, code=code)
    period_text = request.GET.get("period", "").strip()[:40]
    try:
        period = period_parse(period_text) if period_text else year_period(2025)
    except ValidationError as error:
        messages.error(request, _first_message(error))
        period = year_period(2025)
    rows = grid_rows(org=org, period=period, sector=text_param(request.GET.get("sector")))
    status = 200
    if request.method == "POST":
        status = _grid_save(request, org, period, rows)
        if status == 302:
            return redirect(request.get_full_path())
    context = {
        "orgs": orgs,
        "org": org,
        "period": period,
        "period_text": period_text or "2025",
        "rows": rows,
    }
    return render(request, "results/grid.html", context, status=status)


def _grid_save(request: HttpRequest, org, period: Period, rows) -> int:
    submit = request.POST.get("action") == "submit"
    failed = False
    with transaction.atomic():
        for row in rows:
            key = str(row.indicator.pk)
            row.entered = request.POST.get(f"value_{key}", "").strip()
            row.comment = request.POST.get(f"comment_{key}", "").strip()
            if has_control_characters(row.entered + row.comment):
                # As the forms refuse NUL, and PostgreSQL would refuse to store it.
                row.error = _("“%(name)s”一行的数值或说明含有不可见的控制字符，请删除后重试") % {
                    "name": row.indicator.name_zh
                }
                failed = True
                continue
            if not row.entered:
                if submit and row.indicator.is_required and row.value is None:
                    row.error = _("“%(name)s”为必填指标，提交前请填写") % {
                        "name": row.indicator.name_zh
                    }
                    failed = True
                continue
            version = request.POST.get(f"version_{key}", "")
            if version and int_param(version, low=0) is None:
                row.error = _("“%(name)s”一行的版本号无效，请刷新页面后重新填写") % {
                    "name": row.indicator.name_zh
                }
                failed = True
                continue
            try:
                saved = value_save(
                    indicator=row.indicator,
                    org=org,
                    period=period,
                    value=row.entered,
                    comment=row.comment,
                    actor=request.user,
                    version=int_param(version, low=0),
                )
                if submit and saved.status == Value.Status.DRAFT:
                    saved = value_submit(value=saved, actor=request.user)
                row.value = saved
            except ValidationError as error:
                row.error = _first_message(error)
                failed = True
        if failed:
            transaction.set_rollback(True)
    if failed:
        messages.error(
            request, _("有数据未通过校验，本次没有保存任何数据，请按提示修改后重新提交。")
        )
        return 400
    messages.success(request, _("已提交审核。") if submit else _("已保存草稿。"))
    return 302


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Values waiting for this user's approval, and locked values they may unlock."""
    context = {
        "waiting": values_awaiting_approval(user=request.user)[:500],
        "locked": values_locked_for_approver(user=request.user),
    }
    return render(request, "results/approvals.html", context)


@login_required
@require_POST
def approval_act(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, return or unlock one value."""
    value = get_object_or_404(Value.objects.select_related("org"), pk=pk)
    scope = policy.scope_for(request.user)
    if not (scope.writes_all or value.org.parent_id in scope.write_org_ids):
        raise Http404("数据不存在或无权审核")
    action, reason = request.POST.get("action"), request.POST.get("reason", "")
    version = _version(request.POST.get("version"))
    try:
        if action == "approve":
            value_approve(value=value, actor=request.user, version=version)
        elif action == "return":
            value_return(value=value, reason=reason, actor=request.user, version=version)
        elif action == "unlock":
            value_unlock(value=value, reason=reason, actor=request.user, version=version)
        else:
            raise ValidationError(_("未知操作"))
        messages.success(request, _("操作成功。"))
    except ValidationError as error:
        messages.error(request, _first_message(error))
    return redirect("results:approvals")


def _version(text) -> int | None:
    return int_param(text, low=0)


def _picked(request) -> list[tuple[int, int | None]]:
    """The values ticked on a queue page, each with the version the user saw ("id:version")."""
    picked = []
    for item in request.POST.getlist("pick"):
        pk, _, version = item.partition(":")
        if (found := id_param(pk)) is not None:
            picked.append((found, _version(version)))
    return picked


def _bulk(request, action: str, allowed, reason: str = "") -> None:
    picked = _picked(request)
    if not picked:
        messages.error(request, _("请先勾选数据。"))
        return
    found = {v.pk: v for v in allowed.filter(pk__in=[pk for pk, _ in picked])}
    missing = [pk for pk, _ in picked if pk not in found]
    if missing:
        messages.error(
            request,
            _("有%(n)d条数据已不在列表中（可能已被他人处理），请刷新后重试。")
            % {"n": len(missing)},
        )
        return
    try:
        done = values_change_state(
            action=action,
            items=[(found[pk], version) for pk, version in picked],
            actor=request.user,
            reason=reason,
        )
    except ValidationError as error:
        messages.error(request, _("未做任何改动：") + "；".join(error.messages))
        return
    messages.success(request, _("已处理%(n)d条数据。") % {"n": len(done)})


@login_required
def submissions(request: HttpRequest) -> HttpResponse:
    """The reporter's queue: drafts from every source, returned ones with their reasons;
    filtered, and submitted in bulk (all or none)."""
    filters = {
        k: text_param(request.GET.get(k), max_length=64)
        for k in ("indicator", "region", "year", "source", "group", "returned")
    }
    allowed = values_to_submit_for_user(user=request.user, filters=filters)
    if request.method == "POST":
        _bulk(request, "submit", values_to_submit_for_user(user=request.user))
        return redirect(request.get_full_path())
    return render(
        request,
        "results/submissions.html",
        {
            "values": allowed[:500],
            "count": allowed.count(),
            "filters": filters,
            "sources": Value.Source.choices,
        },
    )


@login_required
@require_POST
def approvals_bulk(request: HttpRequest) -> HttpResponse:
    """Approve, return or unlock the ticked values together (all or none)."""
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    if action == "unlock":
        from .selectors import _approvable

        allowed = _approvable(Value.objects.filter(status=Value.Status.APPROVED), request.user)
    else:
        allowed = values_awaiting_approval(user=request.user)
    if action not in ("approve", "return", "unlock"):
        messages.error(request, _("未知操作"))
    else:
        _bulk(request, action, allowed, reason)
    return redirect("results:approvals")
