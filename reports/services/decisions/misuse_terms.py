"""The terms of a decision on a misuse case (DSA Art. 23), checked by `terms.term_errors`.

- A misuse case is decided with no action, a warning, or a suspension: from reporting for
  unfounded reports, of the account for illegal content. Nothing else, and alone (no other case
  closes with it).
- A suspension needs an earlier warning on a misuse case of the same member and kind, at any
  time, not reversed: warn first, then suspend. For a trusted flagger, a warning to any member
  of its organisation counts: the organisation's notices are counted together.
- A suspension from reporting is decided only on a misuse case about unfounded reports: never
  on an ordinary case, never in bulk; and misuse cases are never decided in bulk at all.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from reports.models import Case, Category, Decision, DecisionAction, FlaggerMembership
from reports.models.choices import MISUSE_ACTIONS, CaseKind, CategoryPurpose, MisuseKind

# What a senior may decide on each kind of misuse case, in the order the case page offers it.
MISUSE_CASE_ACTIONS = {
    MisuseKind.UNFOUNDED_NOTICES: (
        DecisionAction.NO_VIOLATION,
        DecisionAction.WARN,
        DecisionAction.SUSPEND_REPORTING,
    ),
    MisuseKind.ILLEGAL_CONTENT: (
        DecisionAction.NO_VIOLATION,
        DecisionAction.WARN,
        DecisionAction.SUSPEND,
    ),
}
SUSPENSIONS = (DecisionAction.SUSPEND, DecisionAction.SUSPEND_REPORTING)


def is_misuse_case(case: Case | None) -> bool:
    return case is not None and case.kind == CaseKind.MISUSE


def misuse_of(case: Case, action: str) -> str:
    """What the decision records for the transparency counts: set on a misuse case's
    suspension only."""
    return case.misuse if is_misuse_case(case) and action in SUSPENSIONS else ""


def warned_before(case: Case) -> bool:
    """Whether the member was warned, on a misuse case of the same kind, and it still stands.

    A trusted flagger's notices count for its organisation, and so does a warning: one to any
    of its members warned the organisation.
    """
    subjects = FlaggerMembership.objects.filter(
        organisation__memberships__member_id=case.subject_id
    ).values("member_id")
    return Decision.objects.filter(
        Q(case__subject_id=case.subject_id) | Q(case__subject_id__in=subjects),
        case__kind=CaseKind.MISUSE,
        case__misuse=case.misuse,
        action=DecisionAction.WARN,
        reversed_at__isnull=True,
        awaiting_confirmation=False,
    ).exists()


def misuse_errors(
    *, action: str, case: Case | None, category_id: int, bulk: bool, companions: int
) -> dict[str, list[str]]:
    """What is wrong with this action under the misuse rules; {} when nothing."""
    if bulk:
        if action in MISUSE_ACTIONS:
            return {"action": [_("Suspensions from reporting are decided one case at a time.")]}
        if Category.objects.filter(pk=category_id, purpose=CategoryPurpose.MISUSE).exists():
            return {"action": [_("Misuse cases are decided one at a time, never in bulk.")]}
        return {}
    if not is_misuse_case(case):
        if action in MISUSE_ACTIONS:
            return {
                "action": [
                    _(
                        "Suspending someone from reporting is decided only on a misuse case "
                        "about unfounded reports."
                    )
                ]
            }
        return {}
    allowed = MISUSE_CASE_ACTIONS[MisuseKind(case.misuse)]
    if action not in allowed:
        return {
            "action": [
                _("On this misuse case, decide no action, a warning or “%(suspension)s”.")
                % {"suspension": DecisionAction(allowed[-1]).label}
            ]
        }
    if companions:
        return {"also_cases": [_("A misuse case is decided on its own; close no other case.")]}
    if action in SUSPENSIONS and not warned_before(case):
        return {
            "action": [
                _(
                    "Warn first: this member has no earlier warning on a misuse case of this "
                    "kind, and a suspension comes only after one. Decide a warning now."
                )
            ]
        }
    return {}
