from django.contrib import admin

from duikou.core.admin import AuditedAdmin

from .models import Indicator, Target, Value


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "unit",
        "kind",
        "aggregation",
        "frequency",
        "sector",
        "higher_is_better",
        "is_active",
    ]
    list_filter = ["kind", "aggregation", "frequency", "sector", "is_active"]
    search_fields = ["code", "name_zh", "name_en", "synonyms"]


@admin.register(Value)
class ValueAdmin(AuditedAdmin):
    """Values are changed through their services (approval, lock); the admin only reads."""

    list_display = [
        "indicator",
        "org",
        "region",
        "period_start",
        "period_end",
        "value",
        "status",
        "source",
    ]
    list_filter = ["status", "source", "period_type", "year"]
    search_fields = ["indicator__code", "indicator__name_zh", "org__name"]
    list_select_related = ["indicator", "org", "region"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ["indicator", "org", "region", "kind", "period_start", "period_end", "value"]
    list_filter = ["kind", "year"]
    raw_id_fields = ["indicator", "org", "region"]
    list_select_related = ["indicator", "org", "region"]
