from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "duikou.core"
    verbose_name = _("公共")

    def ready(self):
        from django.db.models.signals import post_migrate

        from duikou.jobs.registry import Schedule, register, schedule

        from . import tasks
        from .ledger_cache import ledger_ticks_install

        # Every migrate leaves each counted table with its ledger-write trigger, new ones too.
        post_migrate.connect(
            lambda using="default", **_: ledger_ticks_install(using),
            weak=False,
            dispatch_uid="duikou.core.ledger_ticks",
        )

        register(tasks.BACKUP_JOB, "duikou.core.tasks.backup_job", label=_("每日备份"))
        register(tasks.CLEANUP_JOB, "duikou.core.tasks.cleanup_job", label=_("每日清理过期数据"))
        schedule(
            Schedule("core.daily_backup", tasks.BACKUP_JOB, tasks.backup_due, tasks.day_params)
        )
        schedule(
            Schedule("core.daily_cleanup", tasks.CLEANUP_JOB, tasks.cleanup_due, tasks.day_params)
        )
