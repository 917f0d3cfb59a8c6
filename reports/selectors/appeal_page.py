"""Reads for the seniors' appeal pages: the queue's rows, and the appeal with the decision as it
was taken, its case, its reports and the member's record.

Each function runs a fixed number of queries, whatever the number of appeals, reports or
earlier decisions; the page tests pin those numbers.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import (
    Appeal,
    AppealKind,
    AppealStatus,
    Category,
    Decision,
    DecisionAction,
    Evidence,
    Report,
)
from reports.models.categories import ACTION_ORDER
from reports.models.choices import TIMED_ACTIONS
from reports.selectors.appeals import (
    PAGE_SIZE,
    appeal_categories,
    appeal_list,
    party_refusal,
    removed_content,
)
from reports.selectors.case_file import MemberHistory, member_history
from reports.services.appeals.outcomes import REPLACEMENTS


def get_appeal_category(user: User, slug: str) -> Category | None:
    """The category, if this person decides its appeals."""
    return appeal_categories(user).filter(slug=slug).first()


def appeals_held_by(user: User) -> list[Appeal]:
    """The open appeals this senior holds now, for the overview."""
    return list(
        Appeal.objects.filter(
            claimed_by=user, status=AppealStatus.OPEN, lease_expires_at__gt=timezone.now()
        )
        .select_related("category")
        .order_by("due_at", "id")
    )


def took_part(appeal: Appeal, person: User, *, reported: bool | None = None) -> bool:
    """Whether this person decided (or confirmed) the decision appealed, or is a party to its
    case (the appellant, the member, a reporter): see `party_refusal`."""
    return party_refusal(appeal, person, reported=reported) is not None


@dataclass
class AppealRow:
    appeal: Appeal
    own: bool
    held_by_other: bool
    held_by_me: bool
    late: bool


@dataclass
class AppealListPage:
    rows: list[AppealRow]
    number: int
    has_next: bool
    decided: bool


def appeal_rows(
    category: Category, viewer: User, *, decided: bool, page: int = 1
) -> AppealListPage:
    """One page of a category's appeals, open ones due first or the latest decided: one query."""
    now = timezone.now()
    start = (page - 1) * PAGE_SIZE
    appeals = list(
        appeal_list(category, decided=decided).select_related("replacement")[
            start : start + PAGE_SIZE + 1
        ]
    )
    reported = set(
        Report.objects.filter(
            case_id__in={appeal.case_id for appeal in appeals}, reporter=viewer
        ).values_list("case_id", flat=True)
    )
    rows = [
        AppealRow(
            appeal=appeal,
            own=took_part(appeal, viewer, reported=appeal.case_id in reported),
            held_by_other=appeal.is_held_by_someone_else(viewer.pk, now=now),
            held_by_me=(
                appeal.is_open
                and appeal.claimed_by_id == viewer.pk
                and appeal.lease_expires_at > now
            ),
            late=appeal.is_open and appeal.due_at < now,
        )
        for appeal in appeals[:PAGE_SIZE]
    ]
    return AppealListPage(
        rows=rows, number=page, has_next=len(appeals) > PAGE_SIZE, decided=decided
    )


@dataclass(frozen=True)
class Replacement:
    """A milder decision the senior may put in place of the one appealed."""

    action: str
    label: str
    timed: bool


def milder_actions(decision: Decision, *, has_content: bool) -> list[Replacement]:
    """The actions `replacement_errors` accepts in place of `decision`: every sanction short of
    it, or the same timed one for fewer days. `has_content`: the decision removed the content,
    so that removing it alone is milder (never when the decision left it up)."""
    if decision.action not in ACTION_ORDER:
        return []
    appealed = ACTION_ORDER.index(decision.action)
    options = []
    for action in REPLACEMENTS:
        if action == DecisionAction.REMOVE_CONTENT and not has_content:
            continue
        timed = action in TIMED_ACTIONS
        index = ACTION_ORDER.index(action)
        if index < appealed:
            label = DecisionAction(action).label
        elif index == appealed and timed and decision.duration:
            label = _("%(action)s for fewer than %(days)d days") % {
                "action": DecisionAction(action).label,
                "days": decision.duration.days,
            }
        else:
            continue
        options.append(Replacement(action=action, label=str(label), timed=timed))
    return options


@dataclass
class AppealFile:
    """Everything a senior reads before answering an appeal."""

    appeal: Appeal
    decision: Decision
    reports: list[Report]
    history: MemberHistory
    # Other appeals or reviews of the same decision (a reopening answers the open ones too).
    others: list[Appeal]
    # Other cases the decision closed with it (their enforcements follow its outcome).
    companions: list[Decision]
    removed_content: bool
    replacements: list[Replacement]

    @property
    def is_review(self) -> bool:
        return self.appeal.kind == AppealKind.NOTIFIER

    @property
    def open_others(self) -> list[Appeal]:
        return [a for a in self.others if a.is_open]


def appeal_file(appeal: Appeal, viewer: User) -> AppealFile:
    """The appeal's file, from an appeal `get_appeal_for_senior` returned."""
    case = appeal.case
    decision = appeal.decision
    decision.case = case  # the same case, already loaded with the appeal
    reports = list(
        case.reports.select_related("reporter", "reason")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.filter(purged_at__isnull=True).order_by("pk"),
            )
        )
        .order_by("created_at")
    )
    others = list(
        Appeal.objects.filter(decision=decision)
        .exclude(pk=appeal.pk)
        .select_related("decided_by")
        .order_by("received_at")
    )
    companions = list(decision.companions.select_related("case__category").order_by("pk"))
    removed = removed_content(decision)
    return AppealFile(
        appeal=appeal,
        decision=decision,
        reports=reports,
        history=member_history(case.subject, viewer, exclude=case),
        others=others,
        companions=companions,
        removed_content=removed,
        replacements=(
            milder_actions(decision, has_content=removed)
            if appeal.kind == AppealKind.MEMBER
            else []
        ),
    )


def panel_refusal(
    appeal: Appeal, viewer: User, *, now: datetime, reports: list[Report] | None = None
) -> str | None:
    """Why this senior cannot decide the appeal now, in a sentence, or None when they can.

    `reports` are the case's reports when the page has read them already.
    """
    if not appeal.is_open:
        return _("This appeal is decided.")
    reported = None if reports is None else any(r.reporter_id == viewer.pk for r in reports)
    if refusal := party_refusal(appeal, viewer, reported=reported):
        return refusal
    if appeal.is_held_by_someone_else(viewer.pk, now=now):
        who = appeal.claimed_by.display_name or appeal.claimed_by.username
        until = timezone.localtime(appeal.lease_expires_at)
        return _("%(who)s is working on this appeal (until %(until)s).") % {
            "who": who,
            "until": f"{until:%H:%M}",
        }
    return None
