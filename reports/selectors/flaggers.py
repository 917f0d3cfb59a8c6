"""Reads about trusted flaggers (DSA Art. 22): whom a member reports for, and in what they are
experts."""

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
)

from accounts.models import User
from reports.models import (
    Category,
    FlaggerMembership,
    FlaggerOrganisation,
    FlaggerStatus,
    Report,
    ReportStatus,
)
from reports.texts.durations import describe_duration


def flagger_organisation_of(member: User) -> FlaggerOrganisation | None:
    """The active trusted flagger this member sends notices for, if any (one query)."""
    membership = (
        FlaggerMembership.objects.filter(member=member, organisation__status=FlaggerStatus.ACTIVE)
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


def is_expert(organisation: FlaggerOrganisation, category: Category) -> bool:
    """Whether the category is one of the organisation's areas of expertise."""
    return organisation.expertise.filter(pk=category.pk).exists()


# The quality page (T&S admins) ------------------------------------------------------------------

DECIDED = (ReportStatus.ACTIONED, ReportStatus.NO_VIOLATION)


class MedianSeconds(Aggregate):
    """PostgreSQL's median of a duration, in seconds (percentile_cont, an ordered-set aggregate)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (%(expressions)s)))"
    output_field = FloatField()


@dataclass
class NoticeFigures:
    """A flagger's notices over a period: what became of them and how fast."""

    sent: int = 0
    decided: int = 0
    upheld: int = 0
    imprecise: int = 0
    expert: int = 0
    median_seconds: float | None = None

    @property
    def outside_expertise(self) -> int:
        return self.sent - self.expert

    @property
    def upheld_share(self) -> float | None:
        """Actioned ÷ decided; None before any decision."""
        return self.upheld / self.decided if self.decided else None

    @property
    def median_to_decision(self) -> timedelta | None:
        if self.median_seconds is None:
            return None
        return timedelta(seconds=round(self.median_seconds))

    @property
    def median_text(self) -> str:
        return describe_duration(self.median_to_decision, empty="—")


@dataclass
class OrganisationQuality:
    organisation: FlaggerOrganisation
    figures: NoticeFigures


@dataclass
class CategoryQuality:
    category: Category
    figures: NoticeFigures


def _notices(start: datetime, end: datetime, organisation_id: int | None = None) -> QuerySet:
    notices = Report.objects.filter(
        flagger_organisation__isnull=False, created_at__gte=start, created_at__lt=end
    )
    if organisation_id is not None:
        notices = notices.filter(flagger_organisation_id=organisation_id)
    return notices


def _figures(notices: QuerySet, key: str) -> dict[int, NoticeFigures]:
    """Figures per `key` (organisation or category): one grouped query; on SQLite (the quick
    start's `make run`, a small set) the medians are taken in Python from one more query."""
    decided = Q(status__in=DECIDED, resolved_at__isnull=False)
    counts = {
        "sent": Count("pk"),
        "decided": Count("pk", filter=decided),
        "upheld": Count("pk", filter=Q(status=ReportStatus.ACTIONED, resolved_at__isnull=False)),
        "imprecise": Count("pk", filter=Q(imprecise_at__isnull=False)),
        "expert": Count("pk", filter=Q(expert_notice=True)),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        counts["median_seconds"] = MedianSeconds(
            ExpressionWrapper(F("resolved_at") - F("created_at"), DurationField()),
            filter=decided,
        )
    rows = notices.values(key).annotate(**counts).order_by()
    figures = {row.pop(key): NoticeFigures(**row) for row in rows}
    if not postgres:
        waits: dict[int, list[float]] = {}
        for group, created, resolved in notices.filter(decided).values_list(
            key, "created_at", "resolved_at"
        ):
            waits.setdefault(group, []).append((resolved - created).total_seconds())
        for group, seconds in waits.items():
            figures[group].median_seconds = statistics.median(seconds)
    return figures


def flagger_quality(*, start: datetime, end: datetime) -> list[OrganisationQuality]:
    """Every organisation (those without notices too) with its notices sent in [start, end)."""
    figures = _figures(_notices(start, end), "flagger_organisation")
    return [
        OrganisationQuality(organisation, figures.get(organisation.pk, NoticeFigures()))
        for organisation in FlaggerOrganisation.objects.order_by("name")
    ]


def flagger_quality_by_category(
    organisation: FlaggerOrganisation, *, start: datetime, end: datetime
) -> tuple[NoticeFigures, list[CategoryQuality]]:
    """One organisation's figures in [start, end), in all and per category it sent notices in."""
    notices = _notices(start, end, organisation.pk)
    total = _figures(notices, "flagger_organisation").get(organisation.pk, NoticeFigures())
    by_category = _figures(notices, "category")
    categories = Category.objects.in_bulk(list(by_category))
    rows = [CategoryQuality(categories[pk], figures) for pk, figures in by_category.items()]
    rows.sort(key=lambda row: (-row.figures.sent, row.category.name))
    return total, rows
