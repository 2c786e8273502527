from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeEntry(models.Model):
    """One change to one record: who, when, before, after and why. Never updated or deleted."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        TRANSITION = "transition", _("状态变更")

    entity = models.CharField(_("对象类型"), max_length=64, db_index=True)
    entity_id = models.CharField(_("对象编号"), max_length=64, db_index=True)
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    source = models.CharField(
        _("来源"), max_length=32, blank=True, help_text=_("录入、导入、接口等")
    )

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["entity", "entity_id", "at"])]

    def __str__(self) -> str:
        from .describe import kind_label

        return f"{self.get_action_display()}{kind_label(self.entity)}（{self.entity_id}）"
