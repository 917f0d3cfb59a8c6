"""Reads for the moderators' home and queue pages: queue counts, queue pages and their rows.

Every function here runs a fixed number of queries, whatever the size of the queue; the page
tests pin those numbers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Team, TeamMembership, User
from reports.models import Case, Category, Report, Tier
from reports.models.choices import (
    OPEN_CASE_STATUSES,
    WAITING_CASE_STATUSES,
    CaseKind,
    CaseStatus,
    ContentKind,
)
from reports.models.queue_order import SERVE_BY, serve_by
from reports.permissions import moderated_categories, works_escalated
from reports.selectors import keyset
from reports.selectors.languages import language_name
from reports.texts.durations import due_in

QUEUE_COUNTS_SECONDS = 20
PAGE_SIZE = 50

ESCALATED_TIERS = (Tier.SENIOR, Tier.LEAD)


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


@dataclass(kw_only=True)
class OpenCases:
    """How some of a category's open cases stand: how many, how many overdue, the oldest."""

    open: int = 0
    overdue: int = 0
    oldest: datetime | None = None

    def add(self, row: dict[str, Any]) -> None:
        """Count in one row of `_open_counts`."""
        self.open += row["open"]
        self.overdue += row["overdue"]
        if self.oldest is None or row["oldest"] < self.oldest:
            self.oldest = row["oldest"]


@dataclass
class QueueSummary(OpenCases):
    """One queue of the moderator's home page: a category, in one language or all, at some tiers."""

    category: Category
    label: str
    language: str = ""
    tiers: tuple[int, ...] = (Tier.FRONTLINE,)

    @property
    def query(self) -> str:
        params: list[tuple[str, Any]] = [("tier", t) for t in self.tiers]
        if self.language:
            params.append(("language", self.language))
        return urlencode(params)

    @property
    def is_escalated(self) -> bool:
        return self.tiers != (Tier.FRONTLINE,)

    def holds(self, row: dict[str, Any]) -> bool:
        """Whether the cases of a row of `_open_counts` wait in this queue."""
        return row["tier"] in self.tiers and (not self.language or row["language"] == self.language)


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
            summaries.append(QueueSummary(category, language_name(code), language=code))
        if seniors:  # emergencies have one lane across categories (emergency_summary)
            summaries.append(QueueSummary(category, _("Escalated"), tiers=ESCALATED_TIERS))
    by_category: dict[int, list[QueueSummary]] = {}
    for summary in summaries:
        by_category.setdefault(summary.category.pk, []).append(summary)
    for row in _open_counts([c.pk for c in categories]):
        for summary in by_category.get(row["category_id"], []):
            if summary.holds(row):
                summary.add(row)
    return summaries


@dataclass
class CategoryHealth(OpenCases):
    """A category's open cases at every tier and in every language."""

    category: Category


def queue_health(category_ids: list[int]) -> dict[int, CategoryHealth]:
    """Open cases, overdue cases and the oldest open case per category (the daily digest's).

    The counts are the home page's, from the same grouped query.
    """
    categories = Category.objects.in_bulk(category_ids)
    health = {pk: CategoryHealth(category) for pk, category in categories.items()}
    for row in _open_counts(list(categories)) if categories else []:
        health[row["category_id"]].add(row)
    return health


# The queue's order, written once for the queue pages, their cursors and "next case": the
# higher tiers first (the emergency tier on top), then by serve-by time, ties broken by id.
QUEUE_ORDER = ("-tier", SERVE_BY.asc(), "pk")
QueueCursor = tuple[int, int, datetime, int]


def encode_cursor(case: Case) -> str:
    return keyset.encode(case.tier, case.priority, case.due_at, case.pk)


def decode_cursor(value: str) -> QueueCursor | None:
    return keyset.decode(value, int, int, datetime, int)


def after_cursor(cases: QuerySet[Case], cursor: QueueCursor) -> QuerySet:
    """The cases of the cursor's tier that come after it in the queue's order.

    The cursor's serve-by time is computed by the database from its tier, priority and due
    time, with the expression the order uses, so that the comparison is exact. `serve_by >=`
    is a bound an index on the order can start its scan at; an OR alone would be read from the
    top of the tier. The lower tiers, which come after every case of this one, are read
    separately.
    """
    tier, priority, due_at, pk = cursor
    key = serve_by(Value(tier), Value(priority), Value(due_at))
    return (
        cases.filter(tier=tier)
        .alias(serve_by=SERVE_BY)
        .filter(serve_by__gte=key)
        .filter(Q(serve_by__gt=key) | Q(serve_by=key, pk__gt=pk))
    )


# What a queue page reads of its cases and of the rows joined to them: what queue_rows shows
# and the cursor; not the rest of five wide tables.
ROW_COLUMNS = (
    *("tier", "priority", "due_at", "status", "kind", "language", "report_count"),
    *("distinct_reporters", "additional_reports", "reason", "subject", "content", "claimed_by"),
    *("subject__display_name", "subject__username", "subject__public_id"),
    *("content__kind", "content__language", "content__text"),
    *("claimed_by__display_name", "claimed_by__username"),
)
_JOINED_COLUMNS = (
    *("reason__name", "reason__translations"),
    *("category", "category__name", "category__translations"),
)


@dataclass
class QueuePage:
    cases: list[Case]
    next_cursor: str | None
    first: bool
    across_categories: bool = False
    now: datetime = field(default_factory=timezone.now)


