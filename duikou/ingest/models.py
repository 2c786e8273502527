from django.conf import settings
from django.db import models

from duikou.core.models import Tracked
from duikou.geo.models import Region
from duikou.orgs.models import Organisation
from duikou.results.models import Indicator, Value


class Report(Tracked):
    """A report or work summary read into the platform, kept as the text it was read as."""

    title = models.CharField("标题", max_length=200)
    source_name = models.CharField("文件名", max_length=200, blank=True)
    text = models.TextField("正文")
    doc_date = models.DateField("报道日期", help_text="用于推算“今年”“三年来”等相对时间")
    org = models.ForeignKey(
        Organisation,
        verbose_name="相关机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="报道主体；人物或机构无法识别时用它",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="上传人",
    )

    class Meta:
        verbose_name = "报道"
        verbose_name_plural = "报道"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Figure(Tracked):
    """A figure found in a report: as written, then linked to the catalogue and the trees."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        ACCEPTED = "accepted", "已采纳"
        REJECTED = "rejected", "已舍弃"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="figures")
    start = models.PositiveIntegerField("起始位置")
    end = models.PositiveIntegerField("结束位置")
    text = models.CharField("原文", max_length=100)
    value = models.DecimalField("数值", max_digits=24, decimal_places=4)
    unit = models.CharField("单位", max_length=16)
    qualifier = models.CharField("限定", max_length=8, blank=True)
    change = models.CharField("变化", max_length=8, blank=True)
    indicator_phrase = models.CharField("指标原文", max_length=100, blank=True)
    subject = models.CharField("主体原文", max_length=100, blank=True)
    place = models.CharField("地点原文", max_length=100, blank=True)
    period_phrase = models.CharField("时间原文", max_length=100, blank=True)
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", null=True, blank=True, on_delete=models.PROTECT
    )
    org = models.ForeignKey(
        Organisation, verbose_name="机构", null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey(
        Region, verbose_name="地区", null=True, blank=True, on_delete=models.PROTECT
    )
    period_start = models.DateField("期间开始", null=True, blank=True)
    period_end = models.DateField("期间结束", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    accepted_value = models.ForeignKey(
        Value, verbose_name="采纳为指标值", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "报道数字"
        verbose_name_plural = "报道数字"
        ordering = ["report", "start"]

    def __str__(self) -> str:
        return f"{self.text}（{self.indicator_phrase}）"
