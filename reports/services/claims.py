"""Claims: "next case" hands each waiting case to one moderator at a time, for a lease."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..models import Case, CaseStatus, Category, Tier
from ..permissions import moderated_categories
from .audit import record_event


def workable_tiers(moderator: User) -> list[int]:
    """Seniors work every tier; moderators the frontline queue."""
    if moderator.has_perm("reports.work_escalated"):
        return list(Tier.values)
    return [Tier.FRONTLINE]


@transaction.atomic
def claim_next_case(
    *, moderator: User, category: Category, language: str | None = None
) -> Case | None:
    """Lease the most urgent waiting case of a queue to this moderator, or None if it is empty.

    SKIP LOCKED lets any number of moderators ask at once: each gets a different case, and
    nobody waits for another's transaction.
    """
    if not moderated_categories(moderator).filter(pk=category.pk).exists():
        raise PermissionDenied("This queue belongs to another team.")
    waiting = Case.objects.filter(
        category=category,
        status__in=[CaseStatus.OPEN, CaseStatus.ESCALATED],
        tier__in=workable_tiers(moderator),
    )
    if language:
        waiting = waiting.filter(language=language)
    case = (
        waiting.select_for_update(skip_locked=True)
        .order_by("-tier", "-priority", "due_at", "pk")
        .first()
    )
    if case is None:
        return None
    now = timezone.now()
    before = {"status": case.status}
    case.status = CaseStatus.CLAIMED
    case.claimed_by = moderator
    case.lease_expires_at = now + settings.CASE_LEASE
    case.first_action_at = case.first_action_at or now
    case.save(update_fields=["status", "claimed_by", "lease_expires_at", "first_action_at"])
    record_event(
        action="case.claimed",
        target=case,
        actor=moderator,
        case=case,
        before=before,
        after={"status": case.status, "lease_expires_at": case.lease_expires_at},
    )
    return case
