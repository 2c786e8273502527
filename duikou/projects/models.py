from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duikou.core.models import Tracked
from duikou.core.money import MoneyField
from duikou.geo.models import Region
from duikou.orgs.models import Organisation, Programme


class Sector(models.TextChoices):
    INDUSTRY = "industry", _("产业发展")
    EMPLOYMENT = "employment", _("就业促进")
    HOUSING = "housing", _("安居富民")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("医疗卫生")
    CULTURE = "culture", _("文化润疆")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    RURAL = "rural", _("乡村振兴")
    TALENT = "talent", _("人才智力")
    GOVERNANCE = "governance", _("基层治理")
    EXCHANGE = "exchange", _("交往交流交融")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    RESERVE = "reserve", _("储备")
    APPROVED = "approved", _("立项")
    BUILDING = "building", _("在建")
    COMPLETED = "completed", _("竣工")
    ACCEPTED = "accepted", _("验收")
    OPERATING = "operating", _("运营")
    TERMINATED = "terminated", _("终止")


class FundSource(models.TextChoices):
    AID = "aid", _("援疆资金")
    LOCAL = "local", _("地方配套")
    SOCIAL = "social", _("社会资金")


class TransactionKind(models.TextChoices):
    RELEASE = "release", _("下达")
    DISBURSE = "disburse", _("拨付")
    SPEND = "spend", _("支出")


class DocumentKind(models.TextChoices):
    APPROVAL = "approval", _("立项批复")
    FEASIBILITY = "feasibility", _("可行性研究")
    TENDER = "tender", _("招投标")
    CONTRACT = "contract", _("合同")
    PHOTO = "photo", _("进度照片")
    ACCEPTANCE = "acceptance", _("验收报告")
    AUDIT = "audit", _("审计报告")
    OTHER = "other", _("其他")


