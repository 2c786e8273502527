"""Building blocks shared by every domain app."""

from django.db import models
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
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

    def _get_FIELD_display(self, field) -> str:
        """``get_<field>_display()`` as Django's, with each field's value-to-label map built
        once: Django builds it on every call, hashing every lazy label of the field (one
        translation lookup each), which made a 50-row list page look up labels hundreds of
        times. The labels stay lazy, so each call still answers in the active language."""
        labels = field.__dict__.get("_display_labels")
        if labels is None:
            labels = {make_hashable(key): label for key, label in field.flatchoices}
            if not isinstance(field.choices, CallableChoiceIterator):  # fixed choices only
                field._display_labels = labels
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
