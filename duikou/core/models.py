"""Building blocks shared by every domain app."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tracked(models.Model):
    """A ledger record: created/updated times and a version for optimistic concurrency.

    ``version`` is bumped by every service update; a save that carries a stale
    version is refused instead of silently overwriting someone else's change.
    """

    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    is_demo = models.BooleanField(
        _("演示数据"), default=False, help_text=_("由 loaddemo 生成的演示数据")
    )

    class Meta:
        abstract = True
