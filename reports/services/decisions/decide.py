"""A moderator decides a case: validated, applied in one transaction, or nothing at all."""

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import Decision, Reason
from reports.models.choices import Ground
from reports.selectors.decisions import case_version
from reports.services.decisions.core import (
    CaseUnavailable,
    apply_decision,
    check_workable,
    lock_case,
    lock_companions,
    needs_second_moderator,
    record_decision,
    refuse_if_proposed,
)
from reports.services.decisions.four_eyes import propose_ban
from reports.services.decisions.terms import term_errors


@transaction.atomic
def decide(
    *,
    case_id: int,
    moderator: User,
    action: str,
    duration: timedelta | None = None,
    reason: Reason | None = None,
    facts: str = "",
    ground: str = Ground.INCOMPATIBLE_CONTENT,
    legal_ground: str = "",
    remove_content: bool = True,
    also_case_ids: Iterable[int] = (),
    expected_version: int | None = None,
    justification: str = "",
) -> Decision:
    """Decide a case and apply everything the decision implies, or nothing at all.

    `remove_content` also takes down the reported content with an action on the member (warn,
    restrict, suspend, ban); "remove content" always does. `also_case_ids` closes the member's
    other open cases with the same decision (their reports are resolved; the member gets one
    enforcement and one strike). Raises CaseUnavailable when someone else decided or holds the
    case, when a ban proposed on it waits for a second moderator, or when `expected_version`
    shows the page was out of date; ValidationError for bad values; PermissionDenied for a case
    outside the moderator's categories.

    A ban in a category with four eyes for bans is only proposed: see `confirm_ban`.

    `justification` says why, where the case's reasons ask for one: a sanction on a member who
    may be at risk, or less than a reason's minimum action (services/decisions/welfare.py).
    """
    now = timezone.now()
    case = lock_case(case_id)
    check_workable(case, moderator=moderator, now=now)
    refuse_if_proposed(case)
    if expected_version is not None and case_version(case) != expected_version:
        raise CaseUnavailable(
            _("This case changed since you opened it; look at it again before deciding."), case=case
        )
    proposing = needs_second_moderator(case.category_id, action)
    # A proposal takes its companions along to the confirmation, where the second moderator
    # sees them; a ban applied at once leaves out companions that want a second moderator.
    others = lock_companions(
        case, also_case_ids, moderator=moderator, now=now, action=None if proposing else action
    )
    # Checked with the companions in hand: closing a case along with another must not step
    # around its reason's minimum action.
    duration, errors = term_errors(
        category_id=case.category_id,
        action=action,
        duration=duration,
        reason=reason,
        ground=ground,
        legal_ground=legal_ground,
        about_members=0 if case.content_id else 1,
        case_reasons=[case.reason, *(other.reason for other in others)],
        justification=justification,
        companions=len(others),
        case=case,
    )
    if errors:
        raise ValidationError(errors)
    if proposing:
        return propose_ban(
            case,
            moderator=moderator,
            reason=reason,
            facts=facts,
            ground=ground,
            legal_ground=legal_ground,
            remove_content=remove_content,
            others=others,
            now=now,
            justification=justification,
        )
    member = User.objects.select_for_update().get(pk=case.subject_id)
    decision = record_decision(
        case,
        moderator=moderator,
        action=action,
        duration=duration,
        reason=reason,
        facts=facts,
        ground=ground,
        legal_ground=legal_ground,
        now=now,
        justification=justification,
    )
    apply_decision(
        decision,
        case,
        member,
        actor=moderator,
        chosen_reason=reason,
        remove_content=remove_content,
        others=others,
        event="decision.recorded",
        now=now,
    )
    return decision
