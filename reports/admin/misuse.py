"""The misuse policy (DSA Art. 23) in the admin: one page, saved through its service."""

from django.contrib import admin

from reports.admin.base import ConfigurationAdmin, form_edit
from reports.models import MisusePolicy
from reports.services.misuse_policy import save_misuse_policy


@admin.register(MisusePolicy)
class MisusePolicyAdmin(ConfigurationAdmin):
    """One row, shipped by its migration: nobody adds a second one or deletes it."""

    list_display = ("__str__", "window", "minimum_decided_reports", "unfounded_share", "updated_at")
    fields = (
        "window",
        "minimum_decided_reports",
        "unfounded_share",
        "illegal_strikes",
        "suspension_length",
        "updated_at",
    )
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request):
        # The migration ships the one row; asking the database here would cost a query on
        # every admin page (the sidebar asks each model).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        save_misuse_policy(edit=form_edit(form, created=not change), actor=request.user)
