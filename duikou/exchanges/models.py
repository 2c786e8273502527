from django.db import models
from django.utils.translation import gettext_lazy as _

from duikou.core.models import Tracked
from duikou.core.money import MoneyField
from duikou.geo.models import Region
from duikou.orgs.models import Organisation


class PartnershipKind(models.TextChoices):
    MEDICAL_ALLIANCE = "medical_alliance", _("医联体")
    SPECIALTY_ALLIANCE = "specialty_alliance", _("专科联盟")
    TELEMEDICINE = "telemedicine", _("远程医疗协作")
    HOSPITAL_PAIRING = "hospital_pairing", _("医院结对帮扶")
    SCHOOL_PAIRING = "school_pairing", _("学校结对")
    FRIENDLY_SCHOOL = "friendly_school", _("友好学校")
    INDUSTRY_ALLIANCE = "industry_alliance", _("产业协作联盟")
    OTHER = "other", _("其他")


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
        ACTIVE = "active", _("有效")
        ENDED = "ended", _("已结束")

    code = models.CharField(_("编号"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=24, choices=PartnershipKind.choices)
    donor_party_name = models.CharField(_("援方单位"), max_length=128)
    donor_party_org = models.ForeignKey(
        Organisation,
        verbose_name=_("援方单位（机构）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    local_party_name = models.CharField(_("受援方单位"), max_length=128)
    local_party_org = models.ForeignKey(
        Organisation,
        verbose_name=_("受援方单位（机构）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    donor_org = models.ForeignKey(
        Organisation,
        verbose_name=_("推动援疆机构"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("受援地"), on_delete=models.PROTECT, related_name="partnerships"
    )
    signed_on = models.DateField(_("建立日期"))
    year = models.PositiveSmallIntegerField(_("年"), editable=False)
    month = models.PositiveSmallIntegerField(_("月"), editable=False)
    planned_end = models.DateField(_("约定截止日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    ended_on = models.DateField(_("结束日期"), null=True, blank=True, editable=False)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("合作共建")
        verbose_name_plural = _("合作共建")
        ordering = ["-signed_on", "code"]
        indexes = [models.Index(fields=["kind", "signed_on"])]

    def __str__(self) -> str:
        return f"{self.donor_party_name}—{self.local_party_name}（{self.get_kind_display()}）"


class EventKind(models.TextChoices):
    STUDY_TOUR = "study_tour", _("研学")
    PERFORMANCE = "performance", _("演出")
    FAIR = "fair", _("展销会")
    PROMOTION = "promotion", _("推介会")
    INVESTMENT = "investment", _("招商活动")
    FREE_CLINIC = "free_clinic", _("义诊")
    FORUM = "forum", _("论坛")
    TRAINING = "training", _("培训班")
    CULTURAL = "cultural", _("文化活动")
    EXCHANGE = "exchange", _("交流联谊")
    OTHER = "other", _("其他")


class Event(Tracked):
    """A dated event with its participants and outcomes.

    ``region`` is the recipient place the event serves (奇台县 for a fair of
    Qitai products held in Fuzhou); ``place`` is where it was held, as written.
    """

    code = models.CharField(_("编号"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=EventKind.choices)
    title = models.CharField(_("名称"), max_length=200, db_index=True)
    on = models.DateField(_("日期"))
    end_on = models.DateField(_("结束日期"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年"), editable=False)
    month = models.PositiveSmallIntegerField(_("月"), editable=False)
    place = models.CharField(_("举办地点"), max_length=128)
    region = models.ForeignKey(
        Region,
        verbose_name=_("受援地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("组织机构"), on_delete=models.PROTECT, related_name="events"
    )
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    exhibitors = models.PositiveIntegerField(_("参展企业（家）"), default=0)
    deals_signed = models.PositiveIntegerField(_("签约/合作项目（个）"), default=0)
    amount_traded = MoneyField(_("成交金额（元）"), default=0)
    intended_orders = MoneyField(_("意向订单金额（元）"), default=0)
    people_served = models.PositiveIntegerField(_("服务群众（人次）"), default=0)
    medicine_value = MoneyField(_("赠送药品价值（元）"), default=0)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("交流活动")
        verbose_name_plural = _("交流活动")
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
        STORE = "store", _("门店")
        FAIR = "fair", _("展会")
        ONLINE = "online", _("线上平台")
        OTHER = "other", _("其他")

    code = models.CharField(_("编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    operator = models.CharField(_("外销主体"), max_length=128, help_text=_("经营该渠道的企业"))
    location = models.CharField(_("所在地"), max_length=128, blank=True)
    donor_org = models.ForeignKey(
        Organisation, verbose_name=_("扶持援疆机构"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("产品来源地"),
        on_delete=models.PROTECT,
        related_name="sales_channels",
    )
    opened_on = models.DateField(_("开设日期"), null=True, blank=True)
    is_active = models.BooleanField(_("经营中"), default=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("外销渠道")
        verbose_name_plural = _("外销渠道")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SalesRecord(Tracked):
    """Sales through one channel over one period, and the subsidy paid for it."""

    channel = models.ForeignKey(
        SalesChannel, verbose_name=_("渠道"), on_delete=models.PROTECT, related_name="sales"
    )
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    year = models.PositiveSmallIntegerField(_("年"), editable=False, help_text=_("期间结束所在年"))
    month = models.PositiveSmallIntegerField(_("月"), editable=False)
    sales_amount = MoneyField(_("销售额（元）"))
    subsidy_paid = MoneyField(_("发放补贴（元）"), default=0)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("外销销售记录")
        verbose_name_plural = _("外销销售记录")
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
