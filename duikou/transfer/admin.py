from django.contrib import admin

from duikou.core.admin import AuditedAdmin

from .models import HeaderSynonym, ImportRecord, SavedMapping, ValueSynonym


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


@admin.register(HeaderSynonym)
class HeaderSynonymAdmin(AuditedAdmin):
    """Offices' own header words, added to those shipped in ``fixtures/header_synonyms.csv``."""

    list_display = ["synonym", "column", "kind"]
    list_filter = ["kind"]
    search_fields = ["synonym", "column"]


@admin.register(ValueSynonym)
class ValueSynonymAdmin(AuditedAdmin):
    """Offices' own words for choices (已投产 → producing), beside ``value_synonyms.csv``."""

    list_display = ["text", "value", "column", "kind"]
    list_filter = ["kind", "column"]
    search_fields = ["text", "value"]


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin):
    list_display = ["kind", "saved_by", "saved_at"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "signature", "mapping", "saved_by", "saved_at"]

    def has_add_permission(self, request):
        return False
