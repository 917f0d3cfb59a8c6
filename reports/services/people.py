"""People's access and the teams they work in, changed by admins on the record.

Roles, staff access and trusted-flagger standing are configuration: their changes are on the
audit trail. Personal details are not copied into the (append-only) trail. Who covers a category
is part of its policy: each category's history says when a team started or stopped covering it.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction

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
