from django.contrib import admin

from duikou.core.admin import AuditedAdmin

from .models import BudgetLine, FundTransaction, ProgressReport, Project, StatusChange


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "on", "actor", "reason", "recorded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name",
        "donor_org",
        "region",
        "sector",
        "status",
        "is_livelihood",
        "is_county_or_below",
        "out_of_pairing",
        "plan_year",
        "is_demo",
    ]
    list_filter = [
        "status",
        "sector",
        "is_livelihood",
        "is_county_or_below",
        "out_of_pairing",
        "plan_year",
        "is_demo",
    ]
    search_fields = ["code", "name"]
    raw_id_fields = ["donor_org", "region"]
    readonly_fields = [
        "donor_province",
        "prefecture",
        "is_county_or_below",
        "out_of_pairing",
        "status",
        "status_date",
        "version",
    ]
    inlines = [BudgetLineInline, StatusChangeInline]
    list_select_related = ["donor_org", "region"]


@admin.register(FundTransaction)
class FundTransactionAdmin(AuditedAdmin):
    list_display = ["project", "fund_source", "kind", "amount", "on", "reference"]
    list_filter = ["fund_source", "kind", "year"]
    search_fields = ["project__code", "project__name", "reference"]
    raw_id_fields = ["project"]
    readonly_fields = ["year", "month"]
    list_select_related = ["project"]


@admin.register(ProgressReport)
class ProgressReportAdmin(AuditedAdmin):
    list_display = ["project", "year", "month", "percent_complete", "amount_spent"]
    list_filter = ["year", "month"]
    raw_id_fields = ["project"]
    list_select_related = ["project"]
