"""Appeals (DSA Art. 20): a member appeals, a senior who had no part in the decision answers, and
a reversal takes back everything the decision did; a reporter's review reopens a case."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import MemberStatus, User
from reports.effects.appeal_messages import appeal_decided, appeal_received
from reports.effects.notifications import decision_taken
from reports.effects.outbox import run_message
from reports.models import (
    Appeal,
    AppealOutcome,
    AppealStatus,
    AuditEvent,
    Case,
    CaseStatus,
    Channel,
    Decision,
    DecisionAction,
    Enforcement,
    LadderStep,
    Notification,
    OutboxMessage,
    Report,
    ReportStatus,
    Strike,
    Visibility,
    WebhookDelivery,
)
from reports.models.choices import LiftCause
from reports.selectors.appeals import deciding_decision, review_refusal
from reports.selectors.decisions import suggest
from reports.services.appeals.filing import appeal_decision, ask_for_review
from reports.services.appeals.outcomes import AppealUnavailable, decide_appeal
from reports.services.appeals.work import claim_next_appeal
from reports.services.claims import claim_next_case
from reports.services.decisions.core import CaseUnavailable
from reports.services.decisions.decide import decide
from reports.services.decisions.undo import undo_decision
from reports.services.enforcement import lift_expired_enforcements
from tests.concurrency import run_at_once
from tests.conftest import make_content, make_member, make_moderator, make_report

pytestmark = pytest.mark.django_db

WEEK = timedelta(days=7)
AFTER_UNDO = settings.DECISION_UNDO_WINDOW + timedelta(seconds=1)


@pytest.fixture
def second_senior(spam_team) -> User:
    """A senior of the same team who had no part in the decision."""
    return make_moderator(role="Senior moderator", team=spam_team, username="second-senior")


def reported_message(member, spam, *reporters) -> Case:
    content = make_content(member)
    for person in reporters:
        report = make_report(reporter=person, subject=member, category=spam, content=content)
    return Case.objects.get(pk=report.case_id)


def suspended_for_a_week(member, spam, moderator, *reporters) -> Decision:
    case = reported_message(member, spam, *reporters)
    return decide(
        case_id=case.pk,
        moderator=moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
        facts="Sent the same advert for a paid course to forty learners.",
    )


def told(person: User, event: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, event=event, channel=Channel.IN_APP))


def run_all(topic: str) -> int:
    ran = 0
    while message := OutboxMessage.objects.filter(topic=topic, status="pending").first():
        assert run_message(message.pk) == "done"
        ran += 1
    return ran


def test_a_member_appeals_a_suspension_and_a_different_senior_reverses_it(
    platform, endpoint, member, reporter, spam, senior, second_senior
):
    other_reporter = make_member()
    decision = suspended_for_a_week(member, spam, senior, reporter, other_reporter)
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        decision_taken(decision_id=decision.pk)  # the statement and the outcomes go out
        member.refresh_from_db()
        assert (member.status, member.strike_count) == (MemberStatus.SUSPENDED, 1)
        reporter.refresh_from_db()
        assert reporter.reports_upheld == 1

        appeal = appeal_decision(
            appellant=member,
            decision=decision,
            statement="I teach at that school; the learners asked me for the link.",
        )
        assert appeal.reference.startswith("A-")
        assert (appeal.status, appeal.due_at) == (
            AppealStatus.OPEN,
            appeal.received_at + spam.appeal_sla,
        )
        run_all("notify_appeal_received")
        [receipt] = told(member, "appeal_received")
        assert appeal.reference in receipt.subject

        # The senior who decided never gets it; another one does.
        assert claim_next_appeal(moderator=senior, category=spam) is None
        assert claim_next_appeal(moderator=second_senior, category=spam) == appeal
        decide_appeal(
            appeal_id=appeal.pk,
            moderator=second_senior,
            outcome=AppealOutcome.REVERSED,
            answer="The learners had asked for the link; it was no advert.",
        )

        member.refresh_from_db()
        assert (member.status, member.suspended_until, member.strike_count) == (
            MemberStatus.ACTIVE,
            None,
            0,
        )
        assert not Strike.objects.filter(member=member, revoked_at__isnull=True).exists()
        assert not Enforcement.objects.filter(decision=decision, lifted_at__isnull=True).exists()
        assert set(
            Enforcement.objects.filter(decision=decision).values_list("lift_cause", flat=True)
        ) == {LiftCause.APPEAL}
        assert decision.case.content.__class__.objects.get(
            pk=decision.case.content_id
        ).visibility == (Visibility.VISIBLE)
        # The ladder counts it as if it never happened: the next offence is a first one.
        LadderStep.objects.update_or_create(
            category=spam, offence=1, defaults={"action": DecisionAction.WARN, "duration": None}
        )
        new_case = reported_message(member, spam, make_member())
        assert suggest(new_case).offence == 1
        # The reports it upheld no longer count as upheld for their reporters.
        reporter.refresh_from_db()
        assert (reporter.reports_upheld, reporter.reports_rejected) == (0, 1)
        decision.refresh_from_db()
        assert decision.is_reversed and decision.reversed_by == second_senior
        assert appeal.reference in decision.reversal_reason

        # The platform hears the suspension lifted and the message restored, naming the appeal.
        lifted = WebhookDelivery.objects.get(event_type="member.restriction_lifted").payload
        assert lifted["appeal"] == {"reference": appeal.reference, "outcome": "reversed"}
        assert (lifted["member"], lifted["member_status"]) == (member.public_id, "active")
        restored = WebhookDelivery.objects.get(event_type="content.restored").payload
        assert restored["appeal"]["reference"] == appeal.reference
        for delivery in WebhookDelivery.objects.filter(
            event_type__in=["member.restriction_lifted", "content.restored"]
        ):
            run_message(OutboxMessage.objects.get(idempotency_key=f"webhook:{delivery.pk}").pk)
        received = [json.loads(r.body)["type"] for r in platform.requests]
        assert sorted(received) == ["content.restored", "member.restriction_lifted"]

        # Everyone is told once, even when the task runs twice.
        assert run_all("notify_appeal_decided") == 1
        appeal_decided(appeal_id=appeal.pk)
        [answer] = told(member, "appeal_decided")
        assert "The learners had asked for the link" in answer.body
        assert settings.DISPUTE_SETTLEMENT_URL in answer.body
        for person in (reporter, other_reporter):
            assert len(told(person, "report_outcome_reversed")) == 1
        assert AuditEvent.objects.filter(action="decision.reversed", target_id=str(decision.pk))
        event = AuditEvent.objects.get(action="appeal.decided")
        assert event.actor == second_senior and event.after["outcome"] == "reversed"


def test_the_deciders_of_a_confirmed_ban_never_get_its_appeal(
    member, reporter, spam, spam_moderator, senior, second_senior
):
    from reports.models import Policy
    from reports.services.decisions.four_eyes import confirm_ban

    Policy.objects.update_or_create(category=spam, defaults={"four_eyes_for_bans": True})
    case = reported_message(member, spam, reporter)
    proposal = decide(
        case_id=case.pk, moderator=spam_moderator, action=DecisionAction.BAN, facts="Scam."
    )
    ban = confirm_ban(decision_id=proposal.pk, moderator=senior)
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        appeal = appeal_decision(appellant=member, decision=ban, statement="Not a scam.")
        assert claim_next_appeal(moderator=senior, category=spam) is None
        with pytest.raises(AppealUnavailable, match="took part"):
            decide_appeal(
                appeal_id=appeal.pk, moderator=senior, outcome="upheld", answer="It stands."
            )
        assert claim_next_appeal(moderator=second_senior, category=spam) == appeal


def test_the_window_is_six_months_from_the_notification(member, reporter, spam, senior):
    decision = suspended_for_a_week(member, spam, senior, reporter)
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=1)),
        pytest.raises(ValidationError, match="not final yet"),
    ):
        appeal_decision(appellant=member, decision=decision, statement="Please look again.")
    with (
        time_machine.travel(decision.notified_at + timedelta(days=184)),
        pytest.raises(ValidationError, match="time to appeal this decision ended"),
    ):
        appeal_decision(appellant=member, decision=decision, statement="Please look again.")
    assert not Appeal.objects.exists()
    with time_machine.travel(decision.notified_at + timedelta(days=182)):
        assert appeal_decision(appellant=member, decision=decision, statement="Look again.")


def test_a_decision_is_appealed_once_and_only_by_its_member(member, reporter, spam, senior):
    decision = suspended_for_a_week(member, spam, senior, reporter)
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        first = appeal_decision(appellant=member, decision=decision, statement="Look again.")
        with pytest.raises(ValidationError, match=first.reference):
            appeal_decision(appellant=member, decision=decision, statement="Once more.")
        with pytest.raises(ValidationError, match="not about you"):
            appeal_decision(appellant=reporter, decision=decision, statement="Me too.")
        with pytest.raises(ValidationError) as refused:
            appeal_decision(appellant=member, decision=decision, statement="   ")
        assert "statement" in refused.value.message_dict
    assert Appeal.objects.count() == 1
    assert AuditEvent.objects.filter(action="appeal.received").count() == 1


def test_an_undone_or_reversed_decision_cannot_be_appealed(
    member, reporter, spam, senior, second_senior
):
    undone = suspended_for_a_week(member, spam, senior, reporter)
    undo_decision(decision_id=undone.pk, moderator=senior)
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        undone.refresh_from_db()
        with pytest.raises(ValidationError, match="undone"):
            appeal_decision(appellant=member, decision=undone, statement="Look again.")


def test_no_violation_and_care_are_not_appealable_by_the_member(member, reporter, spam, senior):
    case = reported_message(member, spam, reporter)
    cleared = decide(case_id=case.pk, moderator=senior, action=DecisionAction.NO_VIOLATION)
    with (
        time_machine.travel(timezone.now() + AFTER_UNDO),
        pytest.raises(ValidationError, match="no action against you"),
    ):
        appeal_decision(appellant=member, decision=cleared, statement="Look again.")


def test_uphold_keeps_everything_and_tells_the_member_why(
    member, reporter, spam, senior, second_senior
):
    decision = suspended_for_a_week(member, spam, senior, reporter)
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        appeal = appeal_decision(appellant=member, decision=decision, statement="Unfair.")
        decide_appeal(
            appeal_id=appeal.pk,
            moderator=second_senior,
            outcome=AppealOutcome.UPHELD,
            answer="Forty learners who had never written to you got the same advert.",
        )
        appeal_decided(appeal_id=appeal.pk)
    member.refresh_from_db()
    assert (member.status, member.strike_count) == (MemberStatus.SUSPENDED, 1)
    decision.refresh_from_db()
    assert not decision.is_reversed
    [answer] = told(member, "appeal_decided")
    assert "Forty learners" in answer.body and "stands" in answer.body
    assert not told(reporter, "report_outcome_reversed")
    appeal.refresh_from_db()
    assert (appeal.outcome, appeal.decided_by, appeal.time_to_decision) == (
        "upheld",
        second_senior,
        appeal.decided_at - appeal.received_at,
    )


def test_a_ban_replaced_with_three_days_ends_on_time(member, reporter, spam, senior, second_senior):
    case = reported_message(member, spam, reporter)
    ban = decide(case_id=case.pk, moderator=senior, action=DecisionAction.BAN, facts="Scam.")
    with time_machine.travel(ban.starts_at + timedelta(days=1)):
        appeal = appeal_decision(appellant=member, decision=ban, statement="First time.")
        decide_appeal(
            appeal_id=appeal.pk,
            moderator=second_senior,
            outcome=AppealOutcome.REPLACED,
            answer="A first offence: three days are enough.",
            action=DecisionAction.SUSPEND,
            duration=timedelta(days=3),
        )
        appeal.refresh_from_db()
        replacement = appeal.replacement
        assert replacement.replaces == ban and replacement.action == DecisionAction.SUSPEND
        # Time served counts: three days from the ban.
        assert replacement.ends_at == ban.starts_at + timedelta(days=3)
        member.refresh_from_db()
        assert (member.status, member.suspended_until, member.strike_count) == (
            MemberStatus.SUSPENDED,
            replacement.ends_at,
            1,
        )
        ban.refresh_from_db()
        assert ban.is_reversed
        assert not Strike.objects.filter(decision=ban, revoked_at__isnull=True).exists()
        appeal_decided(appeal_id=appeal.pk)
        [answer] = told(member, "appeal_decided")
        assert replacement.statement_of_reasons in answer.body
        # Its link leads to its own page, which says it was decided on appeal and what is left.
        assert f"/decisions/{replacement.uuid}/" in replacement.statement_of_reasons
        with pytest.raises(ValidationError, match="itself taken on appeal"):
            appeal_decision(appellant=member, decision=replacement, statement="Still unfair.")

    with time_machine.travel(replacement.ends_at - timedelta(minutes=1)):
        assert lift_expired_enforcements() == 0
    with time_machine.travel(replacement.ends_at + timedelta(seconds=1)):
        assert lift_expired_enforcements() == 1
        member.refresh_from_db()
        assert member.status == MemberStatus.ACTIVE


def test_a_replacement_must_be_milder(member, reporter, spam, senior, second_senior):
    decision = suspended_for_a_week(member, spam, senior, reporter)
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        appeal = appeal_decision(appellant=member, decision=decision, statement="Too long.")
        for action, days in ((DecisionAction.BAN, None), (DecisionAction.SUSPEND, 7)):
            with pytest.raises(ValidationError) as refused:
                decide_appeal(
                    appeal_id=appeal.pk,
                    moderator=second_senior,
                    outcome=AppealOutcome.REPLACED,
                    answer="Shorter.",
                    action=action,
                    duration=timedelta(days=days) if days else None,
                )
            assert "action" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            decide_appeal(
                appeal_id=appeal.pk, moderator=second_senior, outcome="reversed", answer=" "
            )
        assert "answer" in refused.value.message_dict
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN
    assert not AuditEvent.objects.filter(action="appeal.decided").exists()


@pytest.mark.django_db(transaction=True)
def test_two_seniors_deciding_one_appeal_at_once_make_one_outcome(spam_team, spam):
    member, reporter = make_member(), make_member()
    decider = make_moderator(role="Senior moderator", team=spam_team)
    seniors = [make_moderator(role="Senior moderator", team=spam_team) for _ in range(2)]
    decision = suspended_for_a_week(member, spam, decider, reporter)
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        appeal = appeal_decision(appellant=member, decision=decision, statement="Unfair.")

        def settle(args):
            senior, outcome = args
            try:
                decide_appeal(appeal_id=appeal.pk, moderator=senior, outcome=outcome, answer="…")
                return outcome
            except AppealUnavailable:
                return None

        results = run_at_once(settle, [(seniors[0], "reversed"), (seniors[1], "upheld")])
    [winner] = [r for r in results if r]  # the other one was told it is decided already
    assert None in results
    appeal.refresh_from_db()
    assert appeal.outcome == winner
    assert AuditEvent.objects.filter(action="appeal.decided").count() == 1
    assert OutboxMessage.objects.filter(topic="notify_appeal_decided").count() == 1
    member.refresh_from_db()
    expected = MemberStatus.ACTIVE if winner == "reversed" else MemberStatus.SUSPENDED
    assert member.status == expected


def test_a_reporters_review_reopens_the_case_for_another_moderator(
    member, reporter, spam, spam_moderator, senior, second_senior
):
    other = make_member()
    case = reported_message(member, spam, reporter, other)
    cleared = decide(case_id=case.pk, moderator=spam_moderator, action="no_violation")
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        decision_taken(decision_id=cleared.pk)
        assert len(told(reporter, "report_outcome")) == 1
        report = Report.objects.get(case=case, reporter=reporter)
        review = ask_for_review(
            reporter=reporter, report=report, statement="He sent me the link ten times."
        )
        second = ask_for_review(
            reporter=other,
            report=Report.objects.get(case=case, reporter=other),
            statement="Me too.",
        )
        with pytest.raises(ValidationError, match="not yours"):
            ask_for_review(reporter=other, report=report, statement="Me too.")
        decide_appeal(
            appeal_id=review.pk,
            moderator=senior,
            outcome=AppealOutcome.REVERSED,
            answer="Ten identical links are spam; another moderator will decide again.",
        )
        case.refresh_from_db()
        assert (case.status, case.not_for) == (CaseStatus.OPEN, spam_moderator)
        assert set(Report.objects.filter(case=case).values_list("status", flat=True)) == {
            ReportStatus.OPEN
        }
        second.refresh_from_db()  # the other reporter's review is answered with it
        assert (second.status, second.outcome) == (AppealStatus.DECIDED, "reversed")

        # While the case is decided again, a new review of it waits for the new outcome.
        report.refresh_from_db()
        assert "still looking at this report" in review_refusal(
            reporter, report, deciding_decision(report), now=timezone.now()
        )
        # The moderator whose decision was set aside is not handed the case again.
        assert claim_next_case(moderator=spam_moderator, category=spam) is None
        with pytest.raises(CaseUnavailable, match="set your earlier decision"):
            decide(case_id=case.pk, moderator=spam_moderator, action="no_violation")
        other_moderator = make_moderator(team=spam_moderator.teams.first())
        assert claim_next_case(moderator=other_moderator, category=spam) == case
        removal = decide(
            case_id=case.pk, moderator=other_moderator, action=DecisionAction.REMOVE_CONTENT
        )
    with time_machine.travel(timezone.now() + 2 * AFTER_UNDO):
        run_all("notify_appeal_decided")
        assert len(told(reporter, "appeal_decided")) == 1
        assert len(told(other, "appeal_decided")) == 1
        decision_taken(decision_id=removal.pk)
        # The reporter hears the new outcome, not only the first one.
        outcomes = told(reporter, "report_outcome")
        assert len(outcomes) == 2
        case.content.refresh_from_db()
        assert case.content.visibility == Visibility.REMOVED


def test_a_review_of_a_report_that_led_to_action_is_refused(member, reporter, spam, senior):
    decision = suspended_for_a_week(member, spam, senior, reporter)
    with (
        time_machine.travel(timezone.now() + AFTER_UNDO),
        pytest.raises(ValidationError, match="led to action; there is nothing to review"),
    ):
        ask_for_review(
            reporter=reporter,
            report=Report.objects.get(case=decision.case),
            statement="Look again.",
        )


def test_appeal_screenshots_are_purged_after_retention_unless_the_member_is_held(
    member, reporter, spam, senior, second_senior, settings, django_capture_on_commit_callbacks
):
    from reports.evidence import clean_image
    from reports.models import AppealEvidence, LegalHold
    from reports.services.sweeps import purge_old_evidence
    from tests.conftest import upload

    decision = suspended_for_a_week(member, spam, senior, reporter)
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        appeal = appeal_decision(
            appellant=member,
            decision=decision,
            statement="See the chat: they asked me.",
            evidence=[clean_image(upload())],
        )
        decide_appeal(appeal_id=appeal.pk, moderator=second_senior, outcome="upheld", answer="No.")
    [screenshot] = AppealEvidence.objects.filter(appeal=appeal)
    stored = settings.MEDIA_ROOT / screenshot.image.name
    assert stored.exists() and screenshot.width == 640

    later = timezone.now() + settings.EVIDENCE_RETENTION + timedelta(days=1)
    hold = LegalHold.objects.create(
        member=member,
        case=decision.case,
        reason="Court order.",
        placed_at=timezone.now(),
        placed_by=second_senior,
    )
    with time_machine.travel(later):
        assert purge_old_evidence() == 0  # the member's evidence is held
        LegalHold.objects.filter(pk=hold.pk).update(
            lifted_at=timezone.now(), lifted_by=second_senior, lift_reason="Case closed."
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert purge_old_evidence() == 1
        assert purge_old_evidence() == 0
    screenshot.refresh_from_db()
    assert screenshot.purged_at is not None and not screenshot.image
    assert not stored.exists()
    assert AuditEvent.objects.filter(
        action="evidence.purged", target_type="appealevidence", case=decision.case
    ).exists()


def test_the_case_page_says_a_decision_was_reversed_on_appeal_not_undone(
    client, member, reporter, spam, senior, second_senior
):
    from django.urls import reverse

    decision = suspended_for_a_week(member, spam, senior, reporter)
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        appeal = appeal_decision(appellant=member, decision=decision, statement="Unfair.")
        decide_appeal(
            appeal_id=appeal.pk, moderator=second_senior, outcome="reversed", answer="Ok."
        )
    client.force_login(second_senior)
    page = client.get(reverse("moderation:case", args=[decision.case_id])).content.decode()
    assert "reversed on appeal" in page and ">undone<" not in page
    assert appeal.reference in page  # the reason, on the tag


def test_a_report_whose_action_was_reversed_on_appeal_points_to_dispute_settlement(
    member, reporter, spam, senior, second_senior
):
    decision = suspended_for_a_week(member, spam, senior, reporter)
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        appeal = appeal_decision(appellant=member, decision=decision, statement="Unfair.")
        decide_appeal(
            appeal_id=appeal.pk, moderator=second_senior, outcome="reversed", answer="Ok."
        )
        report = Report.objects.get(case=decision.case)
        assert report.status == ReportStatus.NO_VIOLATION
        with pytest.raises(ValidationError, match="reversed on appeal") as refused:
            ask_for_review(reporter=reporter, report=report, statement="It was spam!")
    assert settings.DISPUTE_SETTLEMENT_URL in str(refused.value)


def test_only_the_platform_files_appeals_for_someone_else(member, reporter, spam, senior):
    from django.core.exceptions import PermissionDenied

    from accounts.services import platform_account

    decision = suspended_for_a_week(member, spam, senior, reporter)
    platform_user, _token, _created = platform_account()
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        with pytest.raises(PermissionDenied):
            appeal_decision(appellant=member, decision=decision, statement="x", sent_by=reporter)
        appeal = appeal_decision(
            appellant=member,
            decision=decision,
            statement="Filed by the app.",
            sent_by=platform_user,
        )
    event = AuditEvent.objects.get(action="appeal.received")
    assert (event.actor, event.after["appellant"]) == (platform_user, member.public_id)
    assert appeal.appellant == member


def test_a_changed_appeal_sla_moves_the_due_time_of_open_appeals(
    member, reporter, spam, senior, ts_admin
):
    from reports.services.categories import save_category
    from reports.services.configuration import Edit

    decision = suspended_for_a_week(member, spam, senior, reporter)
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        appeal = appeal_decision(appellant=member, decision=decision, statement="Unfair.")
    spam.refresh_from_db()
    save_category(edit=Edit.of(spam, appeal_sla=timedelta(hours=12)), actor=ts_admin)
    appeal.refresh_from_db()
    assert appeal.due_at == appeal.received_at + timedelta(hours=12)


def test_the_moderators_home_counts_open_appeals_for_those_who_decide_them(
    client, member, reporter, spam, senior, spam_moderator
):
    from django.urls import reverse

    decision = suspended_for_a_week(member, spam, spam_moderator, reporter)
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        appeal_decision(appellant=member, decision=decision, statement="Unfair.")
    client.force_login(senior)
    assert "Appeals: 1 open" in client.get(reverse("moderation:home")).content.decode()
    client.force_login(spam_moderator)
    assert "Appeals:" not in client.get(reverse("moderation:home")).content.decode()


def test_a_reporter_asking_for_a_review_gets_a_receipt_about_their_report(
    member, reporter, spam, spam_moderator
):
    case = reported_message(member, spam, reporter)
    decide(case_id=case.pk, moderator=spam_moderator, action="no_violation")
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        report = Report.objects.get(case=case)
        review = ask_for_review(reporter=reporter, report=report, statement="Look again.")
        appeal_received(appeal_id=review.pk)
    [receipt] = told(reporter, "appeal_received")
    assert receipt.subject == f"We received your request for a review {review.reference}"
    assert report.reference in receipt.body and "will not learn who reported them" in receipt.body
