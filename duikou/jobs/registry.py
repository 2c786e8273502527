"""Which function runs each kind of job, and which jobs run on a schedule.

A handler is ``fn(job: Job) -> dict | None``; it may call ``jobs.services.job_progress``
and returns a JSON-safe result. Apps register handlers by dotted path here so the
worker can import them lazily.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

HANDLERS: dict[str, str] = {
    "jobs.echo": "duikou.jobs.handlers.echo",
}


def register(kind: str, dotted_path: str) -> None:
    """Add a handler (apps call this from their AppConfig.ready)."""
    HANDLERS[kind] = dotted_path


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
