"""Which function runs each kind of job, what it is called, and which jobs run on a schedule.

A handler is ``fn(job: Job) -> dict | None``; it may call ``jobs.services.job_progress``
and returns a JSON-safe result. Apps register handlers by dotted path here so the
worker can import them lazily, each with the Chinese name the jobs page shows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from django.utils.translation import gettext_lazy as _

HANDLERS: dict[str, str] = {
    "jobs.echo": "duikou.jobs.handlers.echo",
}
LABELS: dict[str, str] = {
    "jobs.echo": _("后台进程自检"),
}


def register(kind: str, dotted_path: str, *, label: str) -> None:
    """Add a handler and the name people see for its jobs (apps call this from their
    AppConfig.ready)."""
    HANDLERS[kind] = dotted_path
    LABELS[kind] = label


def label_for(kind: str) -> str:
    """The Chinese name of a kind of job; an unregistered kind (a handler since removed)
    is named as such rather than by its code."""
    return LABELS.get(kind) or _("其他任务")


def handler_for(kind: str) -> Callable:
    try:
        path = HANDLERS[kind]
    except KeyError:
        raise LookupError(f"未知的任务类型“{kind}”") from None
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)


@dataclass(frozen=True)
class Schedule:
    """A periodic job: ``due(now)`` gives the period key to run for, or None."""

    name: str
    kind: str
    due: Callable[[datetime], str | None]
    params: Callable[[str], dict]


SCHEDULES: list[Schedule] = []


def schedule(item: Schedule) -> None:
    if all(s.name != item.name for s in SCHEDULES):
        SCHEDULES.append(item)
