from django.contrib import admin

from duikou.core.admin import AuditedAdmin

from .models import Event, Partnership, SalesChannel, SalesRecord


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    list_display = [
        "code",
        "kind",
        "donor_party_name",
        "local_party_name",
        "donor_org",
        "region",
        "signed_on",
        "status",
    ]
    list_filter = ["kind", "status", "year", "is_demo"]
    search_fields = ["code", "donor_party_name", "local_party_name"]
    raw_id_fields = ["donor_party_org", "local_party_org", "donor_org", "region"]
    readonly_fields = ["status", "ended_on", "year", "month", "version"]
    list_select_related = ["donor_org", "region"]


@admin.register(Event)
class EventAdmin(AuditedAdmin):
    list_display = [
        "code",
        "title",
        "kind",
        "on",
        "place",
        "organiser",
        "participants",
        "amount_traded",
    ]
    list_filter = ["kind", "year", "is_demo"]
    search_fields = ["code", "title", "place"]
    raw_id_fields = ["organiser", "region"]
    readonly_fields = ["year", "month", "version"]
    list_select_related = ["organiser"]


class SalesRecordInline(admin.TabularInline):
    model = SalesRecord
    extra = 0
    readonly_fields = ["year", "month"]


@admin.register(SalesChannel)
class SalesChannelAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "operator", "location", "region", "is_active"]
    list_filter = ["kind", "is_active", "is_demo"]
    search_fields = ["code", "name", "operator"]
    raw_id_fields = ["donor_org", "region"]
    readonly_fields = ["version"]
    inlines = [SalesRecordInline]
    list_select_related = ["region"]


@admin.register(SalesRecord)
class SalesRecordAdmin(AuditedAdmin):
    list_display = ["channel", "period_start", "period_end", "sales_amount", "subsidy_paid"]
    list_filter = ["year"]
    search_fields = ["channel__name", "channel__operator"]
    raw_id_fields = ["channel"]
    readonly_fields = ["year", "month", "version"]
    list_select_related = ["channel"]
