from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from duikou.audit.services import change_record
from duikou.core.admin import AuditedAdmin

from .models import AidBatch, AidMember, Assignment, MentorPair, Training, TrainingParticipant
from .services import snapshot_masked


class MaskedIdentity:
    """ID numbers never appear in clear on admin pages (they are set through the services),
    nor in the change history the admin writes."""

    def save_model(self, request, obj, form, change):
        before = snapshot_masked(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        change_record(
            instance=obj,
            action="update" if change else "create",
            actor=request.user,
            before=before,
            after=snapshot_masked(obj),
            source="管理后台",
        )

    def delete_model(self, request, obj):
        change_record(
            instance=obj,
            action="delete",
            actor=request.user,
            before=snapshot_masked(obj),
            source="管理后台",
        )
        admin.ModelAdmin.delete_model(self, request, obj)

    @admin.display(description=_("身份证号"))
    def id_number_masked(self, obj):
        return obj.id_number_masked

    @admin.display(description=_("徒弟身份证号"))
    def apprentice_id_number_masked(self, obj):
        return obj.apprentice_id_number_masked


@admin.register(AidBatch)
class AidBatchAdmin(AuditedAdmin):
    list_display = ["name", "number", "term", "donor_org", "region", "term_start", "term_end"]
    list_filter = ["term", "year", "is_demo"]
    search_fields = ["name", "donor_org__name"]
    raw_id_fields = ["donor_org", "region"]
    readonly_fields = ["year", "month", "version"]
    list_select_related = ["donor_org", "region"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ["batch", "region"]
    readonly_fields = ["year", "month"]


@admin.register(AidMember)
class AidMemberAdmin(MaskedIdentity, AuditedAdmin):
    list_display = [
        "name",
        "sex",
        "category",
        "batch",
        "donor_org",
        "post",
        "host_org_name",
        "region",
        "id_number_masked",
    ]
    list_filter = ["category", "sex", "is_demo"]
    search_fields = ["name", "home_organisation", "host_org_name"]
    raw_id_fields = ["batch", "donor_org", "host_org", "region"]
    exclude = ["id_number"]
    readonly_fields = ["id_number_masked", "version"]
    inlines = [AssignmentInline]
    list_select_related = ["batch", "donor_org", "region"]


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    list_display = ["member", "term", "batch", "region", "start", "end"]
    list_filter = ["term", "year"]
    search_fields = ["member__name", "host_org_name"]
    raw_id_fields = ["member", "batch", "region"]
    readonly_fields = ["year", "month"]
    list_select_related = ["member", "batch", "region"]


@admin.register(MentorPair)
class MentorPairAdmin(MaskedIdentity, AuditedAdmin):
    list_display = ["mentor", "apprentice_name", "apprentice_institution", "field", "start"]
    list_filter = ["year", "is_demo"]
    search_fields = ["mentor__name", "apprentice_name", "apprentice_institution", "field"]
    raw_id_fields = ["mentor", "region"]
    exclude = ["apprentice_id_number"]
    readonly_fields = ["apprentice_id_number_masked", "year", "month", "version"]
    list_select_related = ["mentor"]


class TrainingParticipantInline(admin.TabularInline):
    model = TrainingParticipant
    extra = 0


@admin.register(Training)
class TrainingAdmin(AuditedAdmin):
    list_display = ["title", "kind", "direction", "organiser", "place", "start", "participants"]
    list_filter = ["kind", "direction", "year", "is_demo"]
    search_fields = ["title", "place"]
    raw_id_fields = ["organiser", "batch", "region"]
    readonly_fields = ["year", "month", "version"]
    inlines = [TrainingParticipantInline]
    list_select_related = ["organiser"]


@admin.register(TrainingParticipant)
class TrainingParticipantAdmin(AuditedAdmin):
    list_display = ["name", "workplace", "post", "training"]
    search_fields = ["name", "workplace", "training__title"]
    raw_id_fields = ["training"]
    list_select_related = ["training"]
