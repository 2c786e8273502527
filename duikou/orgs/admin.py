from django.contrib import admin

from duikou.core.admin import AuditedAdmin

from .models import Membership, Organisation, Pairing, Programme


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["code", "name", "side", "kind", "parent", "region", "is_active", "is_demo"]
    list_filter = ["side", "kind", "is_active", "iati_publisher", "is_demo"]
    search_fields = ["code", "name", "short_name", "credit_code", "iati_ref"]
    raw_id_fields = ["parent", "region"]
    readonly_fields = ["root", "version"]
    list_select_related = ["parent", "region"]


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["code", "name", "start_date", "end_date"]


@admin.register(Pairing)
class PairingAdmin(AuditedAdmin):
    list_display = ["donor", "recipient", "parent", "start_date", "end_date", "confidence"]
    list_filter = ["confidence", "programme"]
    search_fields = ["donor__name", "recipient__name"]
    raw_id_fields = ["donor", "recipient", "parent"]
    list_select_related = ["donor", "recipient", "parent__donor", "parent__recipient"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "organisation", "region"]
    list_filter = ["role"]
    raw_id_fields = ["organisation", "region"]
