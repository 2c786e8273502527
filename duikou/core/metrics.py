"""`/metrics`: what Prometheus scrapes from a web node, readable only by operators.

Two kinds of figures, collected in two ways:

- **Per request, in the process that served it** (`MetricsMiddleware`): latency by view (the
  route's name, never the raw path, so ids do not make new series), method and status class;
  the database time and the number of queries of the request. Under gunicorn every worker
  process keeps its own; with ``PROMETHEUS_MULTIPROC_DIR`` set in the environment before the
  processes start, prometheus_client writes them to files in that folder and a scrape of any
  worker adds up all of them (multiprocess mode). The folder must be empty when gunicorn
  starts and private to one node: deploy/gunicorn.conf.py puts it in the unit's runtime
  directory, empties it at start and marks each ended worker dead (the requests it served
  stay in the totals). Without the variable (runserver, tests, one process) the process's own
  registry is read, with its memory and CPU.
- **From the database, at scrape time** (`DatabaseCollector`): job queue depth and age of the
  oldest queued job, jobs and imports finished within the last hour with their durations and
  outcomes, the last successful backup. Jobs run in `duikou worker` processes, on any host,
  that serve no HTTP: counters kept there would be seen by no scrape, and counters kept in
  the web processes would see none of the work. The job and import rows are the record
  every node shares, so any node answers the same, however many workers and hosts there are.
  Figures over a window are gauges (and a gauge histogram for durations), not counters: rows
  are deleted by the retention clean-up, and a counter must never go down.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from contextlib import ExitStack
from datetime import datetime, timedelta

from django.db import connections
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Histogram,
    disable_created_metrics,
    exposition,
    multiprocess,
)
from prometheus_client.core import GaugeHistogramMetricFamily, GaugeMetricFamily

from .health import operators_only

logger = logging.getLogger(__name__)
disable_created_metrics()  # no *_created series: twice the series, nothing a dashboard reads

# Finished jobs and imports are counted over this window, ending at the scrape.
WINDOW = timedelta(hours=1)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "(unmatched)"  # a path no route matched (404 before any view)

REQUEST_SECONDS = Histogram(
    "duikou_http_request_duration_seconds",
    "Time to answer a request, by view name, method and status class",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10, 30, 60),
)
REQUEST_DB_SECONDS = Histogram(
    "duikou_http_request_db_seconds",
    "Time a request spent in database queries (their durations added up), by view and method",
    ["view", "method"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUEST_DB_QUERIES = Histogram(
    "duikou_http_request_db_queries",
    "Database queries a request ran, by view and method",
    ["view", "method"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
)
# Jobs run from under a second (a small export) to an hour (a national report).
DURATION_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600)


class _QueryTimer:
    """A ``connection.execute_wrapper``: adds up the time and number of the queries."""

    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1


class MetricsMiddleware:
    """Just inside the request id: times the whole chain and the queries run under it.

    A streamed response (a CSV export, a download) is timed until its first byte is ready;
    what its generator reads afterwards is not counted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timer = _QueryTimer()
        start = time.perf_counter()
        with ExitStack() as stack:
            # Every alias (the replica too); a wrapper costs nothing on a connection not used.
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(timer))
            response = self.get_response(request)
        elapsed = time.perf_counter() - start
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None and match.view_name else UNMATCHED
        method = request.method if request.method in METHODS else "other"
        status = f"{response.status_code // 100}xx"
        REQUEST_SECONDS.labels(view, method, status).observe(elapsed)
        REQUEST_DB_SECONDS.labels(view, method).observe(timer.seconds)
        REQUEST_DB_QUERIES.labels(view, method).observe(timer.queries)
        return response


def _buckets(durations: list[float]) -> list[tuple[str, float]]:
    counts = []
    for bound in DURATION_BUCKETS:
        counts.append((str(float(bound)), float(sum(1 for d in durations if d <= bound))))
    counts.append(("+Inf", float(len(durations))))
    return counts


def _finished(rows, prefix: str, what: str, labels: list[str]):
    """A count and a duration gauge histogram of rows ``(labels…, started, finished)``."""
    counts: dict[tuple, int] = defaultdict(int)
    durations: dict[tuple, list[float]] = defaultdict(list)
    for *key, started, finished in rows:
        counts[tuple(key)] += 1
        if started is not None and finished >= started:
            durations[tuple(key)].append((finished - started).total_seconds())
    finished_family = GaugeMetricFamily(
        f"{prefix}_finished",
        f"{what} that ended within the last {WINDOW.seconds // 60} minutes, by outcome",
        labels=labels,
    )
    for key, count in sorted(counts.items()):
        finished_family.add_metric(list(key), count)
    duration_family = GaugeHistogramMetricFamily(
        f"{prefix}_duration_seconds",
        f"How long the {what.lower()} that ended within the last "
        f"{WINDOW.seconds // 60} minutes ran (their last run)",
        labels=labels,
    )
    for key, values in sorted(durations.items()):
        duration_family.add_metric(list(key), _buckets(values), gsum_value=sum(values))
    return finished_family, duration_family


