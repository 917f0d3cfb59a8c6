"""Four eyes for bans: a ban is proposed, a second moderator confirms or rejects it.

And the category's policy, which moderators read on the case page.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import MemberStatus, User
from reports.models import (
    AuditEvent,
    Case,
    CaseStatus,
    Decision,
    DecisionAction,
    Enforcement,
    EscalationTier,
    OutboxMessage,
    Policy,
    Report,
    ReportStatus,
    Strike,
    Tier,
    Visibility,
)
from reports.models.choices import EnforcementKind, EscalationCause
from reports.selectors.decisions import case_version
from reports.services.decisions.core import CaseUnavailable
from reports.services.decisions.decide import decide
from reports.services.decisions.four_eyes import confirm_ban, reject_ban
from reports.services.decisions.undo import undo_decision
from reports.services.escalation import escalate_case
from tests.concurrency import run_at_once
from tests.conftest import make_content, make_member, make_moderator, make_report

FACTS = "Sold fake exam certificates to twelve learners."


def close_to(value, expected, tolerance=timedelta(seconds=30)) -> bool:
    return value is not None and abs(value - expected) <= tolerance


def reported_content(member: User, category, *, reporters: int = 2) -> Case:
    content = make_content(member)
    for _ in range(reporters):
        report = make_report(
            reporter=make_member(), subject=member, category=category, content=content
        )
    return Case.objects.select_related("content", "category", "subject").get(pk=report.case_id)


def reported_member(member: User, category) -> Case:
    report = make_report(reporter=make_member(), subject=member, category=category)
    return Case.objects.get(pk=report.case_id)


def propose(case: Case, moderator: User, **kw) -> Decision:
    return decide(
        case_id=case.pk, moderator=moderator, action=DecisionAction.BAN, facts=FACTS, **kw
    )


def nothing_applied(case: Case, member: User) -> None:
    member.refresh_from_db()
    assert (member.status, member.strike_count) == (MemberStatus.ACTIVE, 0)
    assert not Strike.objects.exists()
    assert not Enforcement.objects.filter(decision__isnull=False).exists()
    assert not OutboxMessage.objects.filter(topic="notify_decision").exists()
    assert set(Report.objects.filter(case=case).values_list("status", flat=True)) == {
        ReportStatus.OPEN
    }
    case.refresh_from_db()
    assert case.is_open
    if case.content_id:
        case.content.refresh_from_db()
        assert case.content.visibility == Visibility.VISIBLE


@pytest.fixture
def four_eyes(spam) -> None:
    Policy.objects.filter(category=spam).update(four_eyes_for_bans=True)


@pytest.fixture
def case(member, spam) -> Case:
    return reported_content(member, spam)


@pytest.fixture
def second_senior(spam_team) -> User:
    return make_moderator(
        role="Senior moderator", team=spam_team, username="senior-two", display_name="Sam Second"
    )


# --- proposing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_proposed_ban_applies_nothing_and_goes_to_the_senior_queue(
    four_eyes, case, member, spam, spam_moderator
):
    senior_sla = EscalationTier.objects.get(category=spam, tier=Tier.SENIOR).sla
    started = timezone.now()

    decision = propose(case, spam_moderator)

    assert decision.awaiting_confirmation
    assert (decision.action, decision.moderator, decision.confirmed_by) == (
        DecisionAction.BAN,
        spam_moderator,
        None,
    )
    nothing_applied(case, member)
    assert (case.status, case.tier, case.claimed_by, case.escalation_cause) == (
        CaseStatus.ESCALATED,
        Tier.SENIOR,
        None,
        EscalationCause.CONFIRMATION,
    )
    assert close_to(case.due_at, started + senior_sla)
    proposed = AuditEvent.objects.get(action="decision.proposed")
    assert (proposed.actor, proposed.case, proposed.message) == (spam_moderator, case, FACTS)
    assert not AuditEvent.objects.filter(action="decision.recorded").exists()


@pytest.mark.django_db
def test_without_four_eyes_a_ban_applies_at_once(case, member, spam_moderator):
    decision = propose(case, spam_moderator)

    assert not decision.awaiting_confirmation
    member.refresh_from_db()
    assert member.status == MemberStatus.BANNED
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    assert OutboxMessage.objects.filter(topic="notify_decision").count() == 1


@pytest.mark.django_db
def test_other_decisions_in_a_four_eyes_category_apply_at_once(
    four_eyes, case, member, spam_moderator
):
    decide(
        case_id=case.pk,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=timedelta(days=7),
    )

    member.refresh_from_db()
    assert member.status == MemberStatus.SUSPENDED
    assert not Decision.objects.filter(awaiting_confirmation=True).exists()


@pytest.mark.django_db
def test_a_senior_proposal_waits_at_its_own_tier(four_eyes, case, spam_moderator, senior):
    escalate_case(case_id=case.pk, moderator=spam_moderator, note="Looks organised.")

    propose(case, senior)

    case.refresh_from_db()
    assert (case.status, case.tier, case.claimed_by, case.escalation_cause) == (
        CaseStatus.ESCALATED,
        Tier.SENIOR,
        None,
        EscalationCause.CONFIRMATION,
    )


# --- confirming --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_moderator_confirms_and_the_ban_applies_from_then(
    four_eyes, case, member, spam_moderator, senior
):
    reporters = list(User.objects.filter(reports_filed__case=case))
    proposal = propose(case, spam_moderator)

    later = timezone.now() + timedelta(minutes=30)
    with time_machine.travel(later, tick=False):
        decision = confirm_ban(decision_id=proposal.pk, moderator=senior)

    assert decision.pk == proposal.pk
    decision.refresh_from_db()
    assert not decision.awaiting_confirmation
    assert (decision.moderator, decision.confirmed_by) == (spam_moderator, senior)
    assert decision.confirmed_at == decision.starts_at == later
    member.refresh_from_db()
    assert (member.status, member.strike_count) == (MemberStatus.BANNED, 1)
    ban = Enforcement.objects.get(kind=EnforcementKind.BAN_MEMBER)
    assert (ban.member, ban.decision, ban.starts_at) == (member, decision, later)
    assert Strike.objects.get().decision == decision
    assert set(Report.objects.filter(case=case).values_list("status", flat=True)) == {
        ReportStatus.ACTIONED
    }
    for reporter in reporters:
        reporter.refresh_from_db()
        assert reporter.reports_upheld == 1
    case.refresh_from_db()
    assert (case.status, case.resolved_at) == (CaseStatus.DECIDED, later)
    case.content.refresh_from_db()
    assert case.content.visibility == Visibility.REMOVED
    message = OutboxMessage.objects.get(topic="notify_decision")
    # The messages wait for the undo window from the confirmation, not from the proposal.
    assert message.available_at == later + settings.DECISION_UNDO_WINDOW
    confirmed = AuditEvent.objects.get(action="decision.confirmed")
    assert (confirmed.actor, confirmed.after["member"]["status"]) == (senior, MemberStatus.BANNED)


@pytest.mark.django_db
def test_the_proposer_cannot_confirm_their_own_ban(four_eyes, case, member, senior):
    proposal = propose(case, senior)

    with pytest.raises(PermissionDenied):
        confirm_ban(decision_id=proposal.pk, moderator=senior)

    nothing_applied(case, member)
    proposal.refresh_from_db()
    assert proposal.awaiting_confirmation and proposal.confirmed_by is None


@pytest.mark.django_db
def test_a_moderator_who_cannot_see_the_case_cannot_confirm(
    four_eyes, case, member, spam_moderator, spam_team, other_moderator
):
    proposal = propose(case, spam_moderator)
    frontline_colleague = make_moderator(team=spam_team)

    for outsider in (other_moderator, frontline_colleague):
        with pytest.raises(PermissionDenied):
            confirm_ban(decision_id=proposal.pk, moderator=outsider)
        with pytest.raises(PermissionDenied):
            reject_ban(decision_id=proposal.pk, moderator=outsider, note="No.")
    nothing_applied(case, member)


@pytest.mark.django_db
def test_nobody_decides_over_a_pending_proposal(four_eyes, case, member, spam_moderator, senior):
    propose(case, spam_moderator)

    with pytest.raises(CaseUnavailable, match="proposed a ban"):
        decide(case_id=case.pk, moderator=senior, action=DecisionAction.WARN)

    nothing_applied(case, member)
    assert Decision.objects.count() == 1


@pytest.mark.django_db
def test_a_pending_case_is_not_closed_with_another_cases_decision(
    four_eyes, case, member, spam, spam_moderator, senior
):
    propose(case, spam_moderator)
    other = reported_member(member, spam)

    decide(
        case_id=other.pk,
        moderator=senior,
        action=DecisionAction.WARN,
        also_case_ids=[case.pk],
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.ESCALATED
    assert case.decisions.count() == 1


@pytest.mark.django_db
def test_a_stale_confirmation_is_refused(four_eyes, case, member, spam_moderator, senior):
    proposal = propose(case, spam_moderator)
    version = case_version(case)
    make_report(
        reporter=make_member(), subject=member, category=case.category, content=case.content
    )

    with pytest.raises(CaseUnavailable, match="changed since"):
        confirm_ban(decision_id=proposal.pk, moderator=senior, expected_version=version)

    nothing_applied(case, member)


@pytest.mark.django_db
def test_the_other_cases_close_only_when_the_ban_is_confirmed(
    four_eyes, case, member, spam, spam_moderator, senior
):
    other = reported_member(member, spam)

    proposal = propose(case, spam_moderator, also_case_ids=[other.pk])

    other.refresh_from_db()
    assert other.status == CaseStatus.OPEN
    assert not other.decisions.exists()

    confirm_ban(decision_id=proposal.pk, moderator=senior)

    other.refresh_from_db()
    assert other.status == CaseStatus.DECIDED
    companion = other.decisions.get()
    assert (companion.primary, companion.moderator, companion.confirmed_by) == (
        proposal,
        spam_moderator,
        senior,
    )
    assert Strike.objects.count() == 1
    assert Enforcement.objects.filter(kind=EnforcementKind.BAN_MEMBER).count() == 1


# --- rejecting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rejection_needs_a_note_and_leaves_the_case_to_decide_again(
    four_eyes, case, member, spam_moderator, senior
):
    proposal = propose(case, spam_moderator)

    with pytest.raises(ValidationError) as refused:
        reject_ban(decision_id=proposal.pk, moderator=senior, note="   ")
    assert "note" in refused.value.message_dict
    proposal.refresh_from_db()
    assert proposal.reversed_at is None

    reject_ban(decision_id=proposal.pk, moderator=senior, note="First offence; warn instead.")

    proposal.refresh_from_db()
    assert (proposal.reversed_by, proposal.reversal_reason) == (
        senior,
        "First offence; warn instead.",
    )
    assert proposal.awaiting_confirmation  # never took effect, for good
    nothing_applied(case, member)
    assert (case.status, case.tier) == (CaseStatus.ESCALATED, Tier.SENIOR)
    rejected = AuditEvent.objects.get(action="decision.rejected")
    assert (rejected.actor, rejected.message) == (senior, "First offence; warn instead.")
    with pytest.raises(CaseUnavailable, match="rejected this ban already"):
        confirm_ban(decision_id=proposal.pk, moderator=senior)

    warning = decide(case_id=case.pk, moderator=senior, action=DecisionAction.WARN)

    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    assert warning.moderator == senior
    member.refresh_from_db()
    assert (member.status, member.strike_count) == (MemberStatus.ACTIVE, 1)


@pytest.mark.django_db
def test_the_proposer_cannot_reject_their_own_ban(four_eyes, case, senior):
    proposal = propose(case, senior)

    with pytest.raises(PermissionDenied):
        reject_ban(decision_id=proposal.pk, moderator=senior, note="Changed my mind.")


# --- undoing -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_confirmer_undoes_a_confirmed_ban_within_the_window(
    four_eyes, case, member, spam_moderator, senior
):
    proposal = propose(case, spam_moderator)
    with pytest.raises(ValidationError, match="never applied"):
        undo_decision(decision_id=proposal.pk, moderator=spam_moderator)
    assert not proposal.can_be_undone_by(spam_moderator)

    # Long after the proposal, but within the window of the confirmation.
    later = timezone.now() + settings.DECISION_UNDO_WINDOW * 3
    with time_machine.travel(later, tick=False):
        decision = confirm_ban(decision_id=proposal.pk, moderator=senior)
    with time_machine.travel(later + timedelta(minutes=1), tick=False):
        assert decision.can_be_undone_by(senior)
        assert not decision.can_be_undone_by(spam_moderator)
        with pytest.raises(PermissionDenied):
            undo_decision(decision_id=decision.pk, moderator=spam_moderator)

        case = undo_decision(decision_id=decision.pk, moderator=senior)

    member.refresh_from_db()
    assert (member.status, member.strike_count) == (MemberStatus.ACTIVE, 0)
    assert (case.status, case.claimed_by) == (CaseStatus.CLAIMED, senior)
    decision.refresh_from_db()
    assert decision.reversed_by == senior
    assert "confirmed" in decision.reversal_reason


# --- at the same time --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_moderators_confirming_at_once_make_one_ban(member, spam, spam_team):
    Policy.objects.filter(category=spam).update(four_eyes_for_bans=True)
    case = reported_member(member, spam)
    proposer = make_moderator(team=spam_team)
    proposal = propose(case, proposer)
    seniors = [make_moderator(role="Senior moderator", team=spam_team) for _ in range(2)]

    def attempt(moderator):
        try:
            confirm_ban(decision_id=proposal.pk, moderator=moderator)
        except CaseUnavailable as refused:
            return ("refused", refused.decided_by.pk if refused.decided_by else None)
        return ("confirmed", moderator.pk)

    (confirmed, winner), (refused, named) = sorted(run_at_once(attempt, seniors))

    assert (confirmed, refused) == ("confirmed", "refused")
    assert named == winner
    proposal.refresh_from_db()
    assert proposal.confirmed_by_id == winner
    assert Strike.objects.count() == 1
    assert Enforcement.objects.filter(kind=EnforcementKind.BAN_MEMBER).count() == 1
    assert OutboxMessage.objects.filter(topic="notify_decision").count() == 1
    assert AuditEvent.objects.filter(action="decision.confirmed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_and_a_rejection_at_once_have_one_outcome(member, spam, spam_team):
    Policy.objects.filter(category=spam).update(four_eyes_for_bans=True)
    case = reported_member(member, spam)
    proposal = propose(case, make_moderator(team=spam_team))
    confirmer, rejecter = (make_moderator(role="Senior moderator", team=spam_team) for _ in "ab")

    def attempt(moderator):
        try:
            if moderator == confirmer:
                confirm_ban(decision_id=proposal.pk, moderator=moderator)
            else:
                reject_ban(decision_id=proposal.pk, moderator=moderator, note="Not enough.")
        except CaseUnavailable:
            return "refused"
        return "confirmed" if moderator == confirmer else "rejected"

    outcomes = sorted(run_at_once(attempt, [confirmer, rejecter]))

    assert outcomes in (["confirmed", "refused"], ["refused", "rejected"])
    proposal.refresh_from_db()
    member.refresh_from_db()
    if "confirmed" in outcomes:
        assert (proposal.confirmed_by, proposal.reversed_at) == (confirmer, None)
        assert member.status == MemberStatus.BANNED
    else:
        assert (proposal.confirmed_by, proposal.reversed_by) == (None, rejecter)
        assert member.status == MemberStatus.ACTIVE
        assert not Strike.objects.exists()


# --- the case page -----------------------------------------------------------------------------


def case_page(client, case):
    return client.get(reverse("moderation:case", args=[case.pk]))


@pytest.mark.django_db
def test_a_second_moderator_sees_the_proposal_with_confirm_and_reject(
    client, four_eyes, case, spam_moderator, senior
):
    proposal = propose(case, spam_moderator)
    client.force_login(senior)

    response = case_page(client, case)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ban proposed by Moderator Mo" in page
    assert FACTS in page
    assert reverse("moderation:confirm-ban", args=[proposal.pk]) in page
    assert reverse("moderation:reject-ban", args=[proposal.pk]) in page
    assert 'id="decide-form"' not in page  # nothing else is decided meanwhile


@pytest.mark.django_db
def test_the_proposer_sees_that_the_ban_waits_for_a_second_moderator(
    client, four_eyes, case, senior
):
    proposal = propose(case, senior)
    client.force_login(senior)

    page = case_page(client, case).content.decode()

    assert "waiting for a second moderator" in page
    assert reverse("moderation:confirm-ban", args=[proposal.pk]) not in page
    assert reverse("moderation:reject-ban", args=[proposal.pk]) not in page


@pytest.mark.django_db
def test_a_frontline_proposer_hands_the_case_to_the_seniors(
    client, four_eyes, case, spam_moderator
):
    client.force_login(spam_moderator)

    response = client.post(
        reverse("moderation:decide", args=[case.pk]),
        {
            "action": "ban",
            "facts": FACTS,
            "ground": "incompatible",
            "remove_content": "on",
            "version": case_version(case),
            "then": "queue",
        },
        follow=True,
    )

    assert "Ban proposed on case" in response.content.decode()
    assert Decision.objects.get().awaiting_confirmation
    assert "undo_decision" not in client.session
    assert case_page(client, case).status_code == 404  # the seniors' case now


@pytest.mark.django_db
def test_confirming_from_the_page_bans_the_member(
    client, four_eyes, case, member, spam_moderator, senior
):
    proposal = propose(case, spam_moderator)
    client.force_login(senior)

    response = client.post(
        reverse("moderation:confirm-ban", args=[proposal.pk]),
        {"version": case_version(case)},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.BANNED
    assert client.session["undo_decision"] == proposal.pk
    assert OutboxMessage.objects.filter(topic="notify_decision").count() == 1


@pytest.mark.django_db
def test_the_proposer_confirming_from_the_page_is_told_why_not(
    client, four_eyes, case, member, senior
):
    proposal = propose(case, senior)
    client.force_login(senior)

    response = client.post(reverse("moderation:confirm-ban", args=[proposal.pk]), follow=True)

    assert response.status_code == 200
    assert "a second moderator has to confirm or reject it" in response.content.decode()
    nothing_applied(case, member)


@pytest.mark.django_db
def test_a_late_second_confirmation_says_who_confirmed(
    client, four_eyes, case, spam_moderator, senior, second_senior
):
    proposal = propose(case, spam_moderator)
    confirm_ban(decision_id=proposal.pk, moderator=second_senior)
    client.force_login(senior)

    response = client.post(reverse("moderation:confirm-ban", args=[proposal.pk]))

    assert response.status_code == 409
    assert "Already decided by Sam Second" in response.content.decode()


@pytest.mark.django_db
def test_rejecting_from_the_page_needs_a_note(client, four_eyes, case, spam_moderator, senior):
    proposal = propose(case, spam_moderator)
    client.force_login(senior)
    url = reverse("moderation:reject-ban", args=[proposal.pk])

    response = client.post(url, {"note": ""})

    assert response.status_code == 400
    assert "Say why the ban should not be applied." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.reversed_at is None

    response = client.post(url, {"note": "Warn first."})

    assert response.url == reverse("moderation:case", args=[case.pk])
    proposal.refresh_from_db()
    assert proposal.reversal_reason == "Warn first."
    page = case_page(client, case).content.decode()
    assert 'id="decide-form"' in page  # the case can be decided again


@pytest.mark.django_db
def test_the_decision_panel_says_a_ban_needs_a_second_moderator(client, spam, spam_moderator):
    case = reported_content(make_member(), spam)
    client.force_login(spam_moderator)

    assert "needs a second moderator" not in case_page(client, case).content.decode()
    Policy.objects.filter(category=spam).update(four_eyes_for_bans=True)
    assert "needs a second moderator" in case_page(client, case).content.decode()


@pytest.mark.django_db
def test_the_new_urls_are_404_for_other_moderators_and_members(
    client, four_eyes, case, spam_moderator, other_moderator, member
):
    proposal = propose(case, spam_moderator)
    urls = [
        reverse("moderation:confirm-ban", args=[proposal.pk]),
        reverse("moderation:reject-ban", args=[proposal.pk]),
    ]

    for person in (other_moderator, spam_moderator, member):
        # spam_moderator proposed at the frontline: the case is the seniors' now.
        client.force_login(person)
        for url in urls:
            assert client.post(url, {"note": "x"}).status_code == 404, (person, url)
    client.logout()
    for url in urls:
        assert client.post(url).url.startswith(reverse("login"))
    nothing_applied(case, case.subject)
    assert Decision.objects.get().reversed_at is None


@pytest.mark.django_db
def test_the_new_urls_need_post(client, four_eyes, case, spam_moderator, senior):
    proposal = propose(case, spam_moderator)
    client.force_login(senior)

    for name in ("moderation:confirm-ban", "moderation:reject-ban"):
        assert client.get(reverse(name, args=[proposal.pk])).status_code == 405


@pytest.mark.django_db
def test_a_missing_decision_is_404(client, senior):
    client.force_login(senior)

    assert client.post(reverse("moderation:confirm-ban", args=[999999])).status_code == 404


# --- the policy panel --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_policy_panel_shows_tiers_ladder_and_reasons(client, spam, spam_team, spam_moderator):
    EscalationTier.objects.filter(category=spam, tier=Tier.SENIOR).update(
        team=spam_team, sla=timedelta(hours=36)
    )
    Policy.objects.filter(category=spam).update(
        four_eyes_for_bans=True, strike_lifetime=timedelta(days=90)
    )
    case = reported_content(make_member(), spam)
    client.force_login(spam_moderator)

    response = case_page(client, case)

    panel = response.context["file"].policy
    assert panel.sla == "2 days"
    assert panel.strike_lifetime == "90 days"
    assert panel.four_eyes_for_bans
    senior_line = next(t for t in panel.tiers if t.tier == "Senior moderator")
    assert (senior_line.team, senior_line.sla) == ("Spam team", "1 day 12 hours")
    assert [(line.offence, line.action, line.duration) for line in panel.ladder] == [
        (1, "Warn", ""),
        (2, "Restrict", "3 days"),
        (3, "Suspend", "7 days"),
        (4, "Suspend", "30 days"),
        (5, "Ban", ""),
    ]
    page = response.content.decode()
    assert 'id="policy"' in page
    for text in ("Spam team", "1 day 12 hours", "Restrict", "90 days", "four eyes"):
        assert text in page, text
    for reason in spam.reasons.all():
        assert reason.name in page


def test_next_case_never_hands_a_proposer_their_own_proposal(four_eyes, case, senior, spam):
    from reports.services.claims import claim_next_case

    propose(case, senior)

    assert claim_next_case(moderator=senior, category=spam) is None


def test_bans_in_a_four_eyes_category_are_not_decided_in_bulk(four_eyes, case, spam, senior):
    from reports.models import BulkDecision
    from reports.services.bulk import start_bulk_decision

    with pytest.raises(ValidationError) as refused:
        start_bulk_decision(
            moderator=senior, category=spam, case_ids=[case.pk], action=DecisionAction.BAN
        )

    assert "need a second moderator" in str(refused.value.message_dict["action"])
    assert not BulkDecision.objects.exists()


# --- proposals made before their terms lived on the row ----------------------------------------


@pytest.mark.django_db
def test_a_proposal_waiting_at_the_upgrade_keeps_its_terms(
    four_eyes, case, member, spam, spam_moderator, senior
):
    """Migration 0015 reads a waiting proposal's terms from its audit event onto its row."""
    from importlib import import_module

    from django.apps import apps

    other = reported_member(member, spam)
    proposal = propose(case, spam_moderator, also_case_ids=[other.pk], remove_content=False)
    # As the row was before the upgrade: only the audit event knew the terms.
    Decision.objects.filter(pk=proposal.pk).update(
        proposal_removes_content=True, proposal_reason_chosen=False
    )
    proposal.proposal_companions.clear()

    import_module("reports.migrations.0015_decision_proposal_terms").terms_from_the_trail(
        apps, None
    )

    proposal.refresh_from_db()
    assert proposal.proposal_removes_content is False
    assert list(proposal.proposal_companions.values_list("pk", flat=True)) == [other.pk]
    confirm_ban(decision_id=proposal.pk, moderator=senior)
    other.refresh_from_db()
    case.content.refresh_from_db()
    assert other.status == CaseStatus.DECIDED
    assert case.content.visibility != "removed"
