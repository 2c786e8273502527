from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from duikou.core.models import Tracked
from duikou.core.money import MoneyField
from duikou.geo.models import Region
from duikou.orgs.models import Organisation


class Stage(models.TextChoices):
    LEAD = "lead", _("线索")
    RESERVE = "reserve", _("储备")
    NEGOTIATING = "negotiating", _("洽谈")
    SIGNED = "signed", _("签约")
    STARTED = "started", _("开工")
    PRODUCING = "producing", _("投产")
    TERMINATED = "terminated", _("终止")


# The pipeline in order; 终止 stands outside it.
PIPELINE = [
    Stage.LEAD,
    Stage.RESERVE,
    Stage.NEGOTIATING,
    Stage.SIGNED,
    Stage.STARTED,
    Stage.PRODUCING,
]
RANK = {stage: n for n, stage in enumerate(PIPELINE, start=1)} | {Stage.TERMINATED: 0}
# The column holding the first date a deal reached each stage.
MILESTONE_FIELD = {
    Stage.LEAD: "lead_on",
    Stage.RESERVE: "reserve_on",
    Stage.NEGOTIATING: "negotiating_on",
    Stage.SIGNED: "signed_on",
    Stage.STARTED: "started_on",
    Stage.PRODUCING: "producing_on",
    Stage.TERMINATED: "terminated_on",
}


class Deal(Tracked):
    """An investment deal (招商引资项目) brought to a recipient place by a donor organisation.

    The ``*_on`` columns hold the date the deal reached each stage; the stage
    services keep them in step with the dated history in ``DealStageChange`` so
    funnels and stock counts read columns instead of replaying the history.
    """

    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=200, db_index=True)
    enterprise = models.CharField(_("投资企业"), max_length=200, db_index=True)
    industry = models.CharField(_("所属行业"), max_length=64, blank=True)
    industry_chain = models.CharField(_("产业链"), max_length=64, blank=True)
    industrial_park = models.CharField(
        _("入驻园区"), max_length=128, blank=True, help_text=_("落户产业园区的，填写园区名称")
    )
    description = models.TextField(_("项目简介"), blank=True)
    donor_org = models.ForeignKey(
        Organisation, verbose_name=_("引进援疆机构"), on_delete=models.PROTECT, related_name="deals"
    )
    donor_province = models.ForeignKey(
        Organisation,
        verbose_name=_("援疆省市"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    region = models.ForeignKey(
        Region, verbose_name=_("落地地点"), on_delete=models.PROTECT, related_name="deals"
    )
    # The place as the office wrote it when it is finer than a county (昌吉市三工镇).
    location = models.CharField(_("具体地点"), max_length=200, blank=True)
    prefecture = models.ForeignKey(
        Region,
        verbose_name=_("所属地州"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices, default=Stage.LEAD)
    stage_date = models.DateField(_("阶段日期"))
    planned_investment = MoneyField(_("计划投资额（元）"), null=True, blank=True)
    signed_amount = MoneyField(_("签约金额（元）"), null=True, blank=True)
    jobs_expected = models.PositiveIntegerField(_("预计带动就业（人）"), default=0)
    jobs_created = models.PositiveIntegerField(
        _("累计吸纳就业（人）"), default=0, editable=False, help_text=_("由就业登记累计")
    )
    lead_on = models.DateField(_("线索日期"), null=True, blank=True, editable=False)
    reserve_on = models.DateField(_("储备日期"), null=True, blank=True, editable=False)
    negotiating_on = models.DateField(_("洽谈日期"), null=True, blank=True, editable=False)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True, editable=False)
    signed_year = models.PositiveSmallIntegerField(
        _("签约年"), null=True, blank=True, editable=False
    )
    signed_month = models.PositiveSmallIntegerField(
        _("签约月"), null=True, blank=True, editable=False
    )
    started_on = models.DateField(_("开工日期"), null=True, blank=True, editable=False)
    producing_on = models.DateField(_("投产日期"), null=True, blank=True, editable=False)
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("招商引资项目")
        verbose_name_plural = _("招商引资项目")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["donor_org", "signed_year", "signed_month"]),
            models.Index(fields=["stage"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(signed_amount__gte=0) | models.Q(signed_amount__isnull=True),
                name="deal_signed_nonnegative",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_investment__gte=0)
                | models.Q(planned_investment__isnull=True),
                name="deal_planned_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DealStageChange(models.Model):
    """A dated step in a deal's life. Skips and reversals carry the reason they were allowed."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("原阶段"), max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=16, choices=Stage.choices)
    to_rank = models.PositiveSmallIntegerField(_("阶段序号"), editable=False)
    on = models.DateField(_("日期"))
    year = models.PositiveSmallIntegerField(_("年"), editable=False)
    month = models.PositiveSmallIntegerField(_("月"), editable=False)
    is_irregular = models.BooleanField(_("跳过或回退"), default=False)
    reason = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("招商阶段变更")
        verbose_name_plural = _("招商阶段变更")
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["year", "to_rank"])]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage} → {self.to_stage} ({self.on})"


class FundsInPlace(Tracked):
    """Money an investor actually put in (到位资金) on a date; the running total is the sum."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="funds_in_place")
    amount = MoneyField(_("到位金额（元）"))
    on = models.DateField(_("到位日期"))
    year = models.PositiveSmallIntegerField(_("年"), editable=False)
    month = models.PositiveSmallIntegerField(_("月"), editable=False)
    over_signed = models.BooleanField(
        _("超过签约金额"),
        default=False,
        editable=False,
        help_text=_("登记时已确认累计到位超过签约金额"),
    )
    reference = models.CharField(_("凭证"), max_length=100, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("到位资金")
        verbose_name_plural = _("到位资金")
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="funds_in_place_positive")
        ]

    def __str__(self) -> str:
        return f"{self.deal_id} {self.amount} ({self.on})"


class JobsReport(Tracked):
    """A dated count of the jobs a deal has created so far; ``jobs_added`` is the step since the
    previous report, which is what roll-ups add up."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="jobs_reports")
    on = models.DateField(_("登记日期"))
    year = models.PositiveSmallIntegerField(_("年"), editable=False)
    month = models.PositiveSmallIntegerField(_("月"), editable=False)
    jobs_total = models.PositiveIntegerField(_("累计吸纳就业（人）"))
    jobs_added = models.PositiveIntegerField(_("本期新增（人）"), editable=False)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("吸纳就业登记")
        verbose_name_plural = _("吸纳就业登记")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.deal_id} {self.jobs_total}人 ({self.on})"
