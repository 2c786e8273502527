from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Job, ScheduledRun


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind_name",
        "status",
        "progress",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Job._meta.fields]

    @admin.display(description=_("任务"), ordering="kind")
    def kind_name(self, job: Job) -> str:
        return job.kind_label

    def has_add_permission(self, request):
        return False


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ["name", "period_key", "job", "created_at"]
