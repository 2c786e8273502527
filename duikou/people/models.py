from django.db import models
from django.utils.translation import gettext_lazy as _

from duikou.core.models import Tracked
from duikou.geo.models import Region
from duikou.orgs.models import Organisation

from .identity import id_number_mask


class Category(models.TextChoices):
    CADRE = "cadre", _("干部")
    DOCTOR = "doctor", _("医生")
    TEACHER = "teacher", _("教师")
    TECHNICIAN = "technician", _("专业技术人才")
    OTHER = "other", _("其他")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Term(models.TextChoices):
    LONG = "long_term", _("长期援疆")
    SHORT = "short_term", _("柔性援疆")


class AidBatch(Tracked):
    """A numbered batch of aid personnel (第N批), or a short-term group (柔性援疆批次)."""

    donor_org = models.ForeignKey(
        Organisation,
        verbose_name=_("选派机构"),
        on_delete=models.PROTECT,
        related_name="aid_batches",
    )
    number = models.PositiveSmallIntegerField(_("批次"), help_text=_("第N批"))
    name = models.CharField(_("名称"), max_length=128)
    term = models.CharField(_("类型"), max_length=16, choices=Term.choices, default=Term.LONG)
    region = models.ForeignKey(
        Region,
        verbose_name=_("受援地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid_batches",
    )
    term_start = models.DateField(_("开始日期"))
    term_end = models.DateField(_("结束日期"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年"), editable=False)
    month = models.PositiveSmallIntegerField(_("月"), editable=False)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("援疆批次")
        verbose_name_plural = _("援疆批次")
        ordering = ["donor_org", "term_start", "number"]
        constraints = [
            models.UniqueConstraint(fields=["donor_org", "name"], name="aid_batch_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class AidMember(Tracked):
    """A person sent to Xinjiang. ``id_number`` is shown masked everywhere."""

    batch = models.ForeignKey(
        AidBatch,
        verbose_name=_("所属批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    donor_org = models.ForeignKey(
        Organisation,
        verbose_name=_("选派机构"),
        on_delete=models.PROTECT,
        related_name="aid_members",
    )
    name = models.CharField(_("姓名"), max_length=64, db_index=True)
    sex = models.CharField(_("性别"), max_length=8, choices=Sex.choices)
    category = models.CharField(_("人员类别"), max_length=16, choices=Category.choices)
    home_organisation = models.CharField(_("派出单位"), max_length=128, blank=True)
    post = models.CharField(_("援疆职务"), max_length=128, blank=True)
    role = models.CharField(
        _("队内角色"), max_length=64, blank=True, help_text=_("如领队、队长、队员")
    )
    phone = models.CharField(_("联系电话"), max_length=24, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    host_org = models.ForeignKey(
        Organisation,
        verbose_name=_("受援单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_aid_members",
    )
    host_org_name = models.CharField(_("受援单位名称"), max_length=128, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("服务地"), on_delete=models.PROTECT, related_name="aid_members"
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("援疆人员")
        verbose_name_plural = _("援疆人员")
        ordering = ["batch", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~models.Q(id_number=""),
                name="aid_member_unique_id_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return id_number_mask(self.id_number)


class Assignment(Tracked):
    """A dated stint of one person: the long-term term of a batch, or a short-term visit."""

    member = models.ForeignKey(
        AidMember, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="assignments"
    )
    term = models.CharField(_("类型"), max_length=16, choices=Term.choices)
    batch = models.ForeignKey(
        AidBatch,
        verbose_name=_("批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("服务地"), on_delete=models.PROTECT, related_name="aid_assignments"
    )
    host_org_name = models.CharField(_("受援单位"), max_length=128, blank=True)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年"), editable=False)
    month = models.PositiveSmallIntegerField(_("月"), editable=False)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("援疆任务")
        verbose_name_plural = _("援疆任务")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["term", "year", "month"])]

    def __str__(self) -> str:
        return f"{self.member} {self.get_term_display()} {self.start}"


class MentorPair(Tracked):
    """师带徒: an aid member teaching a local person, and what the apprentice can now do alone."""

    mentor = models.ForeignKey(
        AidMember, verbose_name=_("师傅"), on_delete=models.PROTECT, related_name="apprentices"
    )
    apprentice_name = models.CharField(_("徒弟姓名"), max_length=64)
    apprentice_id_number = models.CharField(_("徒弟身份证号"), max_length=18, blank=True)
    apprentice_institution = models.CharField(_("徒弟所在单位"), max_length=128)
    region = models.ForeignKey(
        Region, verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="mentor_pairs"
    )
    field = models.CharField(_("专业领域"), max_length=64)
    start = models.DateField(_("结对日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年"), editable=False)
    month = models.PositiveSmallIntegerField(_("月"), editable=False)
    can_do_alone = models.TextField(_("徒弟已能独立完成"), blank=True)

    class Meta:
        verbose_name = _("师带徒")
        verbose_name_plural = _("师带徒")
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.apprentice_name}"

    @property
    def apprentice_id_number_masked(self) -> str:
        return id_number_mask(self.apprentice_id_number)


class Training(Tracked):
    """A training course or a study visit: 请进来 (held in Xinjiang) or 走出去 (locals travel)."""

    class Kind(models.TextChoices):
        COURSE = "course", _("培训班")
        STUDY_VISIT = "study_visit", _("考察进修")

    class Direction(models.TextChoices):
        BRING_IN = "bring_in", _("请进来")
        GO_OUT = "go_out", _("走出去")

    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    direction = models.CharField(_("方式"), max_length=16, choices=Direction.choices)
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("组织机构"), on_delete=models.PROTECT, related_name="trainings"
    )
    batch = models.ForeignKey(
        AidBatch,
        verbose_name=_("组织批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("学员所在地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    place = models.CharField(_("举办地点"), max_length=128)
    start = models.DateField(_("开始日期"))
    days = models.PositiveIntegerField(_("天数"))
    participants = models.PositiveIntegerField(_("参加人数"))
    year = models.PositiveSmallIntegerField(_("年"), editable=False)
    month = models.PositiveSmallIntegerField(_("月"), editable=False)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("培训与考察")
        verbose_name_plural = _("培训与考察")
        ordering = ["-start", "id"]
        indexes = [models.Index(fields=["kind", "year", "month"])]

    def __str__(self) -> str:
        return self.title


class TrainingParticipant(models.Model):
    """One named participant of a training or study visit (optional list)."""

    training = models.ForeignKey(
        Training, verbose_name=_("培训"), on_delete=models.CASCADE, related_name="participant_list"
    )
    name = models.CharField(_("姓名"), max_length=64)
    workplace = models.CharField(_("工作单位"), max_length=128, blank=True)
    post = models.CharField(_("职务"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("培训学员")
        verbose_name_plural = _("培训学员")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
