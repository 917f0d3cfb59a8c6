"""A decision's terms: what is wrong with them (one place, for one case and for a bulk decision
alike), and the facts about them the EU Transparency Database records (what was restricted, the
kind of content).
"""

from collections.abc import Sequence
from datetime import timedelta

from django.utils.translation import gettext as _

from reports.models import Case, Content, DecisionAction, Reason
from reports.models.choices import TIMED_ACTIONS, ContentKind, Ground, MediaType, Restriction
from reports.services.decisions.misuse_terms import misuse_errors
from reports.services.decisions.welfare import justification_errors

MAX_DURATION = timedelta(days=365)


RESTRICTION = {
    DecisionAction.NO_VIOLATION: Restriction.NONE,
    DecisionAction.WARN: Restriction.NONE,
    DecisionAction.REMOVE_CONTENT: Restriction.CONTENT_REMOVED,
    DecisionAction.RESTRICT: Restriction.SERVICE_PARTIALLY_SUSPENDED,
    DecisionAction.SUSPEND: Restriction.ACCOUNT_SUSPENDED,
    DecisionAction.BAN: Restriction.ACCOUNT_TERMINATED,
    # Care restricts nothing: no statement of reasons is owed, a support message is sent.
    DecisionAction.SUPPORT: Restriction.NONE,
    DecisionAction.WELFARE_CHECK: Restriction.NONE,
    # Reporting is one feature of the service: suspended for this member, partially.
    DecisionAction.SUSPEND_REPORTING: Restriction.SERVICE_PARTIALLY_SUSPENDED,
}


AUDIO_KINDS = {ContentKind.VOICE_MESSAGE, ContentKind.VOICE_ROOM}


def term_errors(
    *,
    category_id: int,
    action: str,
    duration: timedelta | None,
    reason: Reason | None,
    ground: str = Ground.INCOMPATIBLE_CONTENT,
    legal_ground: str = "",
    cases: int = 1,
    about_members: int = 0,
    case_reasons: Sequence[Reason | None] = (),
    justification: str = "",
    companions: int = 0,
    bulk: bool = False,
    case: Case | None = None,
) -> tuple[timedelta | None, dict[str, list[str]]]:
    """What is wrong with a decision's terms for `cases` cases of a category, and its duration.

    `about_members` counts those cases that are about a member rather than a piece of content;
    `case_reasons` are the reasons of the cases (a welfare reason, a minimum action: see
    services/decisions/welfare.py), `companions` the other cases a decision closes with it.
    A single decision and a `bulk` one are checked here alike; a single one names its `case`,
    for the misuse rules (services/decisions/misuse_terms.py).
    """
    errors: dict[str, list[str]] = {}
    if action not in DecisionAction.values:
        errors["action"] = [_("Choose one of the decisions.")]
    elif action in TIMED_ACTIONS:
        if duration is None or duration <= timedelta(0):
            errors["duration"] = [_("Say how long this lasts.")]
        elif duration > MAX_DURATION:
            errors["duration"] = [_("At most 365 days; for longer, ban.")]
    else:
        duration = None
    if action == DecisionAction.REMOVE_CONTENT and about_members:
        errors["action"] = [
            _("This case is about a member, not a piece of content.")
            if cases == 1
            else _(
                "Some of the selected cases are about a member, not content; choose another action."
            )
        ]
    if reason is not None and reason.category_id != category_id:
        errors["reason"] = [_("Choose a reason of this case's category.")]
    if ground not in Ground.values:
        errors["ground"] = [_("Choose a ground.")]
    elif ground == Ground.ILLEGAL_CONTENT and not legal_ground.strip():
        errors["legal_ground"] = [_("Name the law the content breaks.")]
    for name, problems in justification_errors(
        action=action,
        reasons=[*case_reasons, reason],
        justification=justification,
        bulk=bulk,
        companions=companions,
    ).items():
        errors.setdefault(name, problems)
    for name, problems in misuse_errors(
        action=action, case=case, category_id=category_id, bulk=bulk, companions=companions
    ).items():
        errors.setdefault(name, problems)
    return duration, errors


def media_type(content: Content | None) -> str:
    if content is None:
        return MediaType.TEXT
    if content.kind in AUDIO_KINDS:
        return MediaType.AUDIO
    if content.kind == ContentKind.LIVE_STREAM:
        return MediaType.VIDEO
    if content.media or content.kind == ContentKind.PROFILE_PHOTO:
        return MediaType.IMAGE
    return MediaType.TEXT
