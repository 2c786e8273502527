from django.contrib import admin

from .models import ChangeEntry


@admin.register(ChangeEntry)
class ChangeEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "entity", "entity_id", "action", "actor", "reason"]
    list_filter = ["action", "entity"]
    search_fields = ["entity_id", "reason"]
    readonly_fields = [f.name for f in ChangeEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
