"""The cases in a stock Django admin changelist: what a team gets for free, written the way a
careful team would (the queue's columns, order and filters, related rows joined, not fetched one
by one), with Django's defaults for counting and pagination."""

from django.contrib import admin

from reports.models import Case

site = admin.AdminSite(name="stock_admin")


@admin.register(Case, site=site)
class StockCaseAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "category",
        "status",
        "tier",
        "priority",
        "due_at",
        "report_count",
        "language",
        "subject",
        "content",
    )
    list_filter = ("category", "status", "tier")
    list_select_related = ("category", "subject", "content")
    ordering = ("-tier", "-priority", "due_at", "id")
    list_per_page = 50
