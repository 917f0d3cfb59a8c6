"""The daily figures and the beat task's cursor, readable in the admin for checking a figure
against its source; the dashboard and the transparency report are where people read them."""

from django.contrib import admin

from reports.admin.scale import LargeTableMixin, ReadOnlyRecordMixin
from reports.models import DailyFigure, FigureCursor


@admin.register(DailyFigure)
class DailyFigureAdmin(ReadOnlyRecordMixin, LargeTableMixin, admin.ModelAdmin):
    list_display = (
        "day",
        "metric",
        "category",
        "tier",
        "language",
        "action",
        "source",
        "outcome",
        "count",
        "within_sla",
    )
    list_select_related = ("category",)
    list_filter = ("metric", "category", "tier")
    date_hierarchy = "day"
    ordering = ("-day", "metric", "-id")
    sortable_by = ("day",)


@admin.register(FigureCursor)
class FigureCursorAdmin(ReadOnlyRecordMixin, admin.ModelAdmin):
    list_display = ("name", "position", "updated_at")
    show_full_result_count = False
