"""Seeding: members, content, cases and reports in the shapes production has, loaded with COPY.

The shape, for N reports:
- about 0.3 N cases; reports per case follow a power law (most cases have one or two reports,
  a few hundreds), and a few repeat offenders are the subject of many cases;
- 0.45 N members, who report and are reported;
- two cases in three are about a piece of content, the others about the member;
- categories weighted as a community's reports are (spam most), content in 16 languages;
- 40 % of the cases still open (a few escalated), the rest decided or dismissed weeks ago, each
  decided case with its decision by one of the 50 moderators.

Every row satisfies the tables' constraints: one open case per member or content and category,
one report per reporter and case, nobody reports themself.
"""

import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from accounts.languages import LANGUAGE_CODES
from accounts.models import Team, TeamMembership, User
from reports.models import Category, EscalationTier, Tier

CASES_PER_REPORT = 0.3
MEMBERS_PER_REPORT = 0.45
OPEN_SHARE = 0.40
ESCALATED_SHARE_OF_OPEN = 0.05
CONTENT_SHARE = 2 / 3
# Reports per case: floor of a Pareto variable, capped; alpha 1.32 gives a mean of about 3.3.
CASE_SIZE_ALPHA = 1.32
CASE_SIZE_CAP = 900
OFFENDER_SHARE_OF_CASES = 0.05
OFFENDERS_PER_MEMBER = 0.002

CATEGORY_WEIGHTS = {
    "spam-solicitation": 30,
    "harassment": 15,
    "dating-sexual": 12,
    "inappropriate-profile": 10,
    "fake-account": 10,
    "hate-abuse": 8,
    "service-abuse": 8,
    "malware-scraping": 4,
    "rights-infringement": 3,
}
LANGUAGE_WEIGHTS = {
    "en": 24,
    "es": 12,
    "zh": 11,
    "ja": 8,
    "ko": 7,
    "pt": 6,
    "fr": 6,
    "de": 5,
    "ru": 4,
    "ar": 4,
    "it": 3,
    "tr": 3,
    "id": 2,
    "vi": 2,
    "th": 2,
    "hi": 1,
}
assert set(LANGUAGE_WEIGHTS) == LANGUAGE_CODES
CONTENT_KINDS = ["message"] * 6 + ["moment"] * 2 + ["comment"] * 2 + ["voice_message"]
PHRASES = [
    "Add me on another app to earn money fast",
    "Send me a photo or I will tell everyone",
    "Cheap followers, click the link in my profile",
    "You people should go back to your own country",
    "I only practise with pretty girls, send pictures",
    "Invest in my crypto group, guaranteed returns",
]

MODERATORS = 50


@dataclass
class Seeded:
    members: int = 0
    contents: int = 0
    cases: int = 0
    open_cases: int = 0
    reports: int = 0
    decisions: int = 0
    seconds: float = 0.0
    first_member: int = 0
    moderators: list[int] = field(default_factory=list)
    admin_id: int = 0
    spam_category_id: int = 0


def _reference(n: int) -> str:
    """A unique report reference from a number, in the shape intake gives them."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    chars = []
    for _ in range(8):
        n, digit = divmod(n, 32)
        chars.append(alphabet[digit])
    return f"R-{''.join(chars[:4])}-{''.join(chars[4:])}"


def _public_id(n: int) -> str:
    return f"B{n:09d}"


def _copy(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY rows into a table on the current connection; returns how many."""
    connection.ensure_connection()
    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _reset_sequence(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def _weighted(rng: random.Random, weights: dict) -> Callable[[], object]:
    keys, values = list(weights), list(weights.values())
    cumulative = []
    total = 0
    for value in values:
        total += value
        cumulative.append(total)

    def pick():
        return rng.choices(keys, cum_weights=cumulative)[0]

    return pick


def people() -> tuple[list[int], int]:
    """The moderators and an admin, who sign in through the test client and need no password.

    One team works every category's frontline; the first five moderators are seniors, in a
    second team that works the escalated tiers and is on call for emergencies.
    """
    categories = list(Category.objects.all())
    frontline, _ = Team.objects.get_or_create(slug="bench", defaults={"name": "Bench frontline"})
    seniors, _ = Team.objects.get_or_create(
        slug="bench-seniors", defaults={"name": "Bench seniors"}
    )
    frontline.categories.set(categories)
    seniors.categories.set(categories)
    tiers = EscalationTier.objects.filter(category__in=categories)
    tiers.filter(tier=Tier.FRONTLINE).update(team=frontline)
    tiers.exclude(tier=Tier.FRONTLINE).update(team=seniors)
    roles = {g.name: g for g in Group.objects.filter(name__in=["Moderator", "Senior moderator"])}
    moderators = []
    for n in range(MODERATORS):
        user, created = User.objects.get_or_create(
            username=f"bench-moderator-{n}",
            defaults={
                "display_name": f"Moderator {n}",
                "email": f"bench-moderator-{n}@hellomod.localhost",
                "native_language": "en",
                "is_staff": True,
                "password": "!",
            },
        )
        if created:
            senior = n < 5
            user.groups.add(roles["Senior moderator" if senior else "Moderator"])
            TeamMembership.objects.create(team=frontline, user=user)
            if senior:
                TeamMembership.objects.create(team=seniors, user=user, is_on_call=True)
        moderators.append(user.pk)
    admin, _ = User.objects.get_or_create(
        username="bench-admin",
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "email": "bench-admin@hellomod.localhost",
            "password": "!",
        },
    )
    return moderators, admin.pk


