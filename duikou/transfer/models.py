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
    # What the mapping step decided (proposed, then confirmed): ``mapping.Mapping.as_dict``.
    sheet = models.CharField(_("工作表"), max_length=128, blank=True)
    sheets = models.JSONField(_("文件中的工作表"), default=list, blank=True)
    mapping = models.JSONField(_("列的对应"), default=dict, blank=True)
    mapping_confirmed = models.BooleanField(_("已确认对应"), default=False)
    # What the check found: skipped rows, every row as it will be stored (up to a cap),
    # totals of each money column, to compare with the sheet's own 合计.
    skipped = models.JSONField(_("跳过的行"), default=list, blank=True)
    preview = models.JSONField(_("预览"), default=list, blank=True)
    totals = models.JSONField(_("合计"), default=dict, blank=True)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who is checking or committing it now (host, process id, attempt), since when, and
    # its last sign of life: how a run whose process died is told from one still going.
    runner = models.CharField(_("运行进程"), max_length=128, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    interrupted = models.TextField(_("中断说明"), blank=True)
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

    @property
    def kind_label(self) -> str:
        """The Chinese name of the kind of records the file holds (项目, 资金收支…)."""
        from .kinds import KINDS  # the kinds import every domain's models

        kind = KINDS.get(self.kind)
        return str(kind.label) if kind is not None else self.kind


class HeaderSynonym(models.Model):
    """Another name an office gives a column (建设地点 for 项目地点), added by users.

    The shipped list is ``fixtures/header_synonyms.csv``; rows here extend it.
    ``kind`` is a record kind's key, or ``*`` for every kind that has the column.
    """

    kind = models.CharField(_("数据类型"), max_length=32, default="*")
    column = models.CharField(_("字段"), max_length=64)
    synonym = models.CharField(_("表头写法"), max_length=128)

    class Meta:
        verbose_name = _("表头同义词")
        verbose_name_plural = _("表头同义词")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "column", "synonym"], name="header_synonym_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.synonym} → {self.column}"


class ValueSynonym(models.Model):
    """An office's own word for one of a column's choices (已投产 → 投产), added by users.

    The shipped list is ``fixtures/value_synonyms.csv``; rows here extend it.
    """

    kind = models.CharField(_("数据类型"), max_length=32, default="*")
    column = models.CharField(_("字段"), max_length=64)
    text = models.CharField(_("表中写法"), max_length=128)
    value = models.CharField(_("对应选项（代码）"), max_length=64)

    class Meta:
        verbose_name = _("选项同义词")
        verbose_name_plural = _("选项同义词")
        constraints = [
            models.UniqueConstraint(fields=["kind", "column", "text"], name="value_synonym_unique")
        ]

    def __str__(self) -> str:
        return f"{self.text} → {self.value}"


class SavedMapping(models.Model):
    """A confirmed mapping, offered again for the next file with the same headers."""

    kind = models.CharField(_("数据类型"), max_length=32)
    signature = models.CharField(_("表头指纹"), max_length=64)
    mapping = models.JSONField(_("列的对应"), default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("保存人"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("保存时间"), default=timezone.now)

    class Meta:
        verbose_name = _("保存的对应关系")
        verbose_name_plural = _("保存的对应关系")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "signature", "saved_by"], name="saved_mapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.saved_by}"
