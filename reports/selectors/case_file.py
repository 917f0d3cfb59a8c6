"""Reads for the case page and the member page: the case file, the member's history, the policy.

Every function here runs a fixed number of queries, whatever the size of the member's history
or of the category's policy; the page tests pin those numbers.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reports.models import (
    AuditAction,
    AuditEvent,
    Case,
    Category,
    Decision,
    Enforcement,
    EscalationTier,
    Evidence,
    LadderStep,
    Note,
    Policy,
    Reason,
    Report,
    Strike,
)
from reports.models.choices import (
    OPEN_CASE_STATUSES,
    CaseKind,
    DecisionAction,
    Handling,
    ReportStatus,
    Severity,
)
from reports.permissions import visible_cases
from reports.selectors.audit_trail import TrailLine, trail_lines
from reports.selectors.referrals import trail_for
from reports.texts.durations import describe_duration
from reports.texts.statements import statement_bodies

HISTORY_SIZE = 20
AUDIT_SIZE = 100
# A pattern or misuse case looks at tens of reports; past this many the page lists the first.
LINKED_SIZE = 200


def case_for_page(case_id: int) -> QuerySet[Case]:
    """The case with what its page and the decision forms read of it, in one query."""
    return Case.objects.select_related(
        "category", "category__policy", "subject", "content", "reason", "claimed_by"
    ).filter(pk=case_id)


@dataclass
class MemberHistory:
    member: User
    decisions: list[Decision]
    strikes: list[Strike]
    enforcements: list[Enforcement]
    open_cases: list[Case]
    earlier_cases: list[Case]
    visible_case_ids: set[int]


def member_history(member: User, viewer: User, *, exclude: Case | None = None) -> MemberHistory:
    now = timezone.now()
    cases = Case.objects.filter(subject=member).select_related("category", "content", "reason")
    if exclude is not None:
        cases = cases.exclude(pk=exclude.pk)
    open_cases = list(
        visible_cases(viewer)
        .filter(subject=member, status__in=OPEN_CASE_STATUSES)
        .exclude(pk=exclude.pk if exclude else None)
        .select_related("category", "content", "claimed_by")
        .order_by("due_at")[:HISTORY_SIZE]
    )
    earlier = list(
        cases.exclude(status__in=OPEN_CASE_STATUSES).order_by("-opened_at")[:HISTORY_SIZE]
    )
    visible = set(
        visible_cases(viewer).filter(pk__in=[c.pk for c in earlier]).values_list("pk", flat=True)
    ) | {c.pk for c in open_cases}
    return MemberHistory(
        member=member,
        decisions=list(
            Decision.objects.filter(case__subject=member, primary__isnull=True)
            .select_related("case__category", "moderator", "confirmed_by", "reason")
            .order_by("-created_at")[:HISTORY_SIZE]
        ),
        strikes=list(
            Strike.objects.filter(member=member, revoked_at__isnull=True, expires_at__gt=now)
            .select_related("category")
            .order_by("-created_at")
        ),
        enforcements=list(
            Enforcement.objects.filter(member=member, lifted_at__isnull=True).order_by("-starts_at")
        ),
        open_cases=open_cases,
        earlier_cases=earlier,
        visible_case_ids=visible,
    )


@dataclass(frozen=True)
class TierLine:
    tier: str
    team: str
    sla: str


@dataclass(frozen=True)
class LadderLine:
    offence: int
    action: str
    duration: str


@dataclass(frozen=True)
class ReasonLine:
    name: str
    severity: str
    sla: str
    own_severity: bool
    own_sla: bool
    critical: bool
    active: bool
    welfare: bool
    minimum: str


@dataclass
class PolicyPanel:
    """A category's policy as moderators read it on the case page (admins change it elsewhere)."""

    category: Category
    policy: Policy | None
    tiers: list[TierLine]
    ladder: list[LadderLine]
    reasons: list[ReasonLine]
    ladder_steps: list[LadderStep]

    @property
    def sla(self) -> str:
        return describe_duration(self.category.sla, empty="—")

    @property
    def four_eyes_for_bans(self) -> bool:
        return bool(self.policy and self.policy.four_eyes_for_bans)

    @property
    def escalation_window(self) -> str:
        return describe_duration(self.policy.escalation_window, empty="—") if self.policy else "—"

    @property
    def auto_hide_window(self) -> str:
        return describe_duration(self.policy.auto_hide_window, empty="—") if self.policy else "—"

    @property
    def strike_lifetime(self) -> str:
        return describe_duration(self.policy.strike_lifetime, empty="—") if self.policy else "—"