USER_COLUMNS = [
    "id", "password", "is_superuser", "username", "first_name", "last_name", "email",
    "is_staff", "is_active", "date_joined", "public_id", "display_name", "native_language",
    "learning_languages", "preferred_language", "country", "gender", "self_introduction",
    "avatar", "status", "strike_count", "is_trusted_flagger", "reports_upheld",
    "reports_rejected", "blur_media",
]  # fmt: skip
CONTENT_COLUMNS = [
    "id", "kind", "external_id", "text", "media", "media_reference", "language", "visibility",
    "context", "created_at", "snapshotted_at", "author_id",
]  # fmt: skip
CASE_COLUMNS = [
    "id", "status", "tier", "priority", "language", "due_at", "report_count",
    "distinct_reporters", "escalation_cause", "opened_at", "last_reported_at", "triaged_at",
    "escalated_at", "resolved_at", "subject_id", "category_id", "content_id",
]  # fmt: skip
DECISION_COLUMNS = [
    "id", "uuid", "action", "statement_of_reasons", "facts", "ground", "legal_ground",
    "terms_ground", "restriction", "media_type", "content_language", "source",
    "automated_detection", "automated_decision", "starts_at", "created_at", "reversal_reason",
    "case_id", "moderator_id", "awaiting_confirmation", "proposal_removes_content",
    "proposal_reason_chosen", "justification",
]  # fmt: skip
REPORT_COLUMNS = [
    "id", "reference", "description", "source", "status", "also_blocked", "created_at",
    "updated_at", "resolved_at", "case_id", "category_id", "content_id", "reporter_id",
    "subject_id",
]  # fmt: skip


# Columns added since (reporter trust), at their model defaults: COPY leaves a column it is not
# given NULL, as Django sets no database defaults.
CASE_DEFAULTS = {"kind": "reports", "misuse": "", "additional_reports": 0}
REPORT_DEFAULTS = {"expert_notice": False, "collapsed": False}
DECISION_DEFAULTS = {"misuse": ""}


def _defaults(
    columns: list[str], rows: Iterable[tuple], defaults: dict
) -> tuple[list[str], Iterable[tuple]]:
    extra = tuple(defaults.values())
    return columns + list(defaults), (tuple(row) + extra for row in rows)


