from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from duikou.core.models import Tracked
from duikou.geo.models import Region
from duikou.orgs.models import Organisation


class Indicator(Tracked):
    """An entry of the indicator catalogue.

    Three kinds: ``stored`` values are entered, imported or extracted; ``record``
    values are computed from ledger records (``record_source`` names the function);
    ``derived`` values are a ``formula`` over other indicators, evaluated at query time.
    """

    class Kind(models.TextChoices):
        STORED = "stored", _("填报")
        RECORD = "record", _("台账计算")
        DERIVED = "derived", _("公式计算")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("求和")
        AVG = "avg", _("平均")
        LAST = "last", _("期末值")
        MAX = "max", _("最大值")

    class Frequency(models.TextChoices):
        MONTH = "month", _("月")
        QUARTER = "quarter", _("季")
        YEAR = "year", _("年")
        ANY = "any", _("不限")

    code = models.CharField(_("指标编码"), max_length=40, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    unit = models.CharField(_("计量单位"), max_length=16)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.STORED)
    aggregation = models.CharField(
        _("汇总方式"), max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    higher_is_better = models.BooleanField(_("越高越好"), default=True)
    cumulative = models.BooleanField(_("可累计"), default=True)
    frequency = models.CharField(
        _("填报频率"), max_length=8, choices=Frequency.choices, default=Frequency.ANY
    )
    # Figures reported at a finer grain than the frequency (monthly figures of a quarterly
    # indicator): summed into the indicator's own period as its aggregation says, or kept.
    finer_periods = models.CharField(
        _("更细期间的数据"),
        max_length=8,
        choices=[("combine", _("按汇总方式并入填报期间")), ("keep", _("按原期间保存"))],
        default="combine",
    )
    sector = models.CharField(_("领域"), max_length=16, blank=True)
    synonyms = models.TextField(_("同义词"), blank=True, help_text=_("报道中的说法，以 | 分隔"))
    record_source = models.CharField(_("台账来源"), max_length=64, blank=True)
    formula = models.CharField(_("计算公式"), max_length=255, blank=True)
    min_value = models.DecimalField(
        _("最小值"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("最大值"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    change_threshold = models.DecimalField(
        _("同比变动需说明阈值（%）"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        default=50,
        help_text=_("与上年同期相比变动超过该比例时必须填写说明"),
    )
    is_required = models.BooleanField(_("必填"), default=False, help_text=_("提交审核时必须填写"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标目录")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def synonym_list(self) -> list[str]:
        return [s for s in self.synonyms.split("|") if s]


class PeriodType(models.TextChoices):
    MONTH = "month", _("月")
    QUARTER = "quarter", _("季")
    YEAR = "year", _("年")
    CUSTOM = "custom", _("自定义")


class Value(Tracked):
    """One figure: indicator × reporting organisation × place × period × disaggregation.

    ``year``/``quarter``/``month`` hold the finest calendar grain that contains the
    whole period (null where the period spans more), so roll-ups group by columns.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        APPROVED = "approved", _("已审核锁定")

    class Source(models.TextChoices):
        ENTRY = "entry", _("录入")
        IMPORT = "import", _("导入")
        RECORD = "record", _("台账")
        EXTRACTION = "extraction", _("报道提取")

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT)
    org = models.ForeignKey(
        Organisation, verbose_name=_("填报机构"), on_delete=models.PROTECT, related_name="values"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("地点"), on_delete=models.PROTECT, related_name="values"
    )
    period_type = models.CharField(_("期间类型"), max_length=8, choices=PeriodType.choices)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    year = models.PositiveSmallIntegerField(_("年"), null=True, editable=False)
    quarter = models.PositiveSmallIntegerField(_("季"), null=True, editable=False)
    month = models.PositiveSmallIntegerField(_("月"), null=True, editable=False)
    disaggregation = models.CharField(_("分组"), max_length=64, blank=True, default="")
    # What the value is about, when it measures one record (a project's jobs, an event's
    # visitors) rather than the organisation's work in the place. ``about`` repeats the link
    # as text ("p12", "d3", "t5", "e8"; "" for none) so the unique key can hold it.
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("关联项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="values",
    )
    deal = models.ForeignKey(
        "investment.Deal",
        verbose_name=_("关联招商项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="values",
    )
    partnership = models.ForeignKey(
        "exchanges.Partnership",
        verbose_name=_("关联合作"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="values",
    )
    event = models.ForeignKey(
        "exchanges.Event",
        verbose_name=_("关联活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="values",
    )
    about = models.CharField(_("关联记录"), max_length=24, blank=True, default="")
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=4)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=Source.choices, default=Source.ENTRY
    )
    comment = models.TextField(_("说明"), blank=True)
    evidence_note = models.TextField(_("佐证说明"), blank=True)
    evidence_file = models.FileField(_("佐证文件"), upload_to="evidence/%Y/", blank=True)
    evidence_document = models.CharField(_("来源文档"), max_length=200, blank=True)
    evidence_start = models.PositiveIntegerField(_("文档起始位置"), null=True, blank=True)
    evidence_end = models.PositiveIntegerField(_("文档结束位置"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("填报人"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提交人"),
    )
    # Why the approver sent it back; shown to the reporter until the value is submitted again.
    return_reason = models.TextField(_("退回原因"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )

    class Meta:
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "indicator",
                    "org",
                    "region",
                    "disaggregation",
                    "about",
                    "period_start",
                    "period_end",
                ],
                name="value_unique_about_key",
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "year", "quarter", "month"]),
            models.Index(fields=["indicator", "org", "region", "period_start"]),
            # Leaves of the region tree (a county, an XPCC division) read their values directly.
            models.Index(fields=["indicator", "region", "year"]),
            # The value list's default order (newest period first), read one page at a time.
            models.Index(fields=["period_start", "id"], name="value_period_page"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.indicator_id} {self.org_id} {self.period_start}–{self.period_end}: {self.value}"
        )


class Target(Tracked):
    """A baseline or target for an indicator, organisation, optional place and period."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("基线")
        TARGET = "target", _("目标")

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT)
    org = models.ForeignKey(Organisation, verbose_name=_("机构"), on_delete=models.PROTECT)
    region = models.ForeignKey(
        Region, verbose_name=_("地点"), null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.TARGET)
    period_type = models.CharField(_("期间类型"), max_length=8, choices=PeriodType.choices)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    year = models.PositiveSmallIntegerField(_("年"), null=True, editable=False)
    quarter = models.PositiveSmallIntegerField(_("季"), null=True, editable=False)
    month = models.PositiveSmallIntegerField(_("月"), null=True, editable=False)
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=4)
    rationale = models.TextField(_("依据或调整原因"), blank=True)

    class Meta:
        verbose_name = _("基线与目标")
        verbose_name_plural = _("基线与目标")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "org", "region", "kind", "period_start", "period_end"],
                name="target_unique_key",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.indicator_id} {self.period_start}–{self.period_end}"
        )


class Rollup(models.Model):
    """Summary cell: one indicator's values under one tree node for one calendar period.

    ``axis`` is ``o`` (donor/recipient organisation tree) or ``r`` (region tree);
    ``grain`` is ``y``/``q``/``m`` with ``period_no`` the quarter or month (0 for a year).
    Kept fresh by the value services; rebuilt in bulk after imports. A cell whose
    values have all gone keeps ``count`` 0 and is ignored by the selectors.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    axis = models.CharField(max_length=1)
    node_id = models.BigIntegerField()
    grain = models.CharField(max_length=1)
    year = models.PositiveSmallIntegerField()
    period_no = models.PositiveSmallIntegerField()
    total = models.DecimalField(max_digits=28, decimal_places=4)
    count = models.IntegerField()
    maximum = models.DecimalField(max_digits=24, decimal_places=4, null=True)

    class Meta:
        verbose_name = _("汇总单元")
        verbose_name_plural = _("汇总单元")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "axis", "node_id", "grain", "year", "period_no"],
                name="rollup_unique_cell",
            )
        ]

    def __str__(self) -> str:
        node = f"{self.axis}{self.node_id}"
        return f"{self.indicator_id}/{node}/{self.grain}{self.year}.{self.period_no}"
