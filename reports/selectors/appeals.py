"""Reads about appeals: who may appeal what and until when, the member's decisions, the appeals
queues of the seniors and the appeal page.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import (
    Appeal,
    AppealEvidence,
    AppealStatus,
    Category,
    Decision,
    DecisionAction,
    Report,
    ReportStatus,
)
from reports.models.choices import WELFARE_ACTIONS, EnforcementKind
from reports.permissions import moderated_categories

# Decisions that act against the member; the others (no violation, care) restrict nothing.
APPEALABLE_ACTIONS = tuple(
    a for a in DecisionAction if a != DecisionAction.NO_VIOLATION and a not in WELFARE_ACTIONS
)
PAGE_SIZE = 50


def appeal_deadline(decision: Decision) -> datetime:
    """The end of the appeal window: six months after the decision was notified."""
    return decision.notified_at + settings.APPEAL_WINDOW


def decision_refusal(decision: Decision, *, now: datetime) -> str | None:
    """Why nobody may appeal this decision (any more), or None."""
    if decision.awaiting_confirmation:
        return _("This decision has not taken effect; there is nothing to appeal yet.")
    if decision.replaces_id is not None:
        return _(
            "This decision was itself taken on appeal. If you still disagree, you can turn to "
            "a certified out-of-court dispute settlement body: %(url)s"
        ) % {"url": settings.DISPUTE_SETTLEMENT_URL}
    if decision.is_reversed:
        if decision.was_undone:
            return _("This decision was undone by its moderator; nothing of it applies.")
        return _("This decision was already reversed; nothing of it applies any more.")
    if now < decision.notified_at:
        return _("This decision is not final yet; you can appeal once we have told you about it.")
    deadline = appeal_deadline(decision)
    if now > deadline:
        return _(
            "The time to appeal this decision ended on %(date)s, six months after we told you "
            "about it."
        ) % {"date": date_format(timezone.localtime(deadline), "DATE_FORMAT")}
    return None


def member_appeal_refusal(person: User, decision: Decision, *, now: datetime) -> str | None:
    """Why `person` may not appeal this decision against them, or None when they may."""
    if decision.case.subject_id != person.pk:
        return _("This decision is not about you.")
    if decision.primary_id is not None:
        return _("Appeal the decision this one was taken with.")
    if decision.action not in APPEALABLE_ACTIONS:
        return _("This decision took no action against you; there is nothing to appeal.")
    return decision_refusal(decision, now=now) or _already_appealed(person, decision)


def review_refusal(person: User, report: Report, decision: Decision | None, *, now) -> str | None:
    """Why this reporter may not ask for a review of their report's outcome, or None."""
    if report.reporter_id != person.pk:
        return _("This report is not yours.")
    # Until the outcome may be told (past the undo window), nothing here may hint at it.
    if not report.outcome_settled:
        return _(
            "We are still looking at this report; once we tell you what we decided, you can ask "
            "for a review if it ends with no violation found."
        )
    if decision is not None and decision.is_reversed and not decision.was_undone:
        return _(
            "The action taken on your report was reversed on appeal by a senior moderator. If you "
            "disagree, you can turn to a certified out-of-court dispute settlement body: %(url)s"
        ) % {"url": settings.DISPUTE_SETTLEMENT_URL}
    if report.status == ReportStatus.ACTIONED:
        return _("This report led to action; there is nothing to review.")
    if (
        report.status != ReportStatus.NO_VIOLATION
        or decision is None
        or decision.action != DecisionAction.NO_VIOLATION
    ):
        return _("Only a report that ended with no violation found can be reviewed.")
    return decision_refusal(decision, now=now) or _already_appealed(person, decision)


def _already_appealed(person: User, decision: Decision) -> str | None:
    if hasattr(decision, "my_appeals"):  # read with decisions_about: no query per decision
        earlier = next((a for a in decision.my_appeals if a.appellant_id == person.pk), None)
    else:
        earlier = Appeal.objects.filter(decision=decision, appellant=person).first()
    if earlier is None:
        return None
    return _(
        "You already asked us to look at this decision again (%(reference)s); we look at each "
        "decision once."
    ) % {"reference": earlier.reference}


def removed_content(decision: Decision) -> bool:
    """Whether the decision took the reported content down (alone, or with a sanction)."""
    return (
        decision.action == DecisionAction.REMOVE_CONTENT
        or decision.enforcements.filter(kind=EnforcementKind.REMOVE_CONTENT).exists()
    )


def party_refusal(appeal: Appeal, person: User, *, reported: bool | None = None) -> str | None:
    """Why this person may never decide this appeal, or None.

    Who took the decision (or confirmed it), who appealed, the member the case is about and its
    reporters are parties: another senior decides. `reported` says whether the person reported
    the case, when the caller knows it already (a list reads it once for a whole page).
    """
    if person.pk in appeal.decision.deciders:
        return _("You took part in this decision: another senior decides its appeal.")
    if reported is None:
        reported = Report.objects.filter(case_id=appeal.case_id, reporter=person).exists()
    if person.pk == appeal.appellant_id or person.pk == appeal.case.subject_id or reported:
        return _(
            "You are a party to this case (its member, or one of its reporters): another senior "
            "decides its appeal."
        )
    return None


