from django.contrib import admin

from duikou.core.admin import AuditedAdmin

from .models import Region


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "aliases", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["code", "name", "aliases"]
    raw_id_fields = ["parent"]
    readonly_fields = ["province", "prefecture"]
