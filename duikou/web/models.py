from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One posted create form, known by the one-time token the form carried: a second post
    with the same token (a double click, back-and-resubmit) creates nothing and is sent to
    what the first one made."""

    token = models.CharField(_("表单令牌"), max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(_("提交地址"), max_length=200)
    result = models.CharField(_("结果页面"), max_length=500, blank=True)
    at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("表单提交")
        verbose_name_plural = _("表单提交")

    def __str__(self) -> str:
        return self.path
