"""Misuse of the service (DSA Art. 23): hellomod notices it, seniors decide it.

Two things are noticed, each after a decision commits, by an outbox message (`check_misuse`):

- a member whose reports are frequently **manifestly unfounded**: once reports are resolved as
  "no violation", each of their reporters is checked (`queue_unfounded_checks`);
- a member who frequently posts **manifestly illegal content**: once a decision on the ground
  "illegal content" gives them a strike (`queue_illegal_check`).

The check reads the misuse policy (models/misuse.py) and, when it applies and no misuse case of
that kind is open about the member, opens ONE misuse case in the "Reporting misuse" category, at
the senior tier, with the reports behind it linked, on the record with the figures, and alerts
the seniors. It never sanctions anyone: a senior warns first, and suspends only after a warning
(services/decisions/misuse_terms.py). Figures count from the last decision on a misuse case of
the same kind, so a warning is followed by a new case only after more of the same.

A trusted flagger's notices are counted for its organisation: the case is about the member who
sent the notice that tipped it, and says so; a suspension then pauses the whole organisation.

The member's row (and the organisation's) is locked while checking, so twelve checks at once
make one case; the partial unique index on open member cases stands behind that.
"""

from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from reports.effects.notifications import alert_tier
from reports.effects.outbox import enqueue, handles
from reports.models import (
    AuditAction,
    Case,
    CaseStatus,
    Category,
    Decision,
    EscalationTier,
    FlaggerOrganisation,
    MisusePolicy,
    Report,
    ReportStatus,
    Strike,
    Tier,
)
from reports.models.choices import OPEN_CASE_STATUSES, CaseKind, Ground, MisuseKind
from reports.selectors.flaggers import flagger_organisation_of
from reports.services.audit import record_event

TOPIC = "check_misuse"
JOB = "job:misuse-check"
CATEGORY = "reporting-misuse"
REASONS = {
    MisuseKind.UNFOUNDED_NOTICES: "unfounded-reports",
    MisuseKind.ILLEGAL_CONTENT: "illegal-content",
}


def queue_unfounded_checks(reporter_ids: list[int], *, decision_id: int) -> None:
    """After a decision found no violation: check each of its reporters, once per decision."""
    for reporter_id in sorted(set(reporter_ids)):
        enqueue(
            TOPIC,
            key=f"{TOPIC}:unfounded:{reporter_id}:{decision_id}",
            payload={"member_id": reporter_id, "misuse": MisuseKind.UNFOUNDED_NOTICES},
        )


def queue_illegal_check(member_id: int, *, decision_id: int) -> None:
    """After a decision on the ground "illegal content" gave the member a strike."""
    enqueue(
        TOPIC,
        key=f"{TOPIC}:illegal:{member_id}:{decision_id}",
        payload={"member_id": member_id, "misuse": MisuseKind.ILLEGAL_CONTENT},
    )


@handles(TOPIC)
def check_misuse(*, member_id: int, misuse: str) -> Case | None:
    """Open a misuse case about the member when the policy applies; returns the open case."""
    now = timezone.now()
    policy = MisusePolicy.current()
    member = User.objects.select_for_update().get(pk=member_id)
    organisation = None
    subjects = [member.pk]
    if misuse == MisuseKind.UNFOUNDED_NOTICES and member.is_trusted_flagger:
        organisation = flagger_organisation_of(member)
    if organisation is not None:
        # Locked after the member, as a decision refreshing the member does.
        FlaggerOrganisation.objects.select_for_update().filter(pk=organisation.pk).first()
        subjects = list(organisation.memberships.values_list("member_id", flat=True))
    about = Case.objects.filter(kind=CaseKind.MISUSE, misuse=misuse, subject_id__in=subjects)
    since = _counting_from(about, now=now, policy=policy)
    if misuse == MisuseKind.UNFOUNDED_NOTICES:
        figures, reports = _unfounded(member, organisation, since=since, policy=policy)
    else:
        figures, reports = _illegal(member, since=since, policy=policy)
    open_case = about.filter(status__in=OPEN_CASE_STATUSES).first()
    if open_case is not None:
        _link_more(open_case, reports)
        return open_case
    if not figures["applies"]:
        return None
    return _open_case(member, misuse, figures, reports, organisation=organisation, now=now)


def _counting_from(about: QuerySet[Case], *, now: datetime, policy: MisusePolicy) -> datetime:
    """The window's start, or the last decision on such a case if later: what a senior already
    decided is not counted again."""
    last = Decision.objects.filter(case__in=about).aggregate(last=Max("created_at"))["last"]
    start = now - policy.window
    return max(start, last) if last else start