def deciding_decision(report: Report) -> Decision | None:
    """The decision that closed a report: its case's latest one that took effect."""
    return (
        report.case.decisions.filter(awaiting_confirmation=False)
        .select_related("case")
        .order_by("-created_at", "-id")
        .first()
    )


# --- The member's side ---------------------------------------------------------------------------


def decisions_about(member: User) -> QuerySet[Decision]:
    """The decisions against this member that they have been told about, newest first, each with
    their appeal (if any) in `my_appeals`."""
    return (
        Decision.objects.filter(
            case__subject=member,
            primary__isnull=True,
            awaiting_confirmation=False,
            action__in=APPEALABLE_ACTIONS,
            starts_at__lte=timezone.now() - settings.DECISION_UNDO_WINDOW,
        )
        # An undone decision never reached the member: it is not theirs to see.
        .exclude(
            Q(reversed_at__isnull=False)
            & (Q(reversed_by=F("moderator")) | Q(reversed_by=F("confirmed_by")))
        )
        .select_related("case__category", "case__content", "reason", "replaces")
        .prefetch_related(
            Prefetch(
                "appeals",
                queryset=Appeal.objects.filter(appellant=member),
                to_attr="my_appeals",
            )
        )
        .order_by("-created_at", "-id")
    )


def get_decision_for_member(member: User, decision_uuid) -> Decision | None:
    return decisions_about(member).filter(uuid=decision_uuid).first()


# --- The seniors' side ---------------------------------------------------------------------------


def may_decide_appeals(user: User) -> bool:
    return user.is_active and user.has_perm("reports.decide_appeal")


def appeal_categories(user: User) -> QuerySet[Category]:
    """The categories whose appeals this person decides: theirs, if they decide appeals."""
    if not may_decide_appeals(user):
        return Category.objects.none()
    return moderated_categories(user)


def open_appeals_for(user: User) -> QuerySet[Appeal]:
    """Open appeals this senior may be handed: never those of their own decisions, nor those of
    a case they are a party to (see `party_refusal`)."""
    return (
        Appeal.objects.filter(status=AppealStatus.OPEN)
        .exclude(decision__moderator=user)
        .exclude(decision__confirmed_by=user)
        .exclude(appellant=user)
        # Nor those of a case about them, or one they reported.
        .exclude(case__subject=user)
        .exclude(case__reports__reporter=user)
    )


def open_appeal_count(user: User) -> int | None:
    """How many appeals wait in this senior's categories (one query); None for others."""
    if not may_decide_appeals(user):
        return None
    return Appeal.objects.filter(
        status=AppealStatus.OPEN, category__in=appeal_categories(user)
    ).count()


@dataclass
class AppealQueue:
    category: Category
    open: int = 0
    overdue: int = 0
    oldest: datetime | None = None


def appeal_queues(user: User) -> list[AppealQueue]:
    """Open appeals per category this senior decides: one grouped query."""
    categories = list(appeal_categories(user).order_by("position", "name"))
    if not categories:
        return []
    now = timezone.now()
    rows = {
        row["category_id"]: row
        for row in Appeal.objects.filter(
            status=AppealStatus.OPEN, category__in=[c.pk for c in categories]
        )
        .values("category_id")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=Q(due_at__lt=now)),
            oldest=Min("received_at"),
        )
        .order_by()
    }
    queues = []
    for category in categories:
        row = rows.get(category.pk, {})
        queues.append(
            AppealQueue(
                category=category,
                open=row.get("open", 0),
                overdue=row.get("overdue", 0),
                oldest=row.get("oldest"),
            )
        )
    return queues


def appeal_list(category: Category, *, decided: bool = False) -> QuerySet[Appeal]:
    """One category's appeals for the queue page: open ones by due time, or the latest decided."""
    appeals = Appeal.objects.filter(category=category).select_related(
        "case",
        "decision__moderator",
        "decision__confirmed_by",
        "claimed_by",
        "decided_by",
        "appellant",
    )
    if decided:
        return appeals.filter(status=AppealStatus.DECIDED).order_by("-decided_at", "-id")
    return appeals.filter(status=AppealStatus.OPEN).order_by("due_at", "id")


def get_appeal_for_senior(user: User, appeal_id: int) -> Appeal | None:
    return (
        Appeal.objects.filter(pk=appeal_id, category__in=appeal_categories(user))
        .select_related(
            "category",
            "appellant",
            "report__reporter",
            "decision__moderator",
            "decision__confirmed_by",
            "decision__reason",
            "decision__reversed_by",
            "case__category",
            "case__subject",
            "case__content",
            "case__reason",
            "claimed_by",
            "decided_by",
            "replacement",
        )
        .prefetch_related(
            Prefetch("evidence", queryset=AppealEvidence.objects.filter(purged_at__isnull=True))
        )
        .first()
    )
