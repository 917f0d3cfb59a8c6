"""Rate limits on intake, changed by admins without a deploy: on the record, applied at once."""

from collections.abc import Iterable

from django.db import transaction

from accounts.models import User
from reports.models import RateLimit
from reports.ratelimit import forget_limits
from reports.services.configuration import Edit, delete_configuration, save_configuration


@transaction.atomic(savepoint=False)
def save_rate_limit(*, edit: Edit, actor: User) -> None:
    """Save a rate limit; the next report is counted against it."""
    save_configuration(edits=[edit], actor=actor)
    _forget_now_and_on_commit()


@transaction.atomic(savepoint=False)
def delete_rate_limits(*, rows: Iterable[RateLimit], actor: User) -> None:
    """Delete rate limits; the next report is counted against the settings' defaults."""
    delete_configuration(rows=rows, actor=actor)
    _forget_now_and_on_commit()


def _forget_now_and_on_commit() -> None:
    # Again once committed: a report read between now and the commit kept the old limits.
    forget_limits()
    transaction.on_commit(forget_limits)
