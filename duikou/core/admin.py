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

    def save_formset(self, request, form, formset, change):
        """Inline rows (budget lines, sales records…) keep their history like the parent."""
        model = formset.model
        kept = [
            f for f in formset.initial_forms if f.instance.pk and f not in formset.deleted_forms
        ]
        before = {
            obj.pk: snapshot(obj)
            for obj in model._default_manager.filter(
                pk__in=[f.instance.pk for f in kept if f.has_changed()]
            )
        }
        for gone in formset.deleted_forms:
            if gone.instance.pk:
                stored = model._default_manager.get(pk=gone.instance.pk)
                change_record(
                    instance=stored,
                    action="delete",
                    actor=request.user,
                    before=snapshot(stored),
                    source="管理后台",
                )
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            change_record(instance=obj, action="create", actor=request.user, source="管理后台")
        for obj, _fields in formset.changed_objects:
            change_record(
                instance=obj,
                action="update",
                actor=request.user,
                before=before.get(obj.pk),
                source="管理后台",
            )
