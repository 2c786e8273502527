"""Report templates users edit in the admin, and the reports generated from them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duikou.core.models import Tracked
from duikou.geo.models import Region
from duikou.orgs.models import Organisation


class ReportTemplate(Tracked):
    """A work summary (工作总结) layout: sections of sentence templates, edited without code."""

    code = models.CharField(_("模板编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    title = models.CharField(
        _("标题"),
        max_length=200,
        default="{机构}{期间}对口援疆工作总结",
        help_text=_("可用占位符：{机构}{地区}{期间}"),
    )
    opening = models.TextField(
        _("导语"), blank=True, help_text=_("正文开头的一段话，可用占位符，不写数字")
    )
    table_indicators = models.CharField(
        _("附表指标"),
        max_length=300,
        blank=True,
        default="PROJECTS FUND_PLANNED FUND_RELEASED FUND_SPENT INVESTMENT_SIGNED",
        help_text=_("分单位（分地区）附表的列，指标编码以空格分隔"),
    )
    chart_indicators = models.CharField(
        _("图表指标"),
        max_length=300,
        blank=True,
        default="FUND_PLANNED FUND_RELEASED FUND_SPENT",
        help_text=_("柱状图中的金额类指标，须同时列在附表指标中"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("报告模板")
        verbose_name_plural = _("报告模板")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TemplateSection(models.Model):
    """One section of a template, by field of work (产业援疆, 医疗援疆…)."""

    template = models.ForeignKey(
        ReportTemplate, verbose_name=_("模板"), on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    title = models.CharField(_("标题"), max_length=100)
    indicators = models.CharField(
        _("使用的指标"),
        max_length=500,
        blank=True,
        help_text=_("本节句子模板引用的指标编码，保存时按句子模板自动更新"),
    )

    class Meta:
        verbose_name = _("模板章节")
        verbose_name_plural = _("模板章节")
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return f"{self.template.code} · {self.title}"


class SentenceTemplate(models.Model):
    """A sentence with placeholders: {机构} {地区} {期间} {指标:INVESTMENT_SIGNED}.

    A clause (between ，or ；) whose figure is missing is left out; a sentence whose
    figures are all missing is left out whole.
    """

    section = models.ForeignKey(
        TemplateSection, verbose_name=_("章节"), on_delete=models.CASCADE, related_name="sentences"
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    text = models.TextField(_("句子模板"))

    class Meta:
        verbose_name = _("句子模板")
        verbose_name_plural = _("句子模板")
        ordering = ["section", "order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class GeneratedReport(models.Model):
    """A produced document: who asked (or the schedule), when, for what, and the file."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", _("工作总结")
        DISPATCH = "dispatch", _("月调度")

    class Format(models.TextChoices):
        DOCX = "docx", _("Word")
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Excel")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)
    org = models.ForeignKey(
        Organisation,
        verbose_name=_("机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    period_label = models.CharField(_("期间"), max_length=64)
    template = models.ForeignKey(
        ReportTemplate,
        verbose_name=_("模板"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_scheduled = models.BooleanField(_("定时任务"), default=False)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    message = models.TextField(_("说明"), blank=True)
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name=_("后台任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("文件"), upload_to="reports/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("生成的报告")
        verbose_name_plural = _("生成的报告")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_name} {self.period_label}"

    @property
    def subject_name(self) -> str:
        if self.org_id:
            return self.org.name
        if self.region_id:
            return self.region.name
        return "全部"

    @property
    def requester_label(self) -> str:
        if self.is_scheduled:
            return "定时任务"
        if self.requested_by_id:
            return self.requested_by.get_full_name() or self.requested_by.get_username()
        return "命令行"


class Publication(models.Model):
    """A year's approved figures made public: a snapshot taken when published, so later
    edits and values still awaiting approval reach the public only when published again.

    ``org`` empty: everything, published by the national office; otherwise a front
    command's chain. Publishing the same year and scope again replaces the earlier one."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("已发布")
        REPLACED = "replaced", _("已被新版本替换")
        WITHDRAWN = "withdrawn", _("已撤回")

    year = models.PositiveSmallIntegerField(_("年度"))
    org = models.ForeignKey(
        Organisation,
        verbose_name=_("发布范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空：全部（国家援疆办发布）；否则为该前方指挥部及其结对地区"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PUBLISHED
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    snapshot = models.JSONField(_("发布的数据"), default=dict, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now, db_index=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("数据发布")
        verbose_name_plural = _("数据发布")
        ordering = ["-year", "-published_at", "-id"]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self) -> str:
        return f"{self.year}年 {self.publisher_name}"

    @property
    def publisher_name(self) -> str:
        """The office the public sees as the publisher."""
        return self.org.name if self.org_id else "国家援疆办"

    @property
    def scope_name(self) -> str:
        return f"{self.org.name}及其结对地区" if self.org_id else "全部"