def queue_page(
    cases: QuerySet[Case],
    *,
    cursor: str = "",
    size: int = PAGE_SIZE,
    across_categories: bool = False,
) -> QueuePage:
    """A keyset page of cases in the queue's order; `across_categories` names each row's."""
    position = decode_cursor(cursor) if cursor else None
    # The "Trusted flagger · expert" badge, read with the rows rather than per row.
    cases = cases.annotate(
        has_expert_notice=Exists(Report.objects.filter(case=OuterRef("pk"), expert_notice=True))
    )
    # A category's page names the reasons from the category's own list (queue_rows'
    # `reason_names`); a page across categories reads them with the rows.
    columns = ("subject", "content", "claimed_by")
    if across_categories:
        columns += ("reason", "category")
    cases = cases.only(*ROW_COLUMNS, *_JOINED_COLUMNS if across_categories else ())
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
        across_categories=across_categories,
    )


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
    # The content's language (else the case's) in words, and its code for the snippet's `lang`.
    language: str
    language_code: str
    reported: str
    reason: str
    member: str
    public_id: str
    snippet: str
    status: str
    held: bool
    category: str = ""
    expert_notice: bool = False
    # Floods and patterns: "Pattern" / "Misuse" for cases hellomod opened across reports, and
    # the reports that joined the case after it was decided 'no violation'.
    kind_tag: str = ""
    additional_reports: int = 0


# The rows' fixed labels in each reader's language, named once per process: the catalogues do
# not change while it runs.
_ROW_LABELS: dict[str | None, tuple[dict, dict, dict, dict]] = {}


def _row_labels() -> tuple[dict, dict, dict, dict]:
    """Content kinds, case statuses, tiers and case kinds, in the reader's language."""
    language = get_language()
    labels = _ROW_LABELS.get(language)
    if labels is None:
        labels = _ROW_LABELS[language] = (
            {value: str(label) for value, label in ContentKind.choices},
            {value: str(label) for value, label in CaseStatus.choices},
            {value: str(label) for value, label in Tier.choices},
            {CaseKind.PATTERN: _("Pattern"), CaseKind.MISUSE: _("Misuse")},
        )
    return labels


def queue_rows(
    page: QueuePage,
    *,
    viewer: User,
    case_url: Callable[[int], str],
    reason_names: dict[int, str] | None = None,
) -> list[QueueRow]:
    """The page's cases as table rows; each label is translated once per page, not per row.

    `reason_names`: a category's reasons by id, named in the reader's language (CaseFilter's), for
    a page of that category; a page across categories reads each case's reason with the case.
    """
    reasons = dict(reason_names or ())
    kinds, statuses, tiers, kind_tags = _row_labels()
    member, yours, select = _("Member"), _("yours"), _("Select case %(n)s")
    languages: dict[str, str] = {}
    rows = []
    for case in page.cases:
        content, subject, holder = case.content, case.subject, case.claimed_by
        code = (content.language if content else "") or case.language
        if code not in languages:
            languages[code] = language_name(code)
        if case.reason_id is not None and case.reason_id not in reasons:
            reasons[case.reason_id] = case.reason.display_name
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
                language=languages[code],
                language_code=code,
                reported=kinds[content.kind] if content else member,
                reason=reasons[case.reason_id] if case.reason_id is not None else "",
                member=subject.display_name or subject.username,
                public_id=subject.public_id,
                snippet=content.snippet if content else "",
                status=status,
                held=holder is not None,
                category=case.category.display_name if page.across_categories else "",
                expert_notice=getattr(case, "has_expert_notice", False),
                kind_tag=kind_tags.get(case.kind, ""),
                additional_reports=case.additional_reports,
            )
        )
    return rows


def cases_held_by(moderator: User, *, size: int = 10) -> list[Case]:
    """The open cases a moderator holds, the lease that runs out first on top."""
    return list(
        Case.objects.filter(claimed_by=moderator, status__in=OPEN_CASE_STATUSES)
        .select_related("category")
        .order_by("lease_expires_at")[:size]
    )


def emergency_cases(viewer: User) -> QuerySet[Case]:
    """The open emergencies of every category this person works; none for frontline moderators.

    The same cases visible_cases(viewer) holds at the emergency tier.
    """
    if not works_escalated(viewer):
        return Case.objects.none()
    return Case.objects.filter(
        tier=Tier.EMERGENCY,
        status__in=OPEN_CASE_STATUSES,
        category__in=moderated_categories(viewer),
    )


def on_call(user: User) -> QuerySet[TeamMembership]:
    """This person's memberships of teams in which they are on call: none, or some."""
    return TeamMembership.objects.filter(user=user, is_on_call=True)


@dataclass(kw_only=True)
class EmergencySummary:
    """The emergency lane at a glance: how many wait for someone, since when, how many are late.

    The cases a moderator holds are only counted: they already have someone.
    """

    waiting: int
    overdue: int  # of those waiting
    oldest: datetime | None  # when the longest-waiting one reached the emergency tier
    first_due: datetime | None
    in_hand: int
    on_call: bool
    now: datetime


def emergency_summary(viewer: User) -> EmergencySummary | None:
    """The emergencies this person may work, or None if they may work none.

    Counted afresh on each request, not from the home's shared counts: an emergency must show
    the moment it arrives, and the lane is small.
    """
    if not works_escalated(viewer):
        return None
    now = timezone.now()
    waiting = Q(status__in=WAITING_CASE_STATUSES)
    figures = emergency_cases(viewer).aggregate(
        waiting=Count("id", filter=waiting),
        overdue=Count("id", filter=waiting & Q(due_at__lt=now)),
        oldest=Min(Coalesce("escalated_at", "opened_at"), filter=waiting),
        first_due=Min("due_at", filter=waiting),
        in_hand=Count("id", filter=~waiting),
    )
    return EmergencySummary(**figures, on_call=on_call(viewer).exists(), now=now)
