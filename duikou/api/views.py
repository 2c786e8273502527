"""The token page: list, create (the token is shown once) and revoke API tokens."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from duikou.core.errors import refuse
from duikou.web.once import submitted_once

from .selectors import api_token_list_for_user, get_api_token_for_user
from .services import MAX_DAYS, api_token_create, api_token_default_days, api_token_revoke


def _days(text: str) -> int | None:
    """The term typed on the page (blank: the site's default)."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise refuse("days", f"有效期请填写天数（1至{MAX_DAYS}的整数）") from None


@login_required
@submitted_once
def tokens(request: HttpRequest) -> HttpResponse:
    created, error = None, ""
    entered = {"name": "", "days": str(api_token_default_days()), "read_only": False}
    if request.method == "POST":
        entered = {
            "name": request.POST.get("name", ""),
            "days": request.POST.get("days", ""),
            "read_only": bool(request.POST.get("read_only")),
        }
        try:
            _token, created = api_token_create(
                user=request.user,
                name=entered["name"],
                days=_days(entered["days"]),
                read_only=entered["read_only"],
                actor=request.user,
            )
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            entered = {"name": "", "days": str(api_token_default_days()), "read_only": False}
    response = render(
        request,
        "api/tokens.html",
        {
            "tokens": api_token_list_for_user(user=request.user),
            "created": created,
            "error": error,
            "entered": entered,
            "max_days": MAX_DAYS,
        },
        status=400 if error else 200,
    )
    response["Cache-Control"] = "no-store"  # the new token is on this page once
    if created:  # posted again, the form goes back to the list: the secret is shown once
        response.once_result = request.path
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    api_token_revoke(token=get_api_token_for_user(user=request.user, pk=pk), actor=request.user)
    return redirect("api_tokens:list")
