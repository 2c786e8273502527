from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from duikou.core.models import Tracked
from duikou.geo.models import Region

from .validators import validate_credit_code, validate_iati_ref


class Organisation(Tracked):
    """A donor or recipient body. Donor tree: province → front command → sub-command / team."""

    class Side(models.TextChoices):
        NATIONAL = "national", _("国家/自治区")
        DONOR = "donor", _("支援方")
        RECIPIENT = "recipient", _("受援方")

    class Kind(models.TextChoices):
        AID_OFFICE = "aid_office", _("援疆办")
        DONOR_PROVINCE = "donor_province", _("援疆省市")
        DONOR_CITY = "donor_city", _("援疆城市")
        FRONT_COMMAND = "front_command", _("前方指挥部")
        SUB_COMMAND = "sub_command", _("分指挥部")
        WORK_TEAM = "work_team", _("工作队")
        GOVERNMENT = "government", _("政府部门")
        HOSPITAL = "hospital", _("医院")
        SCHOOL = "school", _("学校")
        ENTERPRISE = "enterprise", _("企业")
        OTHER = "other", _("其他")

    code = models.CharField(_("机构编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=128, db_index=True)
    short_name = models.CharField(_("简称"), max_length=64, blank=True)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    side = models.CharField(_("所属方"), max_length=16, choices=Side.choices)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="organisations"
    )
    root = models.ForeignKey(
        "self",
        verbose_name=_("所属顶级机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("支援方为援疆省市；自动维护"),
    )
    is_active = models.BooleanField(_("有效"), default=True)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 位，GB 32100-2015；有此代码的机构在 IATI 文件中以 CN-USCI-代码 标识"),
    )
    iati_ref = models.CharField(
        _("IATI 组织标识"),
        max_length=100,
        blank=True,
        validators=[validate_iati_ref],
        help_text=_("已在 IATI 登记的标识，如 CN-COA-…；留空时用统一社会信用代码"),
    )
    iati_publisher = models.BooleanField(
        _("IATI 发布机构"),
        default=False,
        help_text=_("以本机构名义发布 IATI 数据：其下属机构的项目由本机构发布（最近的发布机构）"),
    )

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def iati_identifier(self) -> str:
        """The IATI organisation identifier: the registered one, else CN-USCI and the
        统一社会信用代码, else none (the organisation is then named without a ref)."""
        if self.iati_ref:
            return self.iati_ref
        return f"CN-USCI-{self.credit_code}" if self.credit_code else ""


class OrgAncestor(models.Model):
    """Closure table of the organisation trees, self included at depth 0."""

    org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="ancestor_links")
    ancestor = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="descendant_links"
    )
    depth = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("机构上下级")
        verbose_name_plural = _("机构上下级")
        constraints = [
            models.UniqueConstraint(fields=["org", "ancestor"], name="org_ancestor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id} ⊇ {self.org_id}"


class Programme(Tracked):
    """A counterpart-aid programme, such as 对口援疆 (2010–)."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("援助计划")
        verbose_name_plural = _("援助计划")

    def __str__(self) -> str:
        return self.name


class Pairing(Tracked):
    """A time-bounded link from a donor organisation to a recipient region.

    Sub-pairings (a donor city's sub-command to a county) hang under a pairing.
    """

    class Confidence(models.TextChoices):
        REPORTED = "reported", _("有公开报道")
        UNCERTAIN = "uncertain", _("待核实")

    programme = models.ForeignKey(Programme, verbose_name=_("援助计划"), on_delete=models.PROTECT)
    donor = models.ForeignKey(
        Organisation, verbose_name=_("支援方"), on_delete=models.PROTECT, related_name="pairings"
    )
    recipient = models.ForeignKey(
        Region, verbose_name=_("受援地"), on_delete=models.PROTECT, related_name="pairings"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级结对"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_pairings",
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    confidence = models.CharField(
        _("可信度"), max_length=16, choices=Confidence.choices, default=Confidence.REPORTED
    )
    source = models.TextField(_("来源"), blank=True)

    class Meta:
        verbose_name = _("结对关系")
        verbose_name_plural = _("结对关系")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "donor", "recipient", "start_date"], name="pairing_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.donor} → {self.recipient}"


class Membership(models.Model):
    """Binds a user to a role and to an organisation or region, with everything below it."""

    class Role(models.TextChoices):
        NATIONAL = "national", _("援疆办（全局）")
        FRONT_COMMAND = "front_command", _("前方指挥部")
        SUB_COMMAND = "sub_command", _("分指挥部/工作队")
        RECIPIENT = "recipient", _("受援地政府")
        AUDITOR = "auditor", _("审计")
        PUBLIC = "public", _("公众")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("机构"), null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey(
        Region, verbose_name=_("地区"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
