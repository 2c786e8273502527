from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A piece of background work someone asked for: an import, a report, a scheduled run.

    The worker runs it through the task queue; the job row is what users see: who
    asked, when, for what, how far it has got, and how it ended.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=64, db_index=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    message = models.TextField(_("说明"), blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    output = models.FileField(_("输出文件"), upload_to="jobs/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    worker_pid = models.PositiveIntegerField(_("进程号"), null=True, blank=True)
    worker_host = models.CharField(_("主机"), max_length=255, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(_("已运行次数"), default=0)
    # The id of the request that asked for the job (X-Request-ID), which the worker logs under;
    # none for scheduled jobs. Nullable so that a version without the column, still running
    # during an upgrade, can insert rows.
    request_id = models.CharField(  # noqa: DJ001 - NULL: no request asked for the job
        _("请求编号"), max_length=128, null=True, blank=True
    )

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    @property
    def kind_label(self) -> str:
        """What the job does, in Chinese (the registered handler's label)."""
        from .registry import label_for

        return str(label_for(self.kind))

    @property
    def outcome(self) -> str:
        """What to tell about the job: how it ended once it has, else its latest step."""
        if self.status == self.Status.DONE:
            return str(_("已完成"))
        if self.status == self.Status.FAILED:
            return str(_("失败：%(reason)s") % {"reason": self.message or _("原因未记录")})
        return self.message


class ScheduledRun(models.Model):
    """One run of a periodic schedule for one period, so a schedule never fires twice."""

    name = models.CharField(_("计划"), max_length=64)
    period_key = models.CharField(_("期间"), max_length=32)
    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("定时运行")
        verbose_name_plural = _("定时运行")
        constraints = [
            models.UniqueConstraint(fields=["name", "period_key"], name="scheduled_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period_key}"


class WorkerBeat(models.Model):
    """A worker process's last sign of life, written by `duikou worker` on every round.

    The jobs page reads it to say when no worker runs (queued jobs would wait for ever).
    One row per process; a worker that stops cleanly deletes its row."""

    worker_id = models.CharField(_("进程标识"), max_length=128, unique=True)
    host = models.CharField(_("主机"), max_length=255)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"), default=timezone.now)
    seen_at = models.DateTimeField(_("最近心跳"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("后台进程心跳")
        verbose_name_plural = _("后台进程心跳")

    def __str__(self) -> str:
        return self.worker_id
