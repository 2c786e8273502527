from django.contrib import admin

from duikou.core.admin import AuditedAdmin

from .models import Figure, Report


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    list_display = ["title", "doc_date", "org", "uploaded_by", "created_at"]
    search_fields = ["title", "text"]
    raw_id_fields = ["org"]


@admin.register(Figure)
class FigureAdmin(AuditedAdmin):
    list_display = [
        "report",
        "text",
        "indicator_phrase",
        "indicator",
        "org",
        "region",
        "period_start",
        "period_end",
        "status",
    ]
    list_filter = ["status", "unit"]
    search_fields = ["text", "indicator_phrase", "subject", "place"]
    raw_id_fields = ["report", "indicator", "org", "region", "accepted_value"]
