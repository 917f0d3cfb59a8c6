"""Reads for referrals, legal holds and evidence bundles on the case and member pages.

Only people who may see referrals (seniors and T&S admins) get anything: for everyone else the
functions answer None without a query, and the pages show nothing of it.
"""

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from accounts.models import User
from reports.models import (
    AuditAction,
    AuditEvent,
    Case,
    EvidenceBundle,
    Handling,
    LegalHold,
    Referral,
    Tier,
)
from reports.permissions import (
    may_handle_bundles,
    may_manage_holds,
    may_refer,
    may_see_referrals,
    visible_cases,
)

BUNDLES_SHOWN = 10
# Events of the case's trail that only those who may see referrals read.
REFERRAL_ACTIONS = (
    AuditAction.CASE_REFERRED,
    AuditAction.LEGAL_HOLD_PLACED,
    AuditAction.LEGAL_HOLD_LIFTED,
    AuditAction.BUNDLE_REQUESTED,
    AuditAction.BUNDLE_BUILT,
    AuditAction.BUNDLE_DOWNLOADED,
)


def trail_for(viewer: User, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """A case's trail without its referrals, holds and bundles for those who may not see them."""
    return events if may_see_referrals(viewer) else events.exclude(action__in=REFERRAL_ACTIONS)


def _referrals(member: User, viewer: User) -> QuerySet[Referral]:
    """The member's referrals on cases this person may see, newest first."""
    return (
        Referral.objects.filter(member=member, case__in=visible_cases(viewer))
        .select_related("sent_by", "case__category")
        .order_by("-sent_at", "-pk")
    )


def _holds(member: User) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(member=member).select_related(
        "placed_by", "lifted_by", "referral"
    )


def _visible(viewer: User, holds: list[LegalHold]) -> set[int]:
    cases = {hold.case_id for hold in holds if hold.case_id}
    return set(visible_cases(viewer).filter(pk__in=cases).values_list("pk", flat=True))


@dataclass
class ReferralPanel:
    """The case page's "Referrals and holds" section."""

    case: Case
    referrals: list[Referral]
    other_referrals: list[Referral]
    holds: list[LegalHold]
    bundles: list[EvidenceBundle] | None
    may_refer: bool
    may_manage_holds: bool
    # The holds' cases this person may open (a hold's case may be in another team's queue).
    visible_case_ids: set[int]
    # A threat to someone's life is what Art. 18 is about: there the form is open at once.
    suggest_referral: bool

    @property
    def active_holds(self) -> list[LegalHold]:
        return [hold for hold in self.holds if hold.is_active]

    @property
    def bundle_pending(self) -> bool:
        return any(b.status == "pending" for b in self.bundles or ())


def referral_panel(case: Case, viewer: User) -> ReferralPanel | None:
    """Referrals of the case and of the member's other cases, the member's active holds (and
    the lifted ones of this case), the case's latest bundles for those who build them."""
    if not may_see_referrals(viewer):
        return None
    referrals = list(_referrals(case.subject, viewer))
    holds = list(
        _holds(case.subject)
        .filter(Q(lifted_at__isnull=True) | Q(case=case))
        .order_by(F("lifted_at").desc(nulls_first=True), "-placed_at")
    )
    bundles = None
    if may_handle_bundles(viewer):
        bundles = list(
            EvidenceBundle.objects.filter(case=case)
            .select_related("requested_by")
            .order_by("-requested_at")[:BUNDLES_SHOWN]
        )
    reason = case.reason
    critical = case.tier == Tier.EMERGENCY or bool(reason and reason.is_critical)
    # A member at risk of harming themself is helped through a welfare check, not the police;
    # the form stays one click away there.
    welfare = bool(reason and reason.handling == Handling.WELFARE)
    return ReferralPanel(
        case=case,
        referrals=[r for r in referrals if r.case_id == case.pk],
        other_referrals=[r for r in referrals if r.case_id != case.pk],
        holds=holds,
        bundles=bundles,
        may_refer=may_refer(viewer),
        may_manage_holds=may_manage_holds(viewer),
        visible_case_ids=_visible(viewer, holds),
        suggest_referral=critical and not welfare,
    )


@dataclass
class MemberLegalRecord:
    """The member page's referrals and active holds."""

    referrals: list[Referral]
    holds: list[LegalHold]
    # The holds' cases this person may open (a hold's case may be in another team's queue).
    visible_case_ids: set[int]


def member_legal_record(member: User, viewer: User) -> MemberLegalRecord | None:
    if not may_see_referrals(viewer):
        return None
    holds = list(_holds(member).filter(lifted_at__isnull=True).order_by("-placed_at"))
    return MemberLegalRecord(
        referrals=list(_referrals(member, viewer)),
        holds=holds,
        visible_case_ids=_visible(viewer, holds),
    )
