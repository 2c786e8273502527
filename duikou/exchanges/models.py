from django.db import models

from duikou.core.models import Tracked
from duikou.core.money import MoneyField
from duikou.geo.models import Region
from duikou.orgs.models import Organisation


class PartnershipKind(models.TextChoices):
    MEDICAL_ALLIANCE = "medical_alliance", "医联体"
    SPECIALTY_ALLIANCE = "specialty_alliance", "专科联盟"
    TELEMEDICINE = "telemedicine", "远程医疗协作"
    HOSPITAL_PAIRING = "hospital_pairing", "医院结对帮扶"
    SCHOOL_PAIRING = "school_pairing", "学校结对"
    FRIENDLY_SCHOOL = "friendly_school", "友好学校"
    INDUSTRY_ALLIANCE = "industry_alliance", "产业协作联盟"
    OTHER = "other", "其他"


MEDICAL_KINDS = (
    PartnershipKind.MEDICAL_ALLIANCE,
    PartnershipKind.SPECIALTY_ALLIANCE,
    PartnershipKind.TELEMEDICINE,
    PartnershipKind.HOSPITAL_PAIRING,
)
SCHOOL_KINDS = (PartnershipKind.SCHOOL_PAIRING, PartnershipKind.FRIENDLY_SCHOOL)


class Partnership(Tracked):
    """A standing agreement between a donor-side and a recipient-side institution."""

    class Status(models.TextChoices):
        ACTIVE = "active", "有效"
        ENDED = "ended", "已结束"

    code = models.CharField("编号", max_length=40, unique=True)
    kind = models.CharField("类型", max_length=24, choices=PartnershipKind.choices)
    donor_party_name = models.CharField("援方单位", max_length=128)
    donor_party_org = models.ForeignKey(
        Organisation,
        verbose_name="援方单位（机构）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    local_party_name = models.CharField("受援方单位", max_length=128)
    local_party_org = models.ForeignKey(
        Organisation,
        verbose_name="受援方单位（机构）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    donor_org = models.ForeignKey(
        Organisation,
        verbose_name="推动援疆机构",
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    region = models.ForeignKey(
        Region, verbose_name="受援地", on_delete=models.PROTECT, related_name="partnerships"
    )
    signed_on = models.DateField("建立日期")
    year = models.PositiveSmallIntegerField("年", editable=False)
    month = models.PositiveSmallIntegerField("月", editable=False)
    planned_end = models.DateField("约定截止日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField("结束日期", null=True, blank=True, editable=False)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "合作共建"
        verbose_name_plural = "合作共建"
        ordering = ["-signed_on", "code"]
        indexes = [models.Index(fields=["kind", "signed_on"])]

    def __str__(self) -> str:
        return f"{self.donor_party_name}—{self.local_party_name}（{self.get_kind_display()}）"


class EventKind(models.TextChoices):
    STUDY_TOUR = "study_tour", "研学"
    PERFORMANCE = "performance", "演出"
    FAIR = "fair", "展销会"
    PROMOTION = "promotion", "推介会"
    INVESTMENT = "investment", "招商活动"
    FREE_CLINIC = "free_clinic", "义诊"
    FORUM = "forum", "论坛"
    TRAINING = "training", "培训班"
    CULTURAL = "cultural", "文化活动"
    EXCHANGE = "exchange", "交流联谊"
    OTHER = "other", "其他"


class Event(Tracked):
    """A dated event with its participants and outcomes.

    ``region`` is the recipient place the event serves (奇台县 for a fair of
    Qitai products held in Fuzhou); ``place`` is where it was held, as written.
    """

    code = models.CharField("编号", max_length=40, unique=True)
    kind = models.CharField("类型", max_length=16, choices=EventKind.choices)
    title = models.CharField("名称", max_length=200, db_index=True)
    on = models.DateField("日期")
    end_on = models.DateField("结束日期", null=True, blank=True)
    year = models.PositiveSmallIntegerField("年", editable=False)
    month = models.PositiveSmallIntegerField("月", editable=False)
    place = models.CharField("举办地点", max_length=128)
    region = models.ForeignKey(
        Region,
        verbose_name="受援地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    organiser = models.ForeignKey(
        Organisation, verbose_name="组织机构", on_delete=models.PROTECT, related_name="events"
    )
    participants = models.PositiveIntegerField("参加人数", default=0)
    exhibitors = models.PositiveIntegerField("参展企业（家）", default=0)
    deals_signed = models.PositiveIntegerField("签约/合作项目（个）", default=0)
    amount_traded = MoneyField("成交金额（元）", default=0)
    intended_orders = MoneyField("意向订单金额（元）", default=0)
    people_served = models.PositiveIntegerField("服务群众（人次）", default=0)
    medicine_value = MoneyField("赠送药品价值（元）", default=0)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "交流活动"
        verbose_name_plural = "交流活动"
        ordering = ["-on", "code"]
        indexes = [models.Index(fields=["kind", "year", "month"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_traded__gte=0)
                & models.Q(intended_orders__gte=0)
                & models.Q(medicine_value__gte=0),
                name="event_amounts_nonnegative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.on}）"


class SalesChannel(Tracked):
    """A way recipient-area products reach buyers: a store, a fair stand or an online shop."""

    class Kind(models.TextChoices):
        STORE = "store", "门店"
        FAIR = "fair", "展会"
        ONLINE = "online", "线上平台"
        OTHER = "other", "其他"

    code = models.CharField("编号", max_length=40, unique=True)
    name = models.CharField("名称", max_length=128)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    operator = models.CharField("外销主体", max_length=128, help_text="经营该渠道的企业")
    location = models.CharField("所在地", max_length=128, blank=True)
    donor_org = models.ForeignKey(
        Organisation, verbose_name="扶持援疆机构", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name="产品来源地", on_delete=models.PROTECT, related_name="sales_channels"
    )
    opened_on = models.DateField("开设日期", null=True, blank=True)
    is_active = models.BooleanField("经营中", default=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "外销渠道"
        verbose_name_plural = "外销渠道"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SalesRecord(Tracked):
    """Sales through one channel over one period, and the subsidy paid for it."""

    channel = models.ForeignKey(
        SalesChannel, verbose_name="渠道", on_delete=models.PROTECT, related_name="sales"
    )
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    year = models.PositiveSmallIntegerField("年", editable=False, help_text="期间结束所在年")
    month = models.PositiveSmallIntegerField("月", editable=False)
    sales_amount = MoneyField("销售额（元）")
    subsidy_paid = MoneyField("发放补贴（元）", default=0)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "外销销售记录"
        verbose_name_plural = "外销销售记录"
        ordering = ["channel", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "period_start"], name="sales_period_unique"),
            models.CheckConstraint(
                condition=models.Q(sales_amount__gte=0) & models.Q(subsidy_paid__gte=0),
                name="sales_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.period_start}—{self.period_end}"
