from django.contrib import admin

from duikou.core.admin import AuditedAdmin

from .models import (
    BudgetLine,
    FundTransaction,
    ProgressReport,
    Project,
    ProjectDocument,
    StatusChange,
)


class BudgetLineInline(admin.TabularInline):
    """Shown, not edited: budgets change through the project pages, which keep the fund
    summary and the budget checks."""

    model = BudgetLine
    extra = 0
    readonly_fields = ["fund_source", "amount"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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
    readonly_fields = [
        "donor_province",
        "prefecture",
        "is_county_or_below",
        "out_of_pairing",
        "status",
        "status_date",
        "version",
    ]
    raw_id_fields = ["donor_org", "region"]
    inlines = [BudgetLineInline, StatusChangeInline]
    list_select_related = ["donor_org", "region"]

    def has_add_permission(self, request):
        return False  # projects are created on their pages, which derive and check them

    def get_readonly_fields(self, request, obj=None):
        # What the fund summary is keyed by changes through the project pages only.
        return [*self.readonly_fields, "donor_org", "region", "is_livelihood", "plan_year"]


@admin.register(FundTransaction)
class FundTransactionAdmin(AuditedAdmin):
    list_display = ["project", "fund_source", "kind", "amount", "on", "reference"]
    list_filter = ["fund_source", "kind", "year"]
    search_fields = ["project__code", "project__name", "reference"]
    list_select_related = ["project"]

    # Money rows are corrected or voided on the project's 资金流水 page, which re-checks
    # the budget, keeps the fund summary exact and asks for a reason.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(AuditedAdmin):
    list_display = ["project", "year", "month", "percent_complete", "amount_spent"]
    list_filter = ["year", "month"]
    raw_id_fields = ["project"]
    list_select_related = ["project"]


@admin.register(ProjectDocument)
class ProjectDocumentAdmin(AuditedAdmin):
    """Titles, kinds and notes can be corrected here; files are added on the project's page,
    where their type is checked. The bytes are in another table, so no page here reads them."""

    list_display = [
        "title",
        "project",
        "kind",
        "file_name",
        "size",
        "uploaded_by",
        "uploaded_at",
        "removed",
    ]
    list_filter = ["kind", "removed", "is_demo"]
    search_fields = ["title", "file_name", "sha256", "project__code", "project__name"]
    raw_id_fields = ["project"]
    readonly_fields = [
        "project",
        "file_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "removed",
        "removed_at",
        "removed_by",
        "removed_reason",
        "version",
    ]
    list_select_related = ["project", "uploaded_by"]
    date_hierarchy = "uploaded_at"

    def has_add_permission(self, request):
        return False
