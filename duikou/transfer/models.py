from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    """One uploaded spreadsheet: who sent it, what it held, what was checked and written.

    The file is kept so the check and the commit read the same bytes, and the
    background job can be handed the record's id alone.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        CHECKING = "checking", _("检查中")
        CHECKED = "checked", _("待确认")
        INVALID = "invalid", _("有错误")
        COMMITTING = "committing", _("导入中")
        COMMITTED = "committed", _("已导入")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("数据类型"), max_length=32)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("修改"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.UPLOADED
    )
    errors = models.JSONField(_("问题"), default=list, blank=True)
    notes = models.JSONField(_("提示"), default=list, blank=True)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"
