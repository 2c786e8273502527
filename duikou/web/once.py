"""One-time tokens for the forms that create rows.

Each create form carries ``{% once_field %}``: a fresh random token. The view, wrapped in
``submitted_once``, claims the token before it runs (a unique row, committed at once, so
two posts arriving together cannot both pass). When the view saves and redirects, the
redirect is kept with the token; a later post with the same token creates nothing and is
sent there, with a note (a view that shows its result in place, such as a new API token,
names where a repeat goes by setting ``response.once_result``). When the view refuses the
form, the claim is dropped, so the corrected form can be posted again.
"""

import re
import secrets
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Submission

FIELD = "_once"
TOKEN = re.compile(r"[0-9a-f]{32}")
KEPT = timedelta(days=2)  # long enough for any back-and-resubmit


def once_token() -> str:
    return secrets.token_hex(16)


def submitted_once(view):
    """Run a create view at most once per form token (see the module's text)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not TOKEN.fullmatch(token) or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        try:
            with transaction.atomic():
                claim = Submission.objects.create(
                    token=token, user=request.user, path=request.path[:200]
                )
        except IntegrityError:
            return _seen(request, token)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            Submission.objects.filter(pk=claim.pk).delete()
            raise
        location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
        location = getattr(response, "once_result", "") or location  # a page shown once
        if location:
            Submission.objects.filter(pk=claim.pk).update(result=location[:500])
        else:  # refused or shown again: the same form may be posted once more
            Submission.objects.filter(pk=claim.pk).delete()
        Submission.objects.filter(user=request.user, at__lt=timezone.now() - KEPT).delete()
        return response

    wrapper.submitted_once = True
    return wrapper


def _seen(request: HttpRequest, token: str) -> HttpResponse:
    first = Submission.objects.filter(token=token, user=request.user).first()
    if first is not None and first.result:
        messages.info(request, _("该表单已经提交过，没有重复保存。下面是第一次提交保存的内容。"))
        return redirect(first.result)
    return render(
        request,
        "web/submitted_once.html",
        {"back": request.path, "pending": first is not None},
        status=409,
    )
