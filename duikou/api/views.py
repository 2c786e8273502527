"""The token page: list, create (the token is shown once) and revoke API tokens."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .selectors import api_token_list_for_user, get_api_token_for_user
from .services import api_token_create, api_token_revoke


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    created, error = None, ""
    if request.method == "POST":
        try:
            _token, created = api_token_create(
                user=request.user, name=request.POST.get("name", ""), actor=request.user
            )
        except ValidationError as refusal:
            error = refusal.messages[0]
    response = render(
        request,
        "api/tokens.html",
        {"tokens": api_token_list_for_user(user=request.user), "created": created, "error": error},
        status=400 if error else 200,
    )
    response["Cache-Control"] = "no-store"  # the new token is on this page once
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    api_token_revoke(token=get_api_token_for_user(user=request.user, pk=pk), actor=request.user)
    return redirect("api_tokens:list")