def _timestamp(value: datetime | str) -> float:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.timestamp()


class DatabaseCollector:
    """The figures every node reads from the shared database when it is scraped."""

    def collect(self):
        ok = GaugeMetricFamily(
            "duikou_metrics_database_ok",
            "1 when the figures read from the database could be read at this scrape",
        )
        try:
            families = [*self._jobs(), *self._imports(), *self._backup()]
        except Exception:  # a scrape still answers with the request figures
            logger.exception("metrics: the database figures could not be read")
            ok.add_metric([], 0)
            yield ok
            return
        ok.add_metric([], 1)
        yield ok
        window = GaugeMetricFamily(
            "duikou_metrics_window_seconds", "The window that the *_finished figures cover"
        )
        window.add_metric([], WINDOW.total_seconds())
        yield window
        yield from families

    def _jobs(self):
        from django.db.models import Count, Min

        from duikou.jobs.models import Job

        now = timezone.now()
        waiting = (
            Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
            .values("kind", "status")
            .annotate(count=Count("id"), oldest=Min("created_at"))
            .order_by("kind", "status")
        )
        queued = GaugeMetricFamily(
            "duikou_jobs_queued", "Jobs waiting for a worker, by kind", labels=["kind"]
        )
        running = GaugeMetricFamily(
            "duikou_jobs_running", "Jobs a worker is running, by kind", labels=["kind"]
        )
        age = GaugeMetricFamily(
            "duikou_jobs_oldest_queued_age_seconds",
            "How long the oldest queued job of each kind has waited",
            labels=["kind"],
        )
        for row in waiting:
            if row["status"] == Job.Status.QUEUED:
                queued.add_metric([row["kind"]], row["count"])
                age.add_metric([row["kind"]], max(0.0, (now - row["oldest"]).total_seconds()))
            else:
                running.add_metric([row["kind"]], row["count"])
        # A month-end hour finishes some thousands of jobs at most: read and bucketed here,
        # the same on SQLite and PostgreSQL.
        ended = Job.objects.filter(
            status__in=[Job.Status.DONE, Job.Status.FAILED], finished_at__gte=now - WINDOW
        ).values_list("kind", "status", "started_at", "finished_at")
        return [queued, running, age, *_finished(ended, "duikou_jobs", "Jobs", ["kind", "status"])]

    def _imports(self):
        from django.db.models import Count

        from duikou.transfer.models import ImportRecord

        busy = (
            ImportRecord.objects.filter(
                status__in=[ImportRecord.Status.CHECKING, ImportRecord.Status.COMMITTING]
            )
            .values("kind", "status")
            .annotate(count=Count("id"))
            .order_by("kind", "status")
        )
        in_progress = GaugeMetricFamily(
            "duikou_imports_in_progress",
            "Imports being checked or written now, by kind of records and step",
            labels=["kind", "status"],
        )
        for row in busy:
            in_progress.add_metric([row["kind"], row["status"]], row["count"])
        # Outcomes: checked (ready to confirm), invalid (the file has errors), committed,
        # failed (the run raised: nothing written).
        ended = ImportRecord.objects.filter(
            finished_at__gte=timezone.now() - WINDOW,
            status__in=[
                ImportRecord.Status.CHECKED,
                ImportRecord.Status.INVALID,
                ImportRecord.Status.COMMITTED,
                ImportRecord.Status.FAILED,
            ],
        ).values_list("kind", "status", "started_at", "finished_at")
        return [in_progress, *_finished(ended, "duikou_imports", "Imports", ["kind", "status"])]

    def _backup(self):
        from .backups import last_backup

        last = last_backup()
        when = GaugeMetricFamily(
            "duikou_backup_last_success_timestamp_seconds",
            "When the last successful backup finished (Unix time; 0 when none is known)",
        )
        size = GaugeMetricFamily(
            "duikou_backup_last_size_bytes", "Size of the last successful backup's archive"
        )
        when.add_metric([], _timestamp(last["finished_at"]) if last else 0)
        size.add_metric([], float(last.get("size") or 0) if last else 0)
        return [when, size]


class _Scrape:
    """What one scrape reads: the request figures (this process's or all processes') and
    the database figures."""

    def __init__(self):
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            self.processes = CollectorRegistry()
            multiprocess.MultiProcessCollector(self.processes)
        else:
            self.processes = REGISTRY

    def collect(self):
        yield from self.processes.collect()
        yield from DatabaseCollector().collect()


@never_cache
@require_GET
@operators_only
def metrics(request):
    encoder, content_type = exposition.choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encoder(_Scrape()), content_type=content_type)
