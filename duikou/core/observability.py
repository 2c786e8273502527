"""Request ids and structured logs: one JSON object a line on stdout.

`RequestIdMiddleware` takes the id nginx sends in X-Request-ID (or makes one), returns it in the
response header and keeps it in a context variable; `RequestIdFilter` puts it on every log
record, and `JsonFormatter` writes the record as one JSON line. A job keeps the id of the
request that asked for it (`Job.request_id`), and the worker logs the job under that id.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("duikou_request_id", default="")
# An id from outside is kept only when it is short and plain; otherwise a new one is made.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def current_request_id() -> str:
    """The id of the request (or job) being served, or '' outside one."""
    return _request_id.get()


@contextmanager
def request_id_bound(request_id: str):
    """Serve the block under `request_id` (the worker runs a job under its request's id)."""
    token = _request_id.set(request_id or "")
    try:
        yield
    finally:
        _request_id.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in the chain: every later log record of the request carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _ACCEPTABLE_ID.match(given) else new_request_id()
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on the record (as `request_id`), '-' outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            # Django logs a response's status after the middleware chain has returned: the id
            # is then read from the request the record carries.
            request = getattr(record, "request", None)
            record.request_id = current_request_id() or getattr(request, "request_id", None) or "-"
        return True


# Attributes every LogRecord has; anything else on a record came in through `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, extras, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id() or "-",
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key in entry or key.startswith("_"):
                continue
            if key == "request":  # Django puts the request object on its error records
                value = f"{value.method} {value.get_full_path()}" if value is not None else None
            entry[key] = value
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