class Project(Tracked):
    """An aid-funded project (援疆项目) in a recipient place, run by a donor organisation."""

    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=200, db_index=True)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    description = models.TextField(_("项目简介"), blank=True)
    programme = models.ForeignKey(Programme, verbose_name=_("援助计划"), on_delete=models.PROTECT)
    donor_org = models.ForeignKey(
        Organisation,
        verbose_name=_("实施援疆机构"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    donor_province = models.ForeignKey(
        Organisation,
        verbose_name=_("援疆省市"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text=_("由实施机构推出"),
    )
    region = models.ForeignKey(
        Region, verbose_name=_("项目地点"), on_delete=models.PROTECT, related_name="projects"
    )
    # The place as the office wrote it when it is finer than a county (玛纳斯县塔西河乡).
    location = models.CharField(_("具体地点"), max_length=200, blank=True)
    prefecture = models.ForeignKey(
        Region,
        verbose_name=_("所属地州"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    sector = models.CharField(_("行业领域"), max_length=32, choices=Sector.choices)
    is_livelihood = models.BooleanField(_("民生项目"), default=False)
    is_county_or_below = models.BooleanField(_("县及县以下"), default=False, editable=False)
    out_of_pairing = models.BooleanField(
        _("结对范围外"),
        default=False,
        editable=False,
        help_text=_("项目地点不在援疆机构的结对范围内"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.RESERVE
    )
    status_date = models.DateField(_("状态日期"))
    plan_year = models.PositiveSmallIntegerField(_("计划年度"), db_index=True)
    planned_start = models.DateField(_("计划开工"))
    planned_end = models.DateField(_("计划完工"))

    class Meta:
        verbose_name = _("援疆项目")
        verbose_name_plural = _("援疆项目")
        ordering = ["-plan_year", "code"]
        indexes = [
            models.Index(fields=["donor_province", "plan_year"]),
            models.Index(fields=["prefecture", "plan_year"]),
            models.Index(fields=["status"]),
            # The project list's default order (newest plan year first), one page at a time.
            models.Index(fields=["plan_year", "id"], name="project_year_page"),
            # The dashboard's projects-by-status for a year, read from the index alone.
            models.Index(fields=["plan_year", "status"], name="project_year_status"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StatusChange(models.Model):
    """A dated step in a project's lifecycle."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Status.choices)
    on = models.DateField(_("日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("说明"), blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_status} → {self.to_status} ({self.on})"


class BudgetLine(models.Model):
    """The planned amount of one fund source for a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    fund_source = models.CharField(_("资金来源"), max_length=16, choices=FundSource.choices)
    amount = MoneyField(_("计划金额（元）"))
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("资金计划")
        verbose_name_plural = _("资金计划")
        constraints = [
            models.UniqueConstraint(fields=["project", "fund_source"], name="budget_line_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_fund_source_display()}"


class FundTransaction(Tracked):
    """Money released (下达), disbursed (拨付) or spent (支出) on a project's budget line.

    ``year`` and ``month`` are stored so roll-ups group by columns, not expressions.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="transactions")
    fund_source = models.CharField(_("资金来源"), max_length=16, choices=FundSource.choices)
    kind = models.CharField(_("类型"), max_length=16, choices=TransactionKind.choices)
    amount = MoneyField(_("金额（元）"))
    on = models.DateField(_("日期"))
    year = models.PositiveSmallIntegerField(_("年"), editable=False)
    month = models.PositiveSmallIntegerField(_("月"), editable=False)
    reference = models.CharField(_("文号/凭证"), max_length=100, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("资金流水")
        verbose_name_plural = _("资金流水")
        ordering = ["on", "id"]
        indexes = [
            models.Index(fields=["project", "fund_source", "kind"]),
            # The ledger-wide list (``/records/fund_transactions/``), newest first.
            models.Index(fields=["on", "id"], name="transaction_on_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="transaction_positive"),
        ]


class ProgressReport(Tracked):
    """A monthly progress report (月调度) for one project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_reports")
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    percent_complete = models.DecimalField(_("形象进度（%）"), max_digits=5, decimal_places=2)
    amount_spent = MoneyField(_("累计支出（元）"))
    problems = models.TextField(_("存在问题"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("月调度")
        verbose_name_plural = _("月调度")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="progress_unique")
        ]


class FundSummary(models.Model):
    """Money planned and moved, summed per donor organisation × place × plan year × year
    moved × fund source × kind × livelihood flag; what dashboards, maps and organisation
    pages read instead of the ledger.

    Kept exact by the services that write budgets and transactions (each adds its change to
    the cells it touches) and rebuilt in bulk by ``fund_summary_rebuild``. Budget cells
    carry the plan year in ``year``. ``donor_province`` follows from ``donor_org``, and
    ``prefecture`` and ``is_county_or_below`` from ``region``; they are stored so summaries
    group by columns. Cells carry the project's organisation and place, the two columns
    the policy scopes projects by, so every user's figures can be read from here.
    """

    BUDGET = "budget"

    donor_org = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    donor_province = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    prefecture = models.ForeignKey(Region, null=True, on_delete=models.CASCADE, related_name="+")
    is_county_or_below = models.BooleanField()
    is_livelihood = models.BooleanField()
    plan_year = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField()
    fund_source = models.CharField(max_length=16, choices=FundSource.choices)
    kind = models.CharField(max_length=16)  # "budget" or a TransactionKind
    amount = MoneyField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "donor_org",
                    "region",
                    "is_livelihood",
                    "plan_year",
                    "year",
                    "fund_source",
                    "kind",
                ],
                name="fund_summary_cell",
            )
        ]
        indexes = [
            models.Index(fields=["fund_source", "plan_year"]),
            models.Index(fields=["fund_source", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.donor_province_id}/{self.region_id}/{self.year} {self.kind} {self.amount}"


class ProjectDocument(models.Model):
    """A file kept with a project: 立项批复, 可研报告, 合同, 验收报告, photos…

    The bytes live in ``ProjectDocumentContent`` so lists never load them. A document is
    never deleted by the platform: removal sets ``removed`` with who, when and why, and
    the change history keeps both states.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(
        _("类别"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=120)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256校验值"), max_length=64)
    note = models.TextField(_("备注"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    removed = models.BooleanField(_("已删除"), default=False)
    removed_at = models.DateTimeField(_("删除时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("删除人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_reason = models.TextField(_("删除原因"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    is_demo = models.BooleanField(
        _("演示数据"), default=False, help_text=_("由 loaddemo 生成的演示数据")
    )

    class Meta:
        verbose_name = _("项目文档")
        verbose_name_plural = _("项目文档")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["project", "removed", "uploaded_at"])]
        constraints = [
            # The same file twice on one project is a mistake; once removed, it may return.
            models.UniqueConstraint(
                fields=["project", "sha256"],
                condition=models.Q(removed=False),
                name="project_document_once",
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="document_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectDocumentContent(models.Model):
    """The bytes of one document, in a table of their own: in the database, so backups and
    restores carry them with everything else, and apart, so listing documents reads none."""

    document = models.OneToOneField(
        ProjectDocument, primary_key=True, on_delete=models.CASCADE, related_name="content"
    )
    data = models.BinaryField(_("内容"))

    class Meta:
        verbose_name = _("文档内容")
        verbose_name_plural = _("文档内容")

    def __str__(self) -> str:
        return f"{self.document_id}"
