"""Reads for the moderator's pages: queue summaries, queue pages and the case file.

Every function here runs a fixed number of queries, whatever the size of the queue or of the
member's history; the page tests pin those numbers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.languages import LANGUAGE_NAMES
from accounts.models import Team, User
from reports.models import (
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
    StatementTemplate,
    Strike,
    Tier,
)
from reports.models.choices import (
    OPEN_CASE_STATUSES,
    CaseStatus,
    ContentKind,
    DecisionAction,
    Severity,
)
from reports.permissions import moderated_categories, visible_cases, works_escalated
from reports.texts.durations import due_in

QUEUE_COUNTS_SECONDS = 20
PAGE_SIZE = 50
HISTORY_SIZE = 20
AUDIT_SIZE = 100

ESCALATED_TIERS = (Tier.SENIOR, Tier.LEAD)


@dataclass
class QueueSummary:
    category: Category
    label: str
    language: str = ""
    tiers: tuple[int, ...] = (Tier.FRONTLINE,)
    open: int = 0
    overdue: int = 0
    oldest: datetime | None = None

    @property
    def query(self) -> str:
        params: list[tuple[str, Any]] = [("tier", t) for t in self.tiers]
        if self.language:
            params.append(("language", self.language))
        return urlencode(params)

    @property
    def is_escalated(self) -> bool:
        return self.tiers != (Tier.FRONTLINE,)


def _open_counts(category_ids: list[int]) -> list[dict[str, Any]]:
    """Open cases per category, language and tier: one grouped query, shared for a few seconds.

    The queue index (category, status, tier …) serves it; caching it keeps a busy home page from
    counting on every refresh of every moderator.
    """
    key = "queue-counts:" + ",".join(map(str, sorted(category_ids)))
    rows = cache.get(key)
    if rows is None:
        now = timezone.now()
        rows = list(
            Case.objects.filter(category_id__in=category_ids, status__in=OPEN_CASE_STATUSES)
            .values("category_id", "language", "tier")
            .annotate(
                open=Count("id"),
                overdue=Count("id", filter=Q(due_at__lt=now)),
                oldest=Min("opened_at"),
            )
            .order_by()
        )
        cache.set(key, {"at": now, "rows": rows}, QUEUE_COUNTS_SECONDS)
        return rows
    return rows["rows"]


def languages_read(teams: QuerySet[Team]) -> dict[int, set[str] | None]:
    """Per category these teams cover: the content languages they read, None for every one."""
    languages: dict[int, set[str] | None] = {}
    for team in teams.prefetch_related("categories"):
        for category in team.categories.all():
            if not team.languages:
                languages[category.pk] = None  # this team reads every language
            elif languages.get(category.pk, set()) is not None:
                languages.setdefault(category.pk, set()).update(team.languages)
    return languages


def queue_summaries(moderator: User) -> list[QueueSummary]:
    """The queues this moderator may work, split by the languages their teams read."""
    categories = list(moderated_categories(moderator).order_by("position", "name"))
    languages = languages_read(moderator.teams.all())
    seniors = works_escalated(moderator)
    summaries = []
    for category in categories:
        summaries.append(QueueSummary(category, _("All languages")))
        for code in sorted(languages.get(category.pk) or ()):
            summaries.append(QueueSummary(category, LANGUAGE_NAMES.get(code, code), language=code))
        if seniors:
            summaries.append(QueueSummary(category, _("Escalated"), tiers=ESCALATED_TIERS))
            summaries.append(QueueSummary(category, _("Emergency"), tiers=(Tier.EMERGENCY,)))
    by_category: dict[int, list[QueueSummary]] = {}
    for summary in summaries:
        by_category.setdefault(summary.category.pk, []).append(summary)
    for row in _open_counts([c.pk for c in categories]):
        for summary in by_category.get(row["category_id"], []):
            if row["tier"] not in summary.tiers:
                continue
            if summary.language and row["language"] != summary.language:
                continue
            summary.open += row["open"]
            summary.overdue += row["overdue"]
            if summary.oldest is None or row["oldest"] < summary.oldest:
                summary.oldest = row["oldest"]
    return summaries


# Keyset pagination over the queue order (tier desc, priority desc, due_at, id): a page deep
# in the queue costs what the first page costs, where OFFSET would read every row before it.


def encode_cursor(case: Case) -> str:
    due = int(case.due_at.timestamp() * 1_000_000)
    return f"{case.tier}.{case.priority}.{due}.{case.pk}"


def decode_cursor(value: str) -> tuple[int, int, datetime, int] | None:
    try:
        tier, priority, due, pk = (int(part) for part in value.split("."))
        due_at = datetime.fromtimestamp(due / 1_000_000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return tier, priority, due_at, pk


def after_cursor(cases: QuerySet[Case], cursor: tuple[int, int, datetime, int]) -> QuerySet:
    """The cases of the cursor's tier that come after it in the queue's order.

    Written so that PostgreSQL starts the index scan at the cursor: `priority <= p` is a bound
    on the index's next column once the tier is fixed. An OR over every column instead would
    be read from the top of the queue, and a page deep in it would cost what the rows above
    it cost. The lower tiers, which come after every case of this one, are read separately.
    """
    tier, priority, due_at, pk = cursor
    return cases.filter(tier=tier, priority__lte=priority).filter(
        Q(priority__lt=priority)
        | Q(priority=priority, due_at__gt=due_at)
        | Q(priority=priority, due_at=due_at, pk__gt=pk)
    )


QUEUE_ORDER = ("-tier", "-priority", "due_at", "pk")


@dataclass
class QueuePage:
    cases: list[Case]
    next_cursor: str | None
    first: bool
    now: datetime = field(default_factory=timezone.now)


def queue_page(cases: QuerySet[Case], *, cursor: str = "", size: int = PAGE_SIZE) -> QueuePage:
    position = decode_cursor(cursor) if cursor else None
    columns = ("subject", "content", "reason", "claimed_by")
    if position is None:
        rows = list(cases.select_related(*columns).order_by(*QUEUE_ORDER)[: size + 1])
    else:
        rows = list(
            after_cursor(cases, position)
            .select_related(*columns)
            .order_by(*QUEUE_ORDER)[: size + 1]
        )
        if len(rows) <= size:  # the cursor's tier ends on this page: the tiers below follow
            below = cases.filter(tier__lt=position[0]).select_related(*columns)
            rows += list(below.order_by(*QUEUE_ORDER)[: size + 1 - len(rows)])
    more = len(rows) > size
    rows = rows[:size]
    return QueuePage(
        cases=rows,
        next_cursor=encode_cursor(rows[-1]) if more else None,
        first=position is None,
    )


@dataclass
class FilterField:
    """One filter of the queue page, as plain values for a light template.

    Django renders each option of each widget through a template of its own; the queue page,
    loaded hundreds of times a day by every moderator, writes the same markup directly.
    """

    name: str
    label: str
    kind: str  # "select", "checks" (several boxes) or "check" (one box)
    choices: list[tuple[str, str, bool]]
    checked: bool
    errors: list[str]

    @property
    def id(self) -> str:
        return f"id_{self.name}"


def filter_fields(form: forms.Form) -> list[FilterField]:
    fields = []
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.CheckboxSelectMultiple):
            kind, chosen = "checks", {str(v) for v in value or ()}
        elif isinstance(widget, forms.CheckboxInput):
            kind, chosen = "check", set()
        else:
            kind, chosen = "select", {"" if value is None else str(value)}
        choices = [
            (str(v), str(label), str(v) in chosen)
            for v, label in getattr(bound.field, "choices", ())
        ]
        fields.append(
            FilterField(
                name=bound.name,
                label=str(bound.label),
                kind=kind,
                choices=choices,
                checked=kind == "check" and widget.check_test(value),
                errors=list(bound.errors),
            )
        )
    return fields


@dataclass
class QueueRow:
    """One line of the queue table, its text ready: the page renders 50 of them per request."""

    pk: int
    url: str
    select_label: str
    tier: int
    tier_label: str
    priority: int
    due: str
    late: bool
    report_count: int
    distinct_reporters: int
    language: str
    reported: str
    reason: str
    member: str
    public_id: str
    snippet: str
    status: str
    held: bool


def queue_rows(page: QueuePage, *, viewer: User, case_url: Callable[[int], str]) -> list[QueueRow]:
    """The page's cases as table rows; each label is translated once per page, not per row."""
    kinds = {value: str(label) for value, label in ContentKind.choices}
    statuses = {value: str(label) for value, label in CaseStatus.choices}
    tiers = {value: str(label) for value, label in Tier.choices}
    member, yours, select = _("Member"), _("yours"), _("Select case %(n)s")
    rows = []
    for case in page.cases:
        content, subject, holder = case.content, case.subject, case.claimed_by
        if holder is None:
            status = statuses[case.status]
        else:
            status = yours if holder.pk == viewer.pk else holder.display_name or holder.username
        rows.append(
            QueueRow(
                pk=case.pk,
                url=case_url(case.pk),
                select_label=select % {"n": case.pk},
                tier=case.tier,
                tier_label=tiers[case.tier] if case.tier > Tier.FRONTLINE else "",
                priority=case.priority,
                due=due_in(case.due_at, page.now),
                late=case.due_at < page.now,
                report_count=case.report_count,
                distinct_reporters=case.distinct_reporters,
                language=case.language or "—",
                reported=kinds[content.kind] if content else member,
                reason=case.reason.name if case.reason else "",
                member=subject.display_name or subject.username,
                public_id=subject.public_id,
                snippet=content.snippet if content else "",
                status=status,
                held=holder is not None,
            )
        )
    return rows


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