def _unfounded(
    member: User,
    organisation: FlaggerOrganisation | None,
    *,
    since: datetime,
    policy: MisusePolicy,
) -> tuple[dict[str, Any], QuerySet[Report]]:
    decided = Report.objects.filter(
        resolved_at__gte=since, status__in=(ReportStatus.ACTIONED, ReportStatus.NO_VIOLATION)
    )
    if organisation is not None:
        decided = decided.filter(flagger_organisation=organisation)
    else:
        decided = decided.filter(reporter=member)
    unfounded = decided.filter(status=ReportStatus.NO_VIOLATION)
    counts = decided.aggregate(
        total=Count("pk"), rejected=Count("pk", filter=Q(status=ReportStatus.NO_VIOLATION))
    )
    total, rejected = counts["total"], counts["rejected"]
    figures = {
        "since": since,
        "decided": total,
        "unfounded": rejected,
        "share": round(100 * rejected / total) if total else 0,
        "policy": {
            "window_days": policy.window.days,
            "minimum_decided_reports": policy.minimum_decided_reports,
            "unfounded_share": policy.unfounded_share,
        },
        "organisation": organisation.name if organisation else None,
        "applies": total >= policy.minimum_decided_reports
        and 100 * rejected >= policy.unfounded_share * total,
    }
    return figures, unfounded


def _illegal(
    member: User, *, since: datetime, policy: MisusePolicy
) -> tuple[dict[str, Any], QuerySet[Report]]:
    strikes = Strike.objects.filter(
        member=member,
        revoked_at__isnull=True,
        created_at__gte=since,
        decision__ground=Ground.ILLEGAL_CONTENT,
    )
    decisions = Decision.objects.filter(Q(strike__in=strikes) | Q(primary__strike__in=strikes))
    count = strikes.count()
    figures = {
        "since": since,
        "strikes": count,
        "policy": {"window_days": policy.window.days, "illegal_strikes": policy.illegal_strikes},
        "applies": count >= policy.illegal_strikes,
    }
    return figures, Report.objects.filter(case__in=decisions.values("case_id"))


def _link_more(case: Case, reports: QuerySet[Report]) -> None:
    """Reports found since the case opened join its list for the senior; on the record."""
    new = list(reports.exclude(linked_cases=case).values_list("pk", flat=True))
    if not new:
        return
    case.linked_reports.add(*new)
    record_event(
        action=AuditAction.MISUSE_REPORTS_LINKED,
        target=case,
        actor_label=JOB,
        case=case,
        after={"reports": new},
    )


def _open_case(
    member: User,
    misuse: str,
    figures: dict[str, Any],
    reports: QuerySet[Report],
    *,
    organisation: FlaggerOrganisation | None,
    now: datetime,
) -> Case:
    category = Category.objects.get(slug=CATEGORY)
    sla = (
        EscalationTier.objects.filter(category=category, tier=Tier.SENIOR)
        .values_list("sla", flat=True)
        .first()
    ) or category.sla
    case = Case.objects.create(
        category=category,
        subject=member,
        kind=CaseKind.MISUSE,
        misuse=misuse,
        reason=category.reasons.get(slug=REASONS[MisuseKind(misuse)]),
        tier=Tier.SENIOR,
        status=CaseStatus.ESCALATED,
        opened_at=now,
        last_reported_at=now,
        escalated_at=now,
        due_at=now + sla,
    )
    case.linked_reports.set(reports.values_list("pk", flat=True))
    record_event(
        action=AuditAction.CASE_OPENED,
        target=case,
        actor_label=JOB,
        case=case,
        after={
            "category": category.slug,
            "subject": member.public_id,
            "misuse": misuse,
            "figures": figures,
            "linked_reports": case.linked_reports.count(),
        },
        message=_explain(figures, organisation=organisation, member=member),
    )
    alert_tier(case, tier=Tier.SENIOR, event="case_escalated", why=MisuseKind(misuse).label)
    return case


def _explain(
    figures: dict[str, Any], *, organisation: FlaggerOrganisation | None, member: User
) -> str:
    if "strikes" in figures:
        return ngettext(
            "%(strikes)d strike on the ground of illegal content in the window (the policy "
            "asks for %(minimum)d).",
            "%(strikes)d strikes on the ground of illegal content in the window (the policy "
            "asks for %(minimum)d).",
            figures["strikes"],
        ) % {"strikes": figures["strikes"], "minimum": figures["policy"]["illegal_strikes"]}
    said = _(
        "%(unfounded)d of %(decided)d decided reports (%(share)d %%) were no violation (the "
        "policy asks for at least %(minimum)d decided and %(threshold)d %%)."
    ) % {
        "unfounded": figures["unfounded"],
        "decided": figures["decided"],
        "share": figures["share"],
        "minimum": figures["policy"]["minimum_decided_reports"],
        "threshold": figures["policy"]["unfounded_share"],
    }
    if organisation is None:
        return said
    return (
        said
        + " "
        + _(
            "Counted for the trusted flagger %(organisation)s: this case is about %(member)s, who "
            "sent the notice that tipped it; a suspension pauses the organisation's notices."
        )
        % {"organisation": organisation.name, "member": member.public_id}
    )
