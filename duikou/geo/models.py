from django.db import models


class Region(models.Model):
    """An administrative division with its official code, or an XPCC division.

    ``province`` and ``prefecture`` are stored ancestors: roll-ups group by them
    directly instead of walking the tree at query time.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        PREFECTURE = "prefecture", "地级"
        COUNTY = "county", "县级"
        TOWNSHIP = "township", "乡级"

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64, db_index=True)
    short_name = models.CharField("简称", max_length=32, blank=True)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    kind = models.CharField("类型", max_length=32, blank=True)
    aliases = models.CharField("别称", max_length=255, blank=True, help_text="以 | 分隔")
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.ForeignKey(
        "self",
        verbose_name="所属省级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    prefecture = models.ForeignKey(
        "self",
        verbose_name="所属地级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    twin = models.ForeignKey(
        "self",
        verbose_name="师市合一",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="兵团师与其城市互为一体时，相互指向",
    )
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
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
        verbose_name = "区划上下级"
        verbose_name_plural = "区划上下级"
        constraints = [
            models.UniqueConstraint(fields=["region", "ancestor"], name="region_ancestor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id} ⊇ {self.region_id}"
