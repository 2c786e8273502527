"""`duikou worker`: run queued background jobs and fire scheduled ones, until stopped."""

import logging
import os
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Worker

from duikou.jobs.liveness import worker_beat, worker_identity, worker_stopped
from duikou.jobs.services import jobs_reap_dead_workers, jobs_reap_stale, schedules_tick

logger = logging.getLogger(__name__)

# Jobs run per round: between rounds the worker fires schedules and reaps stale jobs, so a
# long queue does not keep a killed worker's job waiting until every queue is empty.
ROUND = 10


def _beat_until(identity: str, stop: threading.Event) -> None:
    """The worker's sign of life from a thread of its own: it goes on while a long job or
    a long queue keeps the main loop busy (the jobs page and /readyz read it)."""
    try:
        while not stop.wait(settings.DUIKOU_JOB_HEARTBEAT_SECONDS):
            try:
                worker_beat(worker_id=identity)
            except Exception:
                logger.exception("worker heartbeat failed")
                connection.close()
    finally:
        connection.close()


class Command(BaseCommand):
    help = "运行后台任务：处理排队的任务并按计划生成定时任务（月调度等）"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=2.0, help="轮询间隔（秒）")
        parser.add_argument("--once", action="store_true", help="处理完当前任务后退出")

    def handle(self, *args, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        reaped = jobs_reap_dead_workers() + jobs_reap_stale()
        if reaped:
            self.stdout.write(f"{reaped} 个中断的任务已重新排队或标记为失败")
        identity = worker_identity()
        worker_beat(worker_id=identity)
        stop = threading.Event()
        beat = threading.Thread(target=_beat_until, args=(identity, stop), daemon=True)
        beat.start()
        try:
            while self.running:
                close_old_connections()
                schedules_tick()
                worker = Worker(
                    queue_names=["*"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=ROUND,
                    worker_id=f"duikou-{os.getpid()}",
                    excluded_queue_names=[],
                )
                worker.run()
                idle = worker._run_tasks < ROUND  # the queue was emptied in this round
                if options["once"] and idle:
                    break
                jobs_reap_stale()
                if idle:
                    time.sleep(options["interval"])
        finally:
            stop.set()
            beat.join()
            close_old_connections()
            worker_stopped(worker_id=identity)

    def _stop(self, signum, frame):
        self.running = False
