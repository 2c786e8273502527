from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """An administrative division with its official code, or an XPCC division.

    ``province`` and ``prefecture`` are stored ancestors: roll-ups group by them
    directly instead of walking the tree at query time.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("地级")
        COUNTY = "county", _("县级")
        TOWNSHIP = "township", _("乡级")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64, db_index=True)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=32, blank=True)
    aliases = models.CharField(_("别称"), max_length=255, blank=True, help_text=_("以 | 分隔"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self",
        verbose_name=_("所属省级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    prefecture = models.ForeignKey(
        "self",
        verbose_name=_("所属地级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    twin = models.ForeignKey(
        "self",
        verbose_name=_("师市合一"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("兵团师与其城市互为一体时，相互指向"),
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_county_or_below(self) -> bool:
        return self.level in (self.Level.COUNTY, self.Level.TOWNSHIP)

    def alias_list(self) -> list[str]:
        return [a for a in self.aliases.split("|") if a]


class RegionAncestor(models.Model):
    """Closure table: every (region, ancestor) pair, including the region itself at depth 0."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="ancestor_links")
    ancestor = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="descendant_links")
    depth = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("区划上下级")
        verbose_name_plural = _("区划上下级")
        constraints = [
            models.UniqueConstraint(fields=["region", "ancestor"], name="region_ancestor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id} ⊇ {self.region_id}"
