from django.contrib import admin

from duikou.core.admin import AuditedAdmin

from .models import Deal, DealStageChange, FundsInPlace, JobsReport


class DealStageChangeInline(admin.TabularInline):
    model = DealStageChange
    extra = 0
    readonly_fields = ["from_stage", "to_stage", "on", "is_irregular", "reason", "actor"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deal)
class DealAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name",
        "enterprise",
        "donor_org",
        "region",
        "stage",
        "stage_date",
        "signed_amount",
        "jobs_created",
        "is_demo",
    ]
    list_filter = ["stage", "signed_year", "industry_chain", "is_demo"]
    search_fields = ["code", "name", "enterprise"]
    raw_id_fields = ["donor_org", "region"]
    readonly_fields = [
        "donor_province",
        "prefecture",
        "stage",
        "stage_date",
        "jobs_created",
        "signed_on",
        "started_on",
        "producing_on",
        "terminated_on",
        "version",
    ]
    inlines = [DealStageChangeInline]
    list_select_related = ["donor_org", "region"]


@admin.register(DealStageChange)
class DealStageChangeAdmin(AuditedAdmin):
    list_display = ["deal", "from_stage", "to_stage", "on", "is_irregular"]
    list_filter = ["to_stage", "is_irregular", "year"]
    search_fields = ["deal__code", "deal__name", "reason"]
    raw_id_fields = ["deal"]
    readonly_fields = ["to_rank", "year", "month"]
    list_select_related = ["deal"]


@admin.register(FundsInPlace)
class FundsInPlaceAdmin(AuditedAdmin):
    list_display = ["deal", "amount", "on", "over_signed", "reference"]
    list_filter = ["year", "over_signed"]
    search_fields = ["deal__code", "deal__name", "reference"]
    raw_id_fields = ["deal"]
    readonly_fields = ["year", "month", "over_signed"]
    list_select_related = ["deal"]


@admin.register(JobsReport)
class JobsReportAdmin(AuditedAdmin):
    list_display = ["deal", "on", "jobs_total", "jobs_added"]
    list_filter = ["year"]
    search_fields = ["deal__code", "deal__name"]
    raw_id_fields = ["deal"]
    readonly_fields = ["year", "month", "jobs_added"]
    list_select_related = ["deal"]