def policy_panel(category: Category) -> PolicyPanel:
    """The category's policy, tiers, ladder and reasons: three queries, whatever their size.

    The policy itself comes with the category when the case was loaded with `case_for_page`.
    """
    try:
        policy = category.policy
    except ObjectDoesNotExist:
        policy = None
    tiers = [
        TierLine(
            tier=row.get_tier_display(),
            team=row.team.name if row.team else "",
            sla=describe_duration(row.sla, empty="—"),
        )
        for row in EscalationTier.objects.filter(category=category)
        .select_related("team")
        .order_by("tier")
    ]
    steps = list(LadderStep.objects.filter(category=category).order_by("offence"))
    ladder = [
        LadderLine(
            offence=step.offence,
            action=DecisionAction(step.action).label,
            duration=describe_duration(step.duration) if step.duration else "",
        )
        for step in steps
    ]
    reasons = [
        ReasonLine(
            name=reason.display_name,
            severity=Severity(
                reason.severity if reason.severity is not None else category.severity
            ).label,
            sla=describe_duration(reason.sla or category.sla, empty="—"),
            own_severity=reason.severity is not None,
            own_sla=reason.sla is not None,
            critical=reason.is_critical,
            active=reason.is_active,
            welfare=reason.handling == Handling.WELFARE,
            minimum=reason.get_minimum_action_display() if reason.minimum_action else "",
        )
        for reason in Reason.objects.filter(category=category).order_by("position", "name")
    ]
    return PolicyPanel(
        category=category,
        policy=policy,
        tiers=tiers,
        ladder=ladder,
        reasons=reasons,
        ladder_steps=steps,
    )


@dataclass
class CaseFile:
    case: Case
    reports: list[Report]
    notes: list[Note]
    events: list[AuditEvent]
    # The events in words, for "What happened to this case".
    trail: list[TrailLine]
    decisions: list[Decision]
    history: MemberHistory
    statement_templates: dict[str, str]
    policy: PolicyPanel
    # Floods and patterns: the reports on other cases a pattern or misuse case looks at.
    linked_reports: list[Report] = field(default_factory=list)
    # Why hellomod opened a pattern or misuse case itself, in the reader's words.
    why_opened: str = ""


def case_file(case: Case, viewer: User) -> CaseFile:
    """Everything a moderator needs to decide a case, in a fixed number of queries."""
    reports = list(
        case.reports.select_related("reporter", "reason", "flagger_organisation")
        # Reports that joined the case after its 'no violation' decision are counted on the
        # page (case.additional_reports), not listed: a flood must not slow the case page.
        .exclude(collapsed=True, status=ReportStatus.NO_VIOLATION)
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.filter(purged_at__isnull=True).order_by("pk"),
            )
        )
        .order_by("created_at")
    )
    templates = statement_bodies(category=case.category, language=case.subject.preferred_language)
    events = list(
        trail_for(viewer, case.audit_events.select_related("actor")).order_by("-id")[:AUDIT_SIZE]
    )
    return CaseFile(
        case=case,
        reports=reports,
        notes=list(case.notes.select_related("author")),
        events=events,
        trail=trail_lines(events, case=case),
        decisions=list(
            case.decisions.select_related(
                "moderator", "confirmed_by", "reversed_by", "reason"
            ).order_by("-created_at")
        ),
        history=member_history(case.subject, viewer, exclude=case),
        statement_templates=templates,
        policy=policy_panel(case.category),
        linked_reports=linked_reports(case, viewer),
        why_opened=why_opened(case),
    )


def why_opened(case: Case) -> str:
    """What made hellomod open a pattern or misuse case, from the figures it recorded then.

    One query, for such cases only; written in the reader's language.
    """
    if case.kind == CaseKind.REPORTS:
        return ""
    event = (
        case.audit_events.filter(
            action__in=[AuditAction.CASE_OPENED, AuditAction.PATTERN_CASE_OPENED]
        )
        .order_by("id")
        .first()
    )
    after = event.after if event else {}
    if case.kind == CaseKind.PATTERN:
        return _(
            "%(reporters)s different members reported this member, in %(cases)s different "
            "conversations, within 30 days. Judge the behaviour, not one message."
        ) % {"reporters": after.get("reporters", "?"), "cases": after.get("cases", "?")}
    figures = after.get("figures", {})
    window = figures.get("policy", {}).get("window_days", "?")
    if "strikes" in figures:
        return _(
            "%(strikes)s decisions on the ground of illegal content against this member within "
            "%(days)s days. A warning comes first; a suspension needs an earlier warning."
        ) % {"strikes": figures["strikes"], "days": window}
    return _(
        "%(unfounded)s of the %(decided)s reports this member sent that were decided within "
        "%(days)s days were found to be no violation (%(share)s %%). A warning comes first; a "
        "suspension from reporting needs an earlier warning."
    ) % {
        "unfounded": figures.get("unfounded", "?"),
        "decided": figures.get("decided", "?"),
        "days": window,
        "share": figures.get("share", "?"),
    }


def linked_reports(case: Case, viewer: User) -> list[Report]:
    """The reports a pattern or misuse case (or a member case that took a pattern in) looks at.

    One query, with `case_visible` on each: whether the viewer may open the report's own case.
    A case on one piece of content links nothing, and costs no query.
    """
    if case.kind == CaseKind.REPORTS and case.content_id is not None:
        return []
    return list(
        case.linked_reports.select_related("reporter", "category", "reason", "case")
        .annotate(case_visible=Exists(visible_cases(viewer).filter(pk=OuterRef("case_id"))))
        .order_by("created_at", "pk")[:LINKED_SIZE]
    )
