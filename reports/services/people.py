"""People's access and the teams they work in, changed by admins on the record.

Roles, staff access and trusted-flagger standing are configuration: their changes are on the
audit trail. Personal details are not copied into the (append-only) trail. Who covers a category
is part of its policy: each category's history says when a team started or stopped covering it.
The sign-in changes themselves are accounts' (accounts/services.py, which knows nothing of the
trail); what an admin does to someone else's sign-in is recorded here, in the same transaction.
"""

from collections.abc import Iterable

from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import QuerySet
from django_otp.models import Device

from accounts import services as sign_in
from accounts.models import Team, User
from reports.models import AuditAction, Category
from reports.services.audit import audit_event, record_event, record_events
from reports.services.configuration import Edit, save_configuration

AUDITED_PERSON_FIELDS = {
    "is_active",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
    "is_trusted_flagger",
}


# Inside the admin's transaction these are part of its one change, without a savepoint.
@transaction.atomic(savepoint=False)
def save_person(
    *,
    edit: Edit,
    actor: User,
    roles: Iterable[Group] | None = None,
    permissions: Iterable[Permission] | None = None,
) -> None:
    """Save a person's account, and their roles and permissions when given.

    A new person is always on the record; a change only when it touched their access.
    """
    person = edit.row
    created = person._state.adding
    person.save()
    if roles is not None:
        person.groups.set(roles)
    if permissions is not None:
        person.user_permissions.set(permissions)
    before = {k: v for k, v in edit.before.items() if k in AUDITED_PERSON_FIELDS}
    after = {k: v for k, v in edit.after.items() if k in AUDITED_PERSON_FIELDS}
    if after or created:
        record_event(
            actor=actor,
            action=AuditAction.PERSON_CREATED if created else AuditAction.PERSON_CHANGED,
            target=person,
            category=None,
            before=before,
            after=after,
        )


@transaction.atomic(savepoint=False)
def set_password(*, person: User, password: str | None, actor: User) -> User:
    """Give the person a new password, or none (`None`: no signing in with a password)."""
    if password is None:
        person.set_unusable_password()
    else:
        person.set_password(password)
    person.save(update_fields=["password"])
    record_event(actor=actor, action=AuditAction.PERSON_PASSWORD_SET, target=person, category=None)
    return person


@transaction.atomic(savepoint=False)
def save_team(*, edit: Edit, actor: User, categories: Iterable[Category] | None = None) -> None:
    """Save a team, and the categories it covers when given."""
    team: Team = edit.row
    covered = set() if team._state.adding else set(team.categories.all())
    save_configuration(edits=[edit], actor=actor)
    if categories is None:
        return
    covers = set(categories)
    team.categories.set(covers)
    record_events(
        [
            audit_event(
                actor=actor,
                action=AuditAction.TEAM_COVERAGE_CHANGED,
                target=team,
                category=category,
                before={"covered_by": team.name} if category in covered else {},
                after={"covered_by": team.name} if category in covers else {},
            )
            for category in covered ^ covers
        ]
    )


# Sign-in --------------------------------------------------------------------------------------


@transaction.atomic
def unlock_sign_ins(*, attempts: Iterable[AccessAttempt], actor: User) -> int:
    """Forget these failed sign-ins, each on the record by username (addresses are not kept)."""
    attempts = list(attempts)
    record_events(
        [
            audit_event(
                action=AuditAction.SIGN_IN_UNLOCKED,
                target=attempt,
                actor=actor,
                before={"username": attempt.username},
            )
            for attempt in attempts
        ]
    )
    # The rows on the record, not whatever matches the selection by now.
    chosen = AccessAttempt.objects.filter(pk__in=[attempt.pk for attempt in attempts])
    return sign_in.unlock_sign_ins(chosen, actor=actor)


@transaction.atomic
def remove_second_factors(*, devices: QuerySet[Device], actor: User) -> int:
    """Remove authenticators or recovery codes (a lost phone), each on its owner's record."""
    removing = list(devices.select_related("user"))
    record_events(
        [
            audit_event(
                action=AuditAction.SECOND_FACTOR_REMOVED,
                target=device.user,
                actor=actor,
                before={"device": device.name, "kind": device._meta.model_name},
            )
            for device in removing
        ]
    )
    chosen = devices.model.objects.filter(pk__in=[device.pk for device in removing])
    return sign_in.remove_second_factors(chosen, actor=actor)
