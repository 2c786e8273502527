"""Whole pages kept for their reader until the next ledger write.

``@ledger_page`` keeps the HTML a GET view returned, for the one who asked (their account,
name and scope), the path with its query, the language, whether htmx asked for a part, and
the day, under the ledger version (core/ledger_cache.py): the next committed ledger write
makes every kept page stale, so a page is never served once what it shows has changed. The
parts of a page that belong to one request are cut out before it is kept and filled in
afresh each time it is served: the CSRF token (the session's, masked anew) and the one-time
tokens of create forms (web/once.py). So a kept page posts like a fresh one.

A page is rendered, not served from the cache, when the request carries messages to show
(they are shown once), when the view set cookies or answered with anything but 200, and
wherever the ledger version is not read (SQLite, inside a transaction). Only for views whose
page depends on nothing but the ledger, the reader and the request's path and query: a page
that shows job or sign-in bookkeeping (not counted as ledger writes) passes a ``timeout`` no
longer than that part may lag.
"""

import hashlib
import random
import re
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from duikou import policy
from duikou.core.ledger_cache import TIMEOUT, ledger_version, scope_key, version_pinned

from .once import FIELD, once_token

# Where a request's own tokens stand in a rendered page; NUL never occurs in our HTML.
_CSRF_HOLE = b"\x00csrf\x00"
_ONCE_HOLE = b"\x00once\x00"
_CSRF = re.compile(rb'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{64})"')
_ONCE = re.compile(rb'name="' + FIELD.encode() + rb'" value="[0-9a-f]{32}"')
_ONCE_INPUT = b'name="' + FIELD.encode() + b'" value="%s"'


def _page_key(request: HttpRequest, version: int) -> str:
    user = request.user
    if user.is_authenticated:
        who = (
            user.pk,
            user.get_username(),
            user.first_name,
            user.is_staff,
            user.is_superuser,
            scope_key(policy.scope_for(user)),
        )
    else:
        who = None
    text = repr(
        (
            "page",
            who,
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-Target", ""),
            get_language(),
            timezone.localdate().isoformat(),
            version,
        )
    )
    return "ledger-page:" + hashlib.sha256(text.encode()).hexdigest()


def _keepable(body: bytes) -> bytes:
    """The page with this request's tokens cut out."""
    tokens = {match.group(1) for match in _CSRF.finditer(body)}
    for token in tokens:
        body = body.replace(token, _CSRF_HOLE)
    return _ONCE.sub(_ONCE_HOLE, body)


def _filled(request: HttpRequest, body: bytes) -> bytes:
    """A kept page with tokens of its own: the session's CSRF token, fresh one-time ones."""
    if _CSRF_HOLE in body:
        body = body.replace(_CSRF_HOLE, get_token(request).encode())
    if _ONCE_HOLE in body:
        first, *rest = body.split(_ONCE_HOLE)
        body = first + b"".join(_ONCE_INPUT % once_token().encode() + part for part in rest)
    return body


def ledger_page(view=None, *, timeout: int = TIMEOUT):
    """Keep a GET view's page until the next ledger write (see the module's text)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "GET" or len(get_messages(request)):
                return view(request, *args, **kwargs)
            version = ledger_version()
            if version is None:
                return view(request, *args, **kwargs)
            with version_pinned(version):
                key = _page_key(request, version)
                kept = cache.get(key)
                if kept is not None:
                    content_type, body = kept
                    return HttpResponse(_filled(request, body), content_type=content_type)
                response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and response.get("Content-Type", "").startswith("text/html")
            ):
                kept = (response["Content-Type"], _keepable(response.content))
                cache.set(key, kept, round(timeout * random.uniform(0.9, 1.0)))  # noqa: S311
            return response

        return wrapper

    return decorate(view) if view is not None else decorate
