from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "duikou.api"
    label = "duikou_api"
    verbose_name = _("数据接口")