def seed(
    reports: int, *, seed: int = 8, progress: Callable[[str, int], object] | None = None
) -> Seeded:
    """Load about `reports` reports (and everything they hang on) with COPY."""
    rng = random.Random(seed)
    result = Seeded()
    result.moderators, result.admin_id = people()
    started = timezone.now()
    clock = datetime.now
    began = clock()
    categories = {c.slug: c for c in Category.objects.all()}
    result.spam_category_id = categories["spam-solicitation"].pk
    pick_category = _weighted(rng, CATEGORY_WEIGHTS)
    pick_language = _weighted(rng, LANGUAGE_WEIGHTS)
    tick = progress or (lambda _what, _n: None)

    members = max(200, int(reports * MEMBERS_PER_REPORT))
    first_member = _next_id("accounts_user")
    member_ids = range(first_member, first_member + members)
    result.first_member = first_member
    languages = [pick_language() for _ in range(members)]

    def member_rows() -> Iterator[tuple]:
        for offset, member_id in enumerate(member_ids):
            n = member_id
            yield (
                member_id, "!", False, f"b{n}", "", "", f"b{n}@members.example", False, True,
                started, _public_id(n), f"Member {n}", languages[offset], "[]", "en", "",
                "", "", "", "active", 0, False, 0, 0, True,
            )  # fmt: skip
            if offset % 10_000 == 9_999:
                tick("members", 10_000)

    result.members = _copy("accounts_user", USER_COLUMNS, member_rows())
    _reset_sequence("accounts_user")

    # Case sizes until the reports add up; a few members are the subject of many cases.
    sizes = []
    total = 0
    while total < reports:
        size = min(int(rng.paretovariate(CASE_SIZE_ALPHA)), CASE_SIZE_CAP, reports - total)
        sizes.append(size)
        total += size
    offenders = list(member_ids[: max(3, int(members * OFFENDERS_PER_MEMBER))])

    first_case = _next_id("reports_case")
    first_content = _next_id("reports_content")
    first_report = _next_id("reports_report")
    first_decision = _next_id("reports_decision")
    decisions: list[tuple] = []
    slas = {c.pk: c.sla for c in categories.values()}
    contents: list[tuple] = []
    cases: list[tuple] = []
    report_rows: list[tuple] = []
    open_keys: set[tuple[int, int]] = set()
    now = started
    report_id = first_report
    for index, size in enumerate(sizes):
        case_id = first_case + index
        category = categories[pick_category()]
        if rng.random() < OFFENDER_SHARE_OF_CASES:
            subject = rng.choice(offenders)
        else:
            subject = rng.choice(member_ids)
        content_id = None
        language = languages[subject - first_member]
        is_open = rng.random() < OPEN_SHARE
        if rng.random() < CONTENT_SHARE:
            content_id = first_content + len(contents)
            language = pick_language()
            contents.append(
                (
                    content_id, rng.choice(CONTENT_KINDS), f"bench-{content_id}",
                    f"{rng.choice(PHRASES)} ({content_id})", "", "", language, "visible", "[]",
                    now - timedelta(days=30), now - timedelta(days=29), subject,
                )
            )  # fmt: skip
        elif is_open:
            # One open case per member and category.
            if (category.pk, subject) in open_keys:
                is_open = False
            else:
                open_keys.add((category.pk, subject))
        if is_open:
            opened = now - timedelta(seconds=rng.randint(60, 3 * 86400))
            # Nothing is overdue yet: the escalation sweep's share is set when it is measured.
            due = now + timedelta(
                seconds=rng.randint(3600, int(slas[category.pk].total_seconds()) + 3600)
            )
            resolved = None
            if rng.random() < ESCALATED_SHARE_OF_OPEN:
                status, tier, cause, escalated = (
                    "escalated",
                    rng.choice((2, 2, 2, 3, 4)),
                    "pileup",
                    opened,
                )
            else:
                status, tier, cause, escalated = "open", Tier.FRONTLINE, "", None
            report_status = "open"
        else:
            opened = now - timedelta(seconds=rng.randint(4 * 86400, 60 * 86400))
            due = opened + slas[category.pk]
            resolved = opened + timedelta(seconds=rng.randint(600, 86400))
            status = "decided" if rng.random() < 0.7 else "dismissed"
            tier, cause, escalated = Tier.FRONTLINE, "", None
            report_status = (
                rng.choice(("actioned", "no_violation")) if status == "decided" else "dismissed"
            )
        if status == "decided":
            # Each moderator has thousands of earlier decisions, as after months of work.
            if report_status == "actioned":
                action = "remove_content" if content_id else "warn"
                restriction = "content_removed" if content_id else ""
            else:
                action, restriction = "no_violation", ""
            decisions.append(
                (
                    first_decision + len(decisions), str(uuid.UUID(int=rng.getrandbits(128))),
                    action, "", "", "incompatible", "", "", restriction, "text", language,
                    "notice", False, False, resolved, resolved, "", case_id,
                    rng.choice(result.moderators), False, True, False, "",
                )
            )  # fmt: skip
        priority = min(100, rng.randint(0, 40) + 5 * min(size, 10))
        last_reported = opened + timedelta(seconds=size * 30)
        cases.append(
            (
                case_id, status, tier, priority, language, due, size, size, cause, opened,
                last_reported, opened + timedelta(seconds=5), escalated, resolved, subject,
                category.pk, content_id,
            )
        )  # fmt: skip
        reporters = [r for r in rng.sample(member_ids, size + 1) if r != subject][:size]
        for position, reporter in enumerate(reporters):
            reported_at = opened + timedelta(seconds=30 * position)
            report_rows.append(
                (
                    report_id, _reference(report_id), "", "app", report_status, False,
                    reported_at, reported_at, resolved, case_id, category.pk, content_id,
                    reporter, subject,
                )
            )  # fmt: skip
            report_id += 1
        result.open_cases += is_open
        if index % 10_000 == 9_999:
            tick("cases drawn", 10_000)

    result.contents = _copy("reports_content", CONTENT_COLUMNS, _counted(contents, tick, "content"))
    result.cases = _copy(
        "reports_case", *_defaults(CASE_COLUMNS, _counted(cases, tick, "cases"), CASE_DEFAULTS)
    )
    result.reports = _copy(
        "reports_report",
        *_defaults(REPORT_COLUMNS, _counted(report_rows, tick, "reports"), REPORT_DEFAULTS),
    )
    result.decisions = _copy(
        "reports_decision",
        *_defaults(DECISION_COLUMNS, _counted(decisions, tick, "decisions"), DECISION_DEFAULTS),
    )
    for table in ("reports_content", "reports_case", "reports_report", "reports_decision"):
        _reset_sequence(table)
    with connection.cursor() as cursor:
        # As autovacuum would have left tables that grew over months: statistics and the
        # visibility map up to date. The checkpoint writes the load out now, not in the middle
        # of a measurement.
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    result.seconds = (clock() - began).total_seconds()
    return result


def _counted(rows: list[tuple], tick: Callable[[str, int], object], what: str) -> Iterator:
    for n, row in enumerate(rows, 1):
        yield row
        if n % 10_000 == 0:
            tick(what, 10_000)
