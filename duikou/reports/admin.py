from django import forms
from django.contrib import admin

from duikou.core.admin import AuditedAdmin

from .models import GeneratedReport, ReportTemplate, SentenceTemplate, TemplateSection
from .services import section_indicators_refresh, sentence_check


class SentenceForm(forms.ModelForm):
    class Meta:
        model = SentenceTemplate
        fields = ["order", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "cols": 100})}

    def clean_text(self):
        text = self.cleaned_data["text"]
        sentence_check(text)
        return text


class SentenceInline(admin.TabularInline):
    model = SentenceTemplate
    form = SentenceForm
    extra = 1


class SectionInline(admin.TabularInline):
    model = TemplateSection
    fields = ["order", "title", "indicators"]
    readonly_fields = ["indicators"]
    show_change_link = True
    extra = 0


@admin.register(ReportTemplate)
class ReportTemplateAdmin(AuditedAdmin):
    list_display = ["code", "name", "is_active", "updated_at"]
    inlines = [SectionInline]


@admin.register(TemplateSection)
class TemplateSectionAdmin(AuditedAdmin):
    list_display = ["template", "order", "title", "indicators"]
    list_filter = ["template"]
    readonly_fields = ["indicators"]
    inlines = [SentenceInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        section_indicators_refresh(section=form.instance)


@admin.register(GeneratedReport)
class GeneratedReportAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "format", "org", "region", "period_label", "status", "created_at"]
    list_filter = ["kind", "status", "is_scheduled"]
    readonly_fields = [f.name for f in GeneratedReport._meta.fields]

    def has_add_permission(self, request):
        return False
