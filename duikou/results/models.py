from django.conf import settings
from django.db import models

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
        STORED = "stored", "填报"
        RECORD = "record", "台账计算"
        DERIVED = "derived", "公式计算"

    class Aggregation(models.TextChoices):
        SUM = "sum", "求和"
        AVG = "avg", "平均"
        LAST = "last", "期末值"
        MAX = "max", "最大值"

    class Frequency(models.TextChoices):
        MONTH = "month", "月"
        QUARTER = "quarter", "季"
        YEAR = "year", "年"
        ANY = "any", "不限"

    code = models.CharField("指标编码", max_length=40, unique=True)
    name_zh = models.CharField("中文名称", max_length=100)
    name_en = models.CharField("英文名称", max_length=200, blank=True)
    unit = models.CharField("计量单位", max_length=16)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.STORED)
    aggregation = models.CharField(
        "汇总方式", max_length=8, choices=Aggregation.choices, default=Aggregation.SUM
    )
    higher_is_better = models.BooleanField("越高越好", default=True)
    cumulative = models.BooleanField("可累计", default=True)
    frequency = models.CharField(
        "填报频率", max_length=8, choices=Frequency.choices, default=Frequency.ANY
    )
    sector = models.CharField("领域", max_length=16, blank=True)
    synonyms = models.TextField("同义词", blank=True, help_text="报道中的说法，以 | 分隔")
    record_source = models.CharField("台账来源", max_length=64, blank=True)
    formula = models.CharField("计算公式", max_length=255, blank=True)
    min_value = models.DecimalField(
        "最小值", max_digits=24, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        "最大值", max_digits=24, decimal_places=4, null=True, blank=True
    )
    change_threshold = models.DecimalField(
        "同比变动需说明阈值（%）",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        default=50,
        help_text="与上年同期相比变动超过该比例时必须填写说明",
    )
    is_required = models.BooleanField("必填", default=False, help_text="提交审核时必须填写")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标目录"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def synonym_list(self) -> list[str]:
        return [s for s in self.synonyms.split("|") if s]


class PeriodType(models.TextChoices):
    MONTH = "month", "月"
    QUARTER = "quarter", "季"
    YEAR = "year", "年"
    CUSTOM = "custom", "自定义"


class Value(Tracked):
    """One figure: indicator × reporting organisation × place × period × disaggregation.

    ``year``/``quarter``/``month`` hold the finest calendar grain that contains the
    whole period (null where the period spans more), so roll-ups group by columns.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已审核锁定"

    class Source(models.TextChoices):
        ENTRY = "entry", "录入"
        IMPORT = "import", "导入"
        RECORD = "record", "台账"
        EXTRACTION = "extraction", "报道提取"

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT)
    org = models.ForeignKey(
        Organisation, verbose_name="填报机构", on_delete=models.PROTECT, related_name="values"
    )
    region = models.ForeignKey(
        Region, verbose_name="地点", on_delete=models.PROTECT, related_name="values"
    )
    period_type = models.CharField("期间类型", max_length=8, choices=PeriodType.choices)
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    year = models.PositiveSmallIntegerField("年", null=True, editable=False)
    quarter = models.PositiveSmallIntegerField("季", null=True, editable=False)
    month = models.PositiveSmallIntegerField("月", null=True, editable=False)
    disaggregation = models.CharField("分组", max_length=64, blank=True, default="")
    value = models.DecimalField("数值", max_digits=24, decimal_places=4)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    source = models.CharField("来源", max_length=16, choices=Source.choices, default=Source.ENTRY)
    comment = models.TextField("说明", blank=True)
    evidence_note = models.TextField("佐证说明", blank=True)
    evidence_file = models.FileField("佐证文件", upload_to="evidence/%Y/", blank=True)
    evidence_document = models.CharField("来源文档", max_length=200, blank=True)
    evidence_start = models.PositiveIntegerField("文档起始位置", null=True, blank=True)
    evidence_end = models.PositiveIntegerField("文档结束位置", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="提交人",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审核人",
    )

    class Meta:
        verbose_name = "指标值"
        verbose_name_plural = "指标值"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "indicator",
                    "org",
                    "region",
                    "disaggregation",
                    "period_start",
                    "period_end",
                ],
                name="value_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "year", "quarter", "month"]),
            models.Index(fields=["indicator", "org", "region", "period_start"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.indicator_id} {self.org_id} {self.period_start}–{self.period_end}: {self.value}"
        )


class Target(Tracked):
    """A baseline or target for an indicator, organisation, optional place and period."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", "基线"
        TARGET = "target", "目标"

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT)
    org = models.ForeignKey(Organisation, verbose_name="机构", on_delete=models.PROTECT)
    region = models.ForeignKey(
        Region, verbose_name="地点", null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.TARGET)
    period_type = models.CharField("期间类型", max_length=8, choices=PeriodType.choices)
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    year = models.PositiveSmallIntegerField("年", null=True, editable=False)
    quarter = models.PositiveSmallIntegerField("季", null=True, editable=False)
    month = models.PositiveSmallIntegerField("月", null=True, editable=False)
    value = models.DecimalField("数值", max_digits=24, decimal_places=4)
    rationale = models.TextField("依据或调整原因", blank=True)

    class Meta:
        verbose_name = "基线与目标"
        verbose_name_plural = "基线与目标"
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
        verbose_name = "汇总单元"
        verbose_name_plural = "汇总单元"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "axis", "node_id", "grain", "year", "period_no"],
                name="rollup_unique_cell",
            )
        ]

    def __str__(self) -> str:
        node = f"{self.axis}{self.node_id}"
        return f"{self.indicator_id}/{node}/{self.grain}{self.year}.{self.period_no}"
