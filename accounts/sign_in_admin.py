"""The admin of failed sign-ins: django-axes' own, with an action that unlocks."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .services import unlock_sign_ins


class SignInAttemptAdmin(AccessAttemptAdmin):
    """Failed sign-ins per account, address and browser within the lockout window.

    To unlock someone, search for their username (or their address), select the rows and run
    "Unlock"; the person can sign in again at once.
    """

    actions = ["unlock", *AccessAttemptAdmin.actions]

    @admin.action(
        description=_("Unlock: forget the selected failed sign-ins"), permissions=["delete"]
    )
    def unlock(self, request, queryset):
        count = unlock_sign_ins(queryset, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "Unlocked: %(count)d record of failed sign-ins forgotten.",
                "Unlocked: %(count)d records of failed sign-ins forgotten.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


# axes.admin registered its own classes when it was imported above: this one takes the place of
# its attempts' admin, and the logs of every sign-in and failure go, as they are not kept
# (AXES_DISABLE_ACCESS_LOG; AXES_ENABLE_ACCESS_FAILURE_LOG is off).
for model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
admin.site.register(AccessAttempt, SignInAttemptAdmin)
