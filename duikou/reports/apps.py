from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "duikou.reports"
    verbose_name = _("报告")

    def ready(self):
        from duikou.jobs.registry import Schedule, register, schedule

        from . import services, tasks

        register(
            services.SUMMARY_JOB, "duikou.reports.tasks.generate_report", label=_("生成工作总结")
        )
        register(
            services.DISPATCH_JOB, "duikou.reports.tasks.generate_report", label=_("生成月调度报表")
        )
        register(
            services.MONTHLY_DISPATCH_JOB,
            "duikou.reports.tasks.generate_monthly_dispatch",
            label=_("定时生成各前方指挥部月调度"),
        )
        schedule(
            Schedule(
                "reports.monthly_dispatch",
                services.MONTHLY_DISPATCH_JOB,
                tasks.previous_month_due,
                tasks.monthly_dispatch_params,
            )
        )
