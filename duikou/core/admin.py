"""Admin pages keep the change history too: every save and delete is recorded."""

from django.contrib import admin

from duikou.audit.services import change_record, snapshot


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose edits land in the change history with who and what."""

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk:
            before = snapshot(type(obj).objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        change_record(
            instance=obj,
            action="update" if change else "create",
            actor=request.user,
            before=before,
            source="管理后台",
        )

    def delete_model(self, request, obj):
        change_record(
            instance=obj,
            action="delete",
            actor=request.user,
            before=snapshot(obj),
            source="管理后台",
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