def describe_length(length: timedelta | None) -> str:
    """ "3 days", "4 hours", "1 day 12 hours", "30 minutes": a policy duration for people."""
    if length is None:
        return "—"
    minutes = int(length.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes or not parts:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


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
        return describe_length(self.category.sla)

    @property
    def four_eyes_for_bans(self) -> bool:
        return bool(self.policy and self.policy.four_eyes_for_bans)

    @property
    def escalation_window(self) -> str:
        return describe_length(self.policy.escalation_window) if self.policy else "—"

    @property
    def auto_hide_window(self) -> str:
        return describe_length(self.policy.auto_hide_window) if self.policy else "—"

    @property
    def strike_lifetime(self) -> str:
        return describe_length(self.policy.strike_lifetime) if self.policy else "—"


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
            sla=describe_length(row.sla),
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
            duration=describe_length(step.duration) if step.duration else "",
        )
        for step in steps
    ]
    reasons = [
        ReasonLine(
            name=reason.name,
            severity=Severity(
                reason.severity if reason.severity is not None else category.severity
            ).label,
            sla=describe_length(reason.sla or category.sla),
            own_severity=reason.severity is not None,
            own_sla=reason.sla is not None,
            critical=reason.is_critical,
            active=reason.is_active,
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
    decisions: list[Decision]
    history: MemberHistory
    statement_templates: dict[str, str]
    policy: PolicyPanel


def case_file(case: Case, viewer: User) -> CaseFile:
    """Everything a moderator needs to decide a case, in a fixed number of queries."""
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
    language = case.subject.preferred_language or "en"
    templates: dict[str, str] = {}
    for template in StatementTemplate.objects.filter(
        category_id=case.category_id, language__in={language, "en"}
    ):
        if template.language == language or template.action not in templates:
            templates[template.action] = template.body
    return CaseFile(
        case=case,
        reports=reports,
        notes=list(case.notes.select_related("author")),
        events=list(case.audit_events.select_related("actor").order_by("-id")[:AUDIT_SIZE]),
        decisions=list(
            case.decisions.select_related(
                "moderator", "confirmed_by", "reversed_by", "reason"
            ).order_by("-created_at")
        ),
        history=member_history(case.subject, viewer, exclude=case),
        statement_templates=templates,
        policy=policy_panel(case.category),
    )


def case_for_page(case_id: int) -> QuerySet[Case]:
    return Case.objects.select_related(
        "category", "category__policy", "subject", "content", "reason", "claimed_by"
    ).filter(pk=case_id)
