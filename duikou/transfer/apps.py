from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "duikou.transfer"
    verbose_name = _("导入导出")

    def ready(self) -> None:
        from duikou.jobs.registry import register

        register("transfer.import", "duikou.transfer.tasks.import_job", label=_("数据导入"))
        register("transfer.export", "duikou.transfer.tasks.export_job", label=_("数据导出"))
