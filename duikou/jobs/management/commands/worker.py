"""`duikou worker`: run queued background jobs and fire scheduled ones, until stopped."""

import os
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from duikou.jobs.liveness import worker_beat, worker_identity, worker_stopped
from duikou.jobs.services import jobs_reap_dead_workers, jobs_reap_stale, schedules_tick


class Command(BaseCommand):
    help = "运行后台任务：处理排队的任务并按计划生成定时任务（月调度等）"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=2.0, help="轮询间隔（秒）")
        parser.add_argument("--once", action="store_true", help="处理完当前任务后退出")

    def handle(self, *args, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        failed = jobs_reap_dead_workers() + jobs_reap_stale()
        if failed:
            self.stdout.write(f"{failed} 个中断的任务已标记为失败")
        identity = worker_identity()
        try:
            while self.running:
                close_old_connections()
                worker_beat(worker_id=identity)
                schedules_tick()
                worker = Worker(
                    queue_names=["*"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id=f"duikou-{os.getpid()}",
                    excluded_queue_names=[],
                )
                worker.run()
                if options["once"]:
                    break
                jobs_reap_stale()
                time.sleep(options["interval"])
        finally:
            close_old_connections()
            worker_stopped(worker_id=identity)

    def _stop(self, signum, frame):
        self.running = False
