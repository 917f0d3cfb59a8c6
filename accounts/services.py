"""Sign-in changes: the second factor (enrolment, verification, recovery codes), unlocking, and
the platform's service account with its API token.

Every write of the staff sign-in goes through one function here, called by the pages, the admin
and the tests alike, and written to the "hellomod.sign_in" log with who did it. What an admin does
to someone else's sign-in (unlocking, removing an authenticator) is on the audit trail too:
reports/services/people.py calls these and records it in the same transaction.
"""

import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta

import django_otp
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.models import User

log = logging.getLogger("hellomod.sign_in")

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


def needs_second_factor(user) -> bool:
    """Staff accounts (and superusers) pass a second factor; members never do."""
    return user.is_authenticated and (user.is_staff or user.is_superuser)


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def new_authenticator(*, user: User) -> TOTPDevice:
    """An authenticator to set up, not saved.

    Its key is kept in the setting-up session alone until a code from the app confirms it: no
    other session (someone else who knows the password) can read the key and hold a copy of the
    second factor the person is about to set up.
    """
    return TOTPDevice(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


def confirm_authenticator(
    *, user: User, key: str, code: str, replace: bool = False
) -> Enrolment | None:
    """Save the authenticator with this key once a code from it is right; None otherwise.

    With `replace` (asked from a session that passed the current one), it replaces the person's
    authenticator (a new phone); without, it is refused when the person already has one, so two
    sessions setting one up at once cannot both succeed. It comes with fresh recovery codes.
    No throttle: whoever sets up an authenticator knows its key, there is nothing to guess.
    """
    device = TOTPDevice(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True)
    digits = _digits(code)
    if not (digits.isascii() and digits.isdecimal() and len(digits) == device.digits):
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(digits), device.tolerance):
        return None
    # The code just used cannot pass the second factor again.
    device.last_t = totp.t()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if not replace and has_second_factor(user):
            return None
        TOTPDevice.objects.filter(user=user).delete()
        device.save()
        codes = replace_recovery_codes(user=user)
    log.info("second factor: %s confirmed an authenticator", user.username)
    return Enrolment(device=device, recovery_codes=codes)


@transaction.atomic
def replace_recovery_codes(*, user: User) -> list[str]:
    """New single-use recovery codes for the person; the earlier ones stop working."""
    device, _ = StaticDevice.objects.select_for_update().get_or_create(
        user=user, name=RECOVERY_CODES_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    log.info("second factor: %s has new recovery codes", user.username)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@dataclass(frozen=True)
class Verification:
    device: Device | None = None
    # Set when every device that could check the code is waiting after wrong codes.
    retry_after: timedelta | None = None

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def verify_second_factor(*, user: User, code: str) -> Verification:
    """Check a code from the person's authenticator, or one of their recovery codes.

    Six digits are an authenticator code; anything else is taken for a recovery code (spaces
    and dashes, as the codes are shown, do not matter). django-otp throttles each device: after
    a wrong code the next is not even checked for 1, 2, 4, … seconds.
    """
    cleaned = _digits(code)
    if cleaned.isdigit() and len(cleaned) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        cleaned = "".join(code.split()).replace("-", "").lower()
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    waits = []
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed:
            waits.append(details.get("locked_until", timezone.now()) - timezone.now())
            continue
        verified = django_otp.verify_token(user, device.persistent_id, cleaned)
        if verified is not None:
            log.info("second factor: %s passed with %s", user.username, verified.name)
            return Verification(device=verified)
    log.info("second factor: %s gave a wrong code", user.username)
    if waits:
        seconds = max(1, math.ceil(max(waits).total_seconds()))
        return Verification(retry_after=timedelta(seconds=seconds))
    return Verification()


def unlock_sign_ins(attempts: QuerySet[AccessAttempt], *, actor: User) -> int:
    """Forget these failed sign-ins, lifting the lockouts they caused. Returns how many."""
    described = list(attempts.values_list("username", "ip_address"))
    # Deleted one by one so that django-axes hears of each (its post_delete signal).
    for attempt in attempts:
        attempt.delete()
    for username, address in described:
        log.info("sign-in lockout: %s unlocked %r from %s", actor.username, username, address)
    return len(described)


def remove_second_factors(devices: QuerySet[Device], *, actor: User) -> int:
    """Remove authenticators or recovery codes (a lost phone); returns how many.

    The person sets up a new authenticator at their next sign-in.
    """
    described = list(devices.values_list("user__username", "name"))
    devices.delete()
    for username, name in described:
        log.info("second factor: %s removed %r of %s", actor.username, name, username)
    return len(described)


@transaction.atomic
def platform_account(*, username: str = "platform") -> tuple[User, str, bool]:
    """The platform's service account and its API token, made on first use; True when made now.

    It signs in with the token only (no password) and may send reports and content snapshots on
    members' behalf.
    """
    account, created = User.objects.get_or_create(
        username=username, defaults={"display_name": "Community platform", "password": "!"}
    )
    account.user_permissions.add(Permission.objects.get(codename="submit_for_members"))
    token, _ = Token.objects.get_or_create(user=account)
    if created:
        log.info("platform account %s created", username)
    return account, token.key, created


def _digits(code: str) -> str:
    return "".join(code.split())


def set_language(person: User, language: str) -> User:
    """Write to this person in `language` from now on: pages, inbox messages, e-mails and
    statements of reasons (one of settings.LANGUAGES; callers check it)."""
    person.preferred_language = language
    User.objects.filter(pk=person.pk).update(preferred_language=language)
    return person
