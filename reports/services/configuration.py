"""Configuration rows written on the record: each saved or deleted row leaves its audit event.

Whoever changes configuration (the admin's pages, a command, a test) describes each row's change
as an `Edit`: the row with its new values, and the changed fields before and after. Rows whose
change has consequences have their own service, which writes through this one: categories and
the rows of their page (services/categories.py), rate limits (services/rate_limits.py), people
and teams (services/people.py).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict

from accounts.models import User
from reports.models import AuditAction, AuditEvent, Category
from reports.services.audit import audit_event, record_events


def plain(value: Any) -> Any:
    """A value as the audit trail stores it: JSON, with people and rows by name."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(item) for item in value)
    if isinstance(value, timedelta | int | float | bool | str) or value is None:
        return value
    return str(value)


@dataclass(frozen=True)
class Edit:
    """A configuration row with its new values set, and what they change.

    `before` and `after` hold the changed fields only, as `plain` writes them; a new row's
    `after` holds every field it was given, defaults included, so the record shows what was set
    up. A changed row with nothing in `after` is saved without an event (only the spelling of a
    value changed).
    """

    row: models.Model
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, row: models.Model, **values: Any) -> "Edit":
        """Set these fields on the row, and say what that changes: for callers without a form."""
        edit = cls(row)
        for name, value in values.items():
            was = getattr(row, name)
            setattr(row, name, value)
            edit = edit.with_change(name, was, value)
        return edit

    def with_change(self, name: str, was: Any, now: Any) -> "Edit":
        """This edit with one more field changed (or, when `was` equals `now`, unchanged)."""
        before = {k: v for k, v in self.before.items() if k != name}
        after = {k: v for k, v in self.after.items() if k != name}
        if self.row._state.adding:
            after[name] = plain(now)  # a new row shows every field it was given
        elif plain(was) != plain(now):
            before[name], after[name] = plain(was), plain(now)
        return Edit(self.row, before, after)


def category_of(row: models.Model) -> Category | None:
    """The category whose policy history shows the row's changes, if any."""
    if isinstance(row, Category):
        return row
    return getattr(row, "category", None)


@transaction.atomic(savepoint=False)
def save_configuration(
    *, edits: Sequence[Edit], actor: User, deleted: Sequence[models.Model] = ()
) -> None:
    """Delete the `deleted` rows, then save each edited row, each change with its audit event.

    Without a savepoint: inside a caller's transaction (the admin's, a service's) this is part
    of that one change.
    """
    events = [_deletion(row, actor=actor) for row in deleted]
    _delete(deleted)
    saved = []
    for edit in edits:
        created = edit.row._state.adding
        edit.row.save()
        if created or edit.after:
            saved.append((edit, created))
    # After the saves: a new row's event names its id.
    events += [
        audit_event(
            actor=actor,
            action=AuditAction.of_configuration(
                type(edit.row), "created" if created else "changed"
            ),
            target=edit.row,
            category=category_of(edit.row),
            before={} if created else edit.before,
            after=edit.after,
        )
        for edit, created in saved
    ]
    record_events(events)


@transaction.atomic(savepoint=False)
def delete_configuration(*, rows: Iterable[models.Model], actor: User) -> None:
    """Delete configuration rows, each recorded with all its values, so the history can say
    what it was."""
    save_configuration(edits=(), deleted=list(rows), actor=actor)


def _deletion(row: models.Model, *, actor: User) -> AuditEvent:
    return audit_event(
        actor=actor,
        action=AuditAction.of_configuration(type(row), "deleted"),
        target=row,
        category=category_of(row),
        before={name: plain(value) for name, value in model_to_dict(row).items()},
    )


def _delete(rows: Sequence[models.Model]) -> None:
    if len(rows) == 1:
        rows[0].delete()  # the row at hand: no query to find it again
        return
    by_model: dict[type[models.Model], list[Any]] = defaultdict(list)
    for row in rows:
        by_model[type(row)].append(row.pk)
    for model, pks in by_model.items():
        # The rows on the record, not whatever a changelist's filter matches by now.
        model._default_manager.filter(pk__in=pks).delete()
