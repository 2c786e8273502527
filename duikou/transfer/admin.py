from django.contrib import admin

from .models import ImportRecord


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "file_name",
        "status",
        "rows",
        "created",
        "updated",
        "uploaded_by",
    ]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in ImportRecord._meta.fields]

    def has_add_permission(self, request):
        return False
