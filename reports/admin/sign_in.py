"""The admin of staff sign-in: failed sign-ins to unlock, authenticators to remove.

Both are security changes to someone's account: services/people.py puts each on the audit
trail with who made it, in the transaction that makes it. Usernames are recorded, addresses are
not (the trail is kept for good).
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from reports.services.people import remove_second_factors, unlock_sign_ins


class SignInAttemptAdmin(AccessAttemptAdmin):
    """Failed sign-ins per account, address and browser within the lockout window.

    To unlock someone, search for their username (or their address), select the rows and run
    "Unlock"; the person can sign in again at once. Unlocking is the only way rows go, so that
    each one is on the record.
    """

    actions = ["unlock"]

    @admin.action(
        description=_("Unlock: forget the selected failed sign-ins"), permissions=["unlock"]
    )
    def unlock(self, request, queryset):
        count = unlock_sign_ins(attempts=queryset, actor=request.user)
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

    def has_unlock_permission(self, request) -> bool:
        return super().has_delete_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class StaffDeviceAdmin:
    """A staff member's authenticator or recovery codes: removed when the phone is lost.

    Only superusers see superusers' devices: removing one lets the next holder of the password
    set up a second factor of their own.
    """

    def get_queryset(self, request):
        devices = super().get_queryset(request)
        if not request.user.is_superuser:
            devices = devices.filter(user__is_superuser=False)
        return devices

    def delete_model(self, request, obj) -> None:
        remove_second_factors(devices=type(obj).objects.filter(pk=obj.pk), actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        remove_second_factors(devices=queryset, actor=request.user)


class StaffAuthenticatorAdmin(StaffDeviceAdmin, TOTPDeviceAdmin):
    pass


class StaffRecoveryCodesAdmin(StaffDeviceAdmin, StaticDeviceAdmin):
    pass


# axes and django-otp registered their own classes when they were imported above: these take
# their place, and the logs of every sign-in and failure go, as they are not kept
# (AXES_DISABLE_ACCESS_LOG; AXES_ENABLE_ACCESS_FAILURE_LOG is off).
for model in (AccessAttempt, AccessLog, AccessFailureLog, TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
admin.site.register(AccessAttempt, SignInAttemptAdmin)
admin.site.register(TOTPDevice, StaffAuthenticatorAdmin)
admin.site.register(StaticDevice, StaffRecoveryCodesAdmin)
