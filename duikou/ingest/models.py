from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from duikou.core.models import Tracked
from duikou.geo.models import Region
from duikou.orgs.models import Organisation
from duikou.results.models import Indicator, Value


class Report(Tracked):
    """A report or work summary read into the platform, kept as the text it was read as."""

    title = models.CharField(_("标题"), max_length=200)
    source_name = models.CharField(_("文件名"), max_length=200, blank=True)
    text = models.TextField(_("正文"))
    doc_date = models.DateField(_("报道日期"), help_text=_("用于推算“今年”“三年来”等相对时间"))
    org = models.ForeignKey(
        Organisation,
        verbose_name=_("相关机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("报道主体；人物或机构无法识别时用它"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )

    class Meta:
        verbose_name = _("报道")
        verbose_name_plural = _("报道")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Figure(Tracked):
    """A figure found in a report: as written, then linked to the catalogue and the trees."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("已采纳")
        REJECTED = "rejected", _("已舍弃")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="figures")
    start = models.PositiveIntegerField(_("起始位置"))
    end = models.PositiveIntegerField(_("结束位置"))
    text = models.CharField(_("原文"), max_length=100)
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=4)
    unit = models.CharField(_("单位"), max_length=16)
    qualifier = models.CharField(_("限定"), max_length=8, blank=True)
    change = models.CharField(_("变化"), max_length=8, blank=True)
    indicator_phrase = models.CharField(_("指标原文"), max_length=100, blank=True)
    subject = models.CharField(_("主体原文"), max_length=100, blank=True)
    place = models.CharField(_("地点原文"), max_length=100, blank=True)
    period_phrase = models.CharField(_("时间原文"), max_length=100, blank=True)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), null=True, blank=True, on_delete=models.PROTECT
    )
    org = models.ForeignKey(
        Organisation, verbose_name=_("机构"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey(
        Region, verbose_name=_("地区"), null=True, blank=True, on_delete=models.PROTECT
    )
    period_start = models.DateField(_("期间开始"), null=True, blank=True)
    period_end = models.DateField(_("期间结束"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    accepted_value = models.ForeignKey(
        Value, verbose_name=_("采纳为指标值"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("报道数字")
        verbose_name_plural = _("报道数字")
        ordering = ["report", "start"]

    def __str__(self) -> str:
        return f"{self.text}（{self.indicator_phrase}）"
