"""Triage: how urgent a case is, what language it is in, and what must happen at once."""

import math
from dataclasses import dataclass
from functools import cache

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.languages import LANGUAGE_CODES
from reports.effects import webhooks
from reports.effects.outbox import handles
from reports.models import (
    AuditAction,
    Case,
    Content,
    Enforcement,
    Policy,
    Report,
    Severity,
    Tier,
    Visibility,
)
from reports.models.choices import OPEN_CASE_STATUSES, EnforcementKind, EscalationCause
from reports.services.audit import record_event
from reports.services.escalation import escalate
from reports.services.patterns import look_for_pattern

JOB = "job:triage"


@dataclass(frozen=True)
class PriorityInputs:
    severity: int
    critical: bool
    distinct_reporters: int
    trusted_flaggers: int
    reporter_accuracy: float | None
    subject_strikes: int
    age_hours: float


def priority_score(inputs: PriorityInputs) -> int:
    """A case's place in its queue, from 0 to 1000; higher is worked first.

    - severity of the category or reason: 150 per level (low 150 … critical 600);
    - a critical reason (self-harm, threats to life): +300 on top;
    - distinct reporters: +40 per doubling (1 → 40, 3 → 80, 7 → 120), at most +150;
    - expert notices among them (a trusted flagger's, in one of its areas of expertise): +50
      each, at most +100; a flagger's notice outside its expertise counts as an ordinary one;
    - the reporters' track record: from −50 (none of their reports upheld) to +50 (all upheld),
      nothing when they have no decided reports yet;
    - the subject's active strikes: +20 each, at most +60;
    - time since the case opened, at triage: +2 per hour, at most +50 (cases that wait too long
      are chased by the overdue sweep, not by this score).
    """
    score = inputs.severity * 150
    if inputs.critical:
        score += 300
    score += min(150, round(40 * math.log2(1 + inputs.distinct_reporters)))
    score += min(100, 50 * inputs.trusted_flaggers)
    if inputs.reporter_accuracy is not None:
        score += round((inputs.reporter_accuracy - 0.5) * 100)
    score += min(60, 20 * inputs.subject_strikes)
    score += min(50, round(inputs.age_hours * 2))
    return max(0, min(1000, score))


# Added to the score of a case holding at least one expert notice, after the 0–1000 scale:
# serve-by is due − priority × 36 s (models/queue_order.py), so 100,000 points bring the case
# forward ≈ 41.7 days, more than any SLA (at most 30 days). An expert notice is thus served before
# every ordinary case of its tier, and among expert cases the ordinary rules decide; the queue
# indexes are unchanged. The emergency tier ignores priority altogether.
EXPERT_NOTICE_PRIORITY = 100_000


@cache
def _detector():
    # Built once per process and only for the languages the community speaks: faster and more
    # accurate than all 75 of lingua's, and it never touches the network.
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [IsoCode639_1.from_str(code) for code in sorted(LANGUAGE_CODES)]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language, or "" when it cannot tell."""
    text = " ".join(text.split())
    if len(text) < 3:
        return ""
    language = _detector().detect_language_of(text)
    return language.iso_code_639_1.name.lower() if language else ""


def case_language(case: Case) -> str:
    content: Content | None = case.content
    if content is not None:
        if content.language in LANGUAGE_CODES:
            return content.language
        detected = detect_language(content.text)
        if detected:
            return detected
    return case.subject.native_language or ""


@handles("triage_case")
def triage_case(*, case_id: int, report_id: int | None = None) -> None:
    """Score a case, set its language, hide content past the threshold, escalate what must be.

    Safe to run any number of times: the score is recomputed, hiding and escalation happen once.
    """
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("category__policy", "reason", "subject", "content")
        .filter(pk=case_id, status__in=OPEN_CASE_STATUSES)
        .first()
    )
    if case is None:
        return
    now = timezone.now()
    # A category always gets a policy in the admin; one made some other way triages on the
    # policy's defaults rather than not at all.
    policy: Policy = getattr(case.category, "policy", None) or Policy(category=case.category)
    reports = Report.objects.filter(case=case)
    stats = reports.aggregate(
        expert=Count("pk", filter=Q(expert_notice=True)),
        upheld=Sum("reporter__reports_upheld"),
        rejected=Sum("reporter__reports_rejected"),
    )
    decided = (stats["upheld"] or 0) + (stats["rejected"] or 0)
    severity = case.reason.effective_severity if case.reason else case.category.severity
    critical = bool(case.reason and case.reason.is_critical)
    before = {"priority": case.priority, "language": case.language, "tier": case.tier}
    case.priority = priority_score(
        PriorityInputs(
            severity=severity,
            critical=critical or severity == Severity.CRITICAL,
            distinct_reporters=case.distinct_reporters,
            trusted_flaggers=stats["expert"],
            reporter_accuracy=(stats["upheld"] or 0) / decided if decided else None,
            subject_strikes=case.subject.strike_count,
            age_hours=(now - case.opened_at).total_seconds() / 3600,
        )
    ) + (EXPERT_NOTICE_PRIORITY if stats["expert"] else 0)
    case.language = case_language(case)
    case.triaged_at = now
    case.save(update_fields=["priority", "language", "triaged_at"])
    record_event(
        action=AuditAction.CASE_TRIAGED,
        target=case,
        actor_label=JOB,
        case=case,
        before=before,
        after={"priority": case.priority, "language": case.language},
    )

    recent_reporters = (
        reports.filter(reporter__isnull=False, created_at__gte=now - policy.escalation_window)
        .values("reporter")
        .distinct()
        .count()
    )
    if policy.auto_hide_threshold and case.content_id:
        hide_window_reporters = (
            reports.filter(reporter__isnull=False, created_at__gte=now - policy.auto_hide_window)
            .values("reporter")
            .distinct()
            .count()
        )
        if hide_window_reporters >= policy.auto_hide_threshold:
            hide_pending_review(case)
    if critical:
        escalate(case, to_tier=Tier.EMERGENCY, cause=EscalationCause.CRITICAL, actor_label=JOB)
    elif recent_reporters >= policy.escalation_threshold and case.tier == Tier.FRONTLINE:
        escalate(case, to_tier=Tier.SENIOR, cause=EscalationCause.PILE_UP, actor_label=JOB)
    # Several reporters in several conversations: one member-level case (services/patterns.py).
    look_for_pattern(case, now=now)


def hide_pending_review(case: Case) -> bool:
    """Hide reported content until a moderator decides; recorded so it can be undone exactly."""
    content = Content.objects.select_for_update().get(pk=case.content_id)
    if content.visibility != Visibility.VISIBLE:
        return False
    hidden = Enforcement.objects.create(
        kind=EnforcementKind.HIDE_CONTENT,
        case=case,
        content=content,
        previous_state={"visibility": content.visibility},
    )
    content.visibility = Visibility.HIDDEN
    content.save(update_fields=["visibility"])
    record_event(
        action=AuditAction.CONTENT_HIDDEN,
        target=content,
        actor_label=JOB,
        case=case,
        before={"visibility": Visibility.VISIBLE},
        after={"visibility": Visibility.HIDDEN},
        message="Hidden pending review: the category's auto-hide threshold was reached.",
    )
    webhooks.announce(webhooks.HIDE, enforcement=hidden)
    return True
