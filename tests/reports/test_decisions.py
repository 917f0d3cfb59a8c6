"""Decisions: a moderator decides a case, all it implies happens at once, and undo is exact."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import MemberStatus, User
from reports.effects import outbox
from reports.effects.notifications import decision_taken
from reports.models import (
    AuditEvent,
    Case,
    CaseStatus,
    Channel,
    Decision,
    DecisionAction,
    Enforcement,
    Notification,
    OutboxMessage,
    Policy,
    Reason,
    Report,
    ReportStatus,
    Strike,
    Tier,
    Visibility,
)
from reports.models.choices import EnforcementKind, LiftCause, Restriction
from reports.selectors.decisions import Suggestion, case_version, suggest
from reports.services.decisions.core import CaseUnavailable
from reports.services.decisions.decide import decide
from reports.services.decisions.undo import undo_decision
from reports.services.triage import hide_pending_review
from reports.texts.statements import compose_statement
from tests.concurrency import run_at_once
from tests.conftest import make_content, make_member, make_moderator, make_report

SPAM_EN = "Spam, advertising or solicitation"
SPAM_ZH = "垃圾信息、广告或招揽"
WEEK = timedelta(days=7)


def close_to(value, expected, tolerance=timedelta(seconds=30)) -> bool:
    return value is not None and abs(value - expected) <= tolerance


def reported_content(member: User, category, *, reporters: int = 2, first_reporter=None) -> Case:
    """A message of the member, reported by several people: one case on the content."""
    content = make_content(member)
    people = [first_reporter or make_member()] + [make_member() for _ in range(reporters - 1)]
    for person in people:
        report = make_report(reporter=person, subject=member, category=category, content=content)
    return Case.objects.select_related("content", "category", "subject").get(pk=report.case_id)


def reported_member(member: User, category, *, reporter=None) -> Case:
    """The member themself reported, with no piece of content: a member case."""
    report = make_report(reporter=reporter or make_member(), subject=member, category=category)
    return Case.objects.select_related("category", "subject").get(pk=report.case_id)


def reporters_of(case: Case) -> list[User]:
    return list(User.objects.filter(reports_filed__case=case).order_by("pk"))


def nothing_was_decided(case: Case, member: User) -> None:
    assert not Decision.objects.exists()
    assert not Strike.objects.exists()
    assert not Enforcement.objects.filter(decision__isnull=False).exists()
    assert not OutboxMessage.objects.filter(topic="notify_decision").exists()
    assert not AuditEvent.objects.filter(action="decision.recorded").exists()
    case.refresh_from_db()
    assert case.is_open
    assert case.resolved_at is None
    assert not Report.objects.filter(case=case).exclude(status=ReportStatus.OPEN).exists()
    member.refresh_from_db()
    assert (member.status, member.strike_count) == (MemberStatus.ACTIVE, 0)


@pytest.fixture
def content_case(member, reporter, spam) -> Case:
    return reported_content(member, spam, first_reporter=reporter)


@pytest.fixture
def member_case(member, reporter, spam) -> Case:
    return reported_member(member, spam, reporter=reporter)


# --- deciding ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_suspension_takes_the_member_and_the_content_down_and_closes_the_case(
    content_case, member, spam, spam_moderator
):
    Policy.objects.filter(category=spam).update(strike_lifetime=timedelta(days=90))
    reporters = reporters_of(content_case)
    content = content_case.content
    started = timezone.now()

    decision = decide(
        case_id=content_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
        facts="Sent the same crypto advert to forty learners.",
    )

    member.refresh_from_db()
    assert member.status == MemberStatus.SUSPENDED
    assert close_to(member.suspended_until, started + WEEK)
    assert member.strike_count == 1
    content.refresh_from_db()
    assert content.visibility == Visibility.REMOVED

    assert (decision.action, decision.duration, decision.moderator) == (
        DecisionAction.SUSPEND,
        WEEK,
        spam_moderator,
    )
    assert decision.ends_at == decision.starts_at + WEEK == member.suspended_until
    assert decision.restriction == Restriction.ACCOUNT_SUSPENDED
    assert "Sent the same crypto advert" in decision.statement_of_reasons

    suspension = Enforcement.objects.get(kind=EnforcementKind.SUSPEND_MEMBER)
    assert (suspension.member, suspension.decision, suspension.case) == (
        member,
        decision,
        content_case,
    )
    assert suspension.ends_at == decision.ends_at
    assert suspension.lifted_at is None
    assert suspension.previous_state["status"] == MemberStatus.ACTIVE
    removal = Enforcement.objects.get(kind=EnforcementKind.REMOVE_CONTENT)
    assert (removal.content, removal.decision, removal.member) == (content, decision, None)
    assert removal.previous_state == {"visibility": Visibility.VISIBLE}
    assert Enforcement.objects.count() == 2

    strike = Strike.objects.get()
    assert (strike.member, strike.decision, strike.category) == (member, decision, spam)
    assert strike.expires_at == decision.starts_at + timedelta(days=90)
    assert strike.revoked_at is None

    case = Case.objects.get(pk=content_case.pk)
    assert case.status == CaseStatus.DECIDED
    assert case.resolved_at is not None
    assert (case.claimed_by, case.lease_expires_at) == (None, None)
    reports = list(Report.objects.filter(case=case))
    assert len(reports) == 2
    assert {r.status for r in reports} == {ReportStatus.ACTIONED}
    assert all(r.resolved_at == case.resolved_at for r in reports)
    for person in reporters:
        person.refresh_from_db()
        assert (person.reports_upheld, person.reports_rejected) == (1, 0)

    recorded = AuditEvent.objects.get(action="decision.recorded")
    assert (recorded.actor, recorded.case, recorded.target_id) == (
        spam_moderator,
        case,
        str(decision.pk),
    )
    assert recorded.before["member"]["status"] == MemberStatus.ACTIVE
    assert recorded.after["member"]["status"] == MemberStatus.SUSPENDED
    assert recorded.before["case"]["status"] == CaseStatus.OPEN
    assert recorded.message == "Sent the same crypto advert to forty learners."
    applied = AuditEvent.objects.filter(action="enforcement.applied", case=case)
    assert {e.target_id for e in applied} == {str(suspension.pk), str(removal.pk)}

    message = OutboxMessage.objects.get(topic="notify_decision")
    assert message.payload == {"decision_id": decision.pk}
    assert message.status == "pending"
    assert close_to(message.available_at, decision.created_at + settings.DECISION_UNDO_WINDOW)
    assert message.available_at > timezone.now()


@pytest.mark.django_db
def test_no_violation_gives_hidden_content_back_and_counts_against_the_reporters(
    content_case, member, spam_moderator
):
    hide_pending_review(content_case)
    content = content_case.content
    content.refresh_from_db()
    assert content.visibility == Visibility.HIDDEN
    reporters = reporters_of(content_case)

    decision = decide(
        case_id=content_case.pk, moderator=spam_moderator, action=DecisionAction.NO_VIOLATION
    )

    content.refresh_from_db()
    assert content.visibility == Visibility.VISIBLE
    hidden = Enforcement.objects.get(kind=EnforcementKind.HIDE_CONTENT)
    assert hidden.lifted_at is not None
    assert hidden.lift_cause == LiftCause.REVIEWED
    assert not Enforcement.objects.filter(decision=decision).exists()
    assert not Strike.objects.exists()
    member.refresh_from_db()
    assert (member.status, member.strike_count, member.suspended_until) == (
        MemberStatus.ACTIVE,
        0,
        None,
    )
    assert decision.restriction == Restriction.NONE
    assert set(Report.objects.filter(case=content_case).values_list("status", flat=True)) == {
        ReportStatus.NO_VIOLATION
    }
    for person in reporters:
        person.refresh_from_db()
        assert (person.reports_upheld, person.reports_rejected) == (0, 1)
    assert Case.objects.get(pk=content_case.pk).status == CaseStatus.DECIDED
    shown = AuditEvent.objects.get(action="content.visibility_changed")
    assert shown.before == {"visibility": Visibility.HIDDEN}
    assert shown.after["visibility"] == Visibility.VISIBLE


@pytest.mark.django_db
def test_a_warning_strikes_the_member_without_restricting_them(member_case, member, spam_moderator):
    decision = decide(case_id=member_case.pk, moderator=spam_moderator, action=DecisionAction.WARN)

    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    assert (member.suspended_until, member.restricted_until) == (None, None)
    assert member.strike_count == 1
    assert Strike.objects.get().decision == decision
    assert not Enforcement.objects.exists()
    assert (decision.duration, decision.ends_at) == (None, None)
    assert Report.objects.get(case=member_case).status == ReportStatus.ACTIONED


@pytest.mark.django_db
def test_a_warning_can_leave_the_content_up(content_case, member, spam_moderator):
    decide(
        case_id=content_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.WARN,
        remove_content=False,
    )

    content_case.content.refresh_from_db()
    assert content_case.content.visibility == Visibility.VISIBLE
    assert not Enforcement.objects.exists()
    assert Strike.objects.filter(member=member).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"action": DecisionAction.REMOVE_CONTENT}, "action"),
        ({"action": "shadow_ban"}, "action"),
        ({"action": DecisionAction.SUSPEND}, "duration"),
        ({"action": DecisionAction.SUSPEND, "duration": timedelta(0)}, "duration"),
        ({"action": DecisionAction.RESTRICT, "duration": -WEEK}, "duration"),
        ({"action": DecisionAction.SUSPEND, "duration": timedelta(days=400)}, "duration"),
        ({"action": DecisionAction.WARN, "ground": "illegal"}, "legal_ground"),
        (
            {"action": DecisionAction.WARN, "ground": "illegal", "legal_ground": "  "},
            "legal_ground",
        ),
        ({"action": DecisionAction.WARN, "ground": "vibes"}, "ground"),
    ],
)
def test_bad_decisions_are_refused_and_write_nothing(
    member_case, member, spam_moderator, values, field
):
    with pytest.raises(ValidationError) as refused:
        decide(case_id=member_case.pk, moderator=spam_moderator, **values)

    assert field in refused.value.message_dict
    nothing_was_decided(member_case, member)


@pytest.mark.django_db
def test_a_reason_of_another_category_is_refused(content_case, member, spam_moderator, hate):
    with pytest.raises(ValidationError) as refused:
        decide(
            case_id=content_case.pk,
            moderator=spam_moderator,
            action=DecisionAction.SUSPEND,
            duration=WEEK,
            reason=Reason.objects.get(category=hate, slug="rudeness"),
        )

    assert "reason" in refused.value.message_dict
    nothing_was_decided(content_case, member)
    content_case.content.refresh_from_db()
    assert content_case.content.visibility == Visibility.VISIBLE


@pytest.mark.django_db
def test_an_illegal_content_decision_names_its_law(content_case, spam_moderator):
    decision = decide(
        case_id=content_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.REMOVE_CONTENT,
        ground="illegal",
        legal_ground="  Unfair Commercial Practices Directive, art. 5  ",
    )

    assert decision.legal_ground == "Unfair Commercial Practices Directive, art. 5"
    assert decision.restriction == Restriction.CONTENT_REMOVED
    content_case.content.refresh_from_db()
    assert content_case.content.visibility == Visibility.REMOVED


# --- the ladder and the statement -------------------------------------------------------------


@pytest.mark.django_db
def test_the_ladder_suggests_a_warning_first_then_a_three_day_restriction(
    member, spam, spam_moderator
):
    first = reported_member(member, spam)
    assert suggest(first) == Suggestion(offence=1, action=DecisionAction.WARN, duration=None)

    decide(case_id=first.pk, moderator=spam_moderator, action=DecisionAction.WARN)
    second = reported_member(member, spam)

    assert second.pk != first.pk
    assert suggest(second) == Suggestion(
        offence=2, action=DecisionAction.RESTRICT, duration=timedelta(days=3)
    )
    lifetime = Policy.objects.get(category=spam).strike_lifetime
    with time_machine.travel(timezone.now() + lifetime + timedelta(days=1), tick=False):
        assert suggest(second).offence == 1  # an expired strike no longer counts


@pytest.mark.django_db
def test_strikes_of_another_category_do_not_climb_this_ladder(member, spam, hate, other_moderator):
    hate_case = reported_member(member, hate)
    decide(case_id=hate_case.pk, moderator=other_moderator, action=DecisionAction.WARN)

    assert suggest(reported_member(member, spam)).offence == 1


@pytest.mark.django_db
def test_the_statement_of_reasons_fills_in_the_decision(content_case, member):
    ends_at = datetime(2030, 3, 8, 12, 0, tzinfo=UTC)

    text = compose_statement(
        content_case,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
        ends_at=ends_at,
        facts="  Sent the same advert to forty learners.  ",
    )

    assert text.startswith("Your account is suspended for 7 days, until March 8, 2030")
    assert f'"{SPAM_EN}"' in text
    assert "Sent the same advert to forty learners." in text
    assert "http://localhost:8000/decisions/" in text  # where the member appeals, in the app
    assert "{" not in text and "}" not in text


@pytest.mark.django_db
def test_the_statement_of_reasons_names_the_category_in_the_members_language(content_case, member):
    member.preferred_language = "zh-hans"
    member.save(update_fields=["preferred_language"])
    case = Case.objects.select_related("category", "subject", "content").get(pk=content_case.pk)

    text = compose_statement(case, action=DecisionAction.WARN, facts="Spam.")

    assert f"“{SPAM_ZH}”" in text
    assert SPAM_EN not in text
    # No admin wrote a Chinese text: the shipped one, in Chinese, with Chinese words around it.
    assert text.startswith("我们审核了你的")
    assert "reviewed" not in text
    assert "{" not in text


# --- out of date, taken, decided ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_decision_from_an_out_of_date_page_is_refused(content_case, member, spam, spam_moderator):
    seen = case_version(content_case)
    make_report(reporter=make_member(), subject=member, category=spam, content=content_case.content)

    with pytest.raises(CaseUnavailable):
        decide(
            case_id=content_case.pk,
            moderator=spam_moderator,
            action=DecisionAction.SUSPEND,
            duration=WEEK,
            expected_version=seen,
        )
    nothing_was_decided(content_case, member)

    decision = decide(
        case_id=content_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
        expected_version=case_version(content_case),
    )
    assert Report.objects.filter(case=content_case, status=ReportStatus.ACTIONED).count() == 3
    assert decision.case_id == content_case.pk


@pytest.mark.django_db
def test_a_case_decided_already_says_who_decided_it(member_case, spam_team, spam_moderator):
    decide(case_id=member_case.pk, moderator=spam_moderator, action=DecisionAction.WARN)
    colleague = make_moderator(team=spam_team)

    with pytest.raises(CaseUnavailable) as refused:
        decide(
            case_id=member_case.pk,
            moderator=colleague,
            action=DecisionAction.SUSPEND,
            duration=WEEK,
        )

    assert refused.value.decided_by == spam_moderator
    assert Decision.objects.count() == 1
    assert Strike.objects.count() == 1
    assert not Enforcement.objects.exists()


@pytest.mark.django_db
def test_a_case_held_by_another_moderator_cannot_be_decided(
    member_case, member, spam_team, spam_moderator
):
    holder = make_moderator(team=spam_team)
    Case.objects.filter(pk=member_case.pk).update(
        status=CaseStatus.CLAIMED,
        claimed_by=holder,
        lease_expires_at=timezone.now() + timedelta(minutes=5),
    )

    with pytest.raises(CaseUnavailable):
        decide(case_id=member_case.pk, moderator=spam_moderator, action=DecisionAction.WARN)
    nothing_was_decided(member_case, member)
    assert Case.objects.get(pk=member_case.pk).claimed_by == holder

    # Once the holder's lease has run out, the case is anyone's again.
    Case.objects.filter(pk=member_case.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    decision = decide(case_id=member_case.pk, moderator=spam_moderator, action=DecisionAction.WARN)
    assert decision.moderator == spam_moderator


@pytest.mark.django_db
def test_a_moderator_of_another_category_cannot_decide(member_case, member, other_moderator):
    with pytest.raises(PermissionDenied):
        decide(case_id=member_case.pk, moderator=other_moderator, action=DecisionAction.WARN)
    nothing_was_decided(member_case, member)


@pytest.mark.django_db
def test_a_frontline_moderator_cannot_decide_an_escalated_case(
    member_case, member, spam_moderator, senior
):
    Case.objects.filter(pk=member_case.pk).update(status=CaseStatus.ESCALATED, tier=Tier.SENIOR)

    with pytest.raises(PermissionDenied):
        decide(case_id=member_case.pk, moderator=spam_moderator, action=DecisionAction.WARN)
    nothing_was_decided(member_case, member)

    assert decide(case_id=member_case.pk, moderator=senior, action=DecisionAction.WARN).pk


@pytest.mark.django_db(transaction=True)
def test_two_moderators_deciding_the_same_case_at_once_make_one_decision(
    member, reporter, spam, spam_team
):
    case = reported_member(member, spam, reporter=reporter)
    moderators = [make_moderator(team=spam_team) for _ in range(2)]

    def attempt(moderator):
        try:
            decide(
                case_id=case.pk,
                moderator=moderator,
                action=DecisionAction.SUSPEND,
                duration=WEEK,
            )
        except CaseUnavailable as refused:
            return ("refused", refused.decided_by.pk if refused.decided_by else None)
        return ("decided", moderator.pk)

    outcomes = sorted(run_at_once(attempt, moderators))

    (decided, winner), (refused, named) = outcomes
    assert (decided, refused) == ("decided", "refused")
    assert named == winner
    decision = Decision.objects.get()
    assert decision.moderator_id == winner
    assert Strike.objects.count() == 1
    assert Enforcement.objects.filter(kind=EnforcementKind.SUSPEND_MEMBER).count() == 1
    assert OutboxMessage.objects.filter(topic="notify_decision").count() == 1
    reporter.refresh_from_db()
    assert reporter.reports_upheld == 1


# --- the member's other open cases --------------------------------------------------------------


@pytest.mark.django_db
def test_the_members_other_open_case_closes_with_one_strike_and_one_enforcement(
    content_case, member, spam, spam_moderator
):
    member_case = reported_member(member, spam)
    other_reporters = reporters_of(member_case)

    decision = decide(
        case_id=content_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
        facts="Same advert everywhere.",
        also_case_ids=[member_case.pk],
    )

    companion = Decision.objects.get(case=member_case)
    assert companion.primary == decision
    assert (companion.action, companion.duration) == (DecisionAction.SUSPEND, WEEK)
    assert list(decision.companions.all()) == [companion]
    closed = Case.objects.get(pk=member_case.pk)
    assert closed.status == CaseStatus.DECIDED
    assert closed.resolved_at is not None
    assert set(Report.objects.filter(case=member_case).values_list("status", flat=True)) == {
        ReportStatus.ACTIONED
    }
    for person in other_reporters:
        person.refresh_from_db()
        assert person.reports_upheld == 1

    assert Strike.objects.get().decision == decision
    suspension = Enforcement.objects.get(member=member)
    assert suspension.decision == decision
    assert not Enforcement.objects.filter(decision=companion).exists()
    member.refresh_from_db()
    assert (member.strike_count, member.status) == (1, MemberStatus.SUSPENDED)
    event = AuditEvent.objects.get(action="decision.recorded", case=member_case)
    assert event.after["with"] == decision.pk
    assert OutboxMessage.objects.filter(topic="notify_decision").count() == 1


@pytest.mark.django_db
def test_a_companion_content_case_has_its_content_removed_too(member, spam, spam_moderator):
    first = reported_content(member, spam)
    second = reported_content(member, spam)

    decide(
        case_id=first.pk,
        moderator=spam_moderator,
        action=DecisionAction.REMOVE_CONTENT,
        also_case_ids=[second.pk],
    )

    assert Decision.objects.get(case=second).restriction == Restriction.CONTENT_REMOVED
    assert Strike.objects.count() == 1
    second.content.refresh_from_db()
    assert second.content.visibility == Visibility.REMOVED


@pytest.mark.django_db
def test_a_companion_content_case_gives_hidden_content_back_when_there_is_no_violation(
    member, spam, spam_moderator
):
    first = reported_content(member, spam)
    second = reported_content(member, spam)
    hide_pending_review(second)

    decide(
        case_id=first.pk,
        moderator=spam_moderator,
        action=DecisionAction.NO_VIOLATION,
        also_case_ids=[second.pk],
    )

    assert Case.objects.get(pk=second.pk).status == CaseStatus.DECIDED
    second.content.refresh_from_db()
    assert second.content.visibility == Visibility.VISIBLE
    assert Enforcement.objects.get(kind=EnforcementKind.HIDE_CONTENT).lifted_at is not None


@pytest.mark.django_db
def test_another_members_case_cannot_be_closed_with_this_decision(
    content_case, member, spam, spam_moderator
):
    someone_else = reported_member(make_member(), spam)

    with pytest.raises(ValidationError) as refused:
        decide(
            case_id=content_case.pk,
            moderator=spam_moderator,
            action=DecisionAction.WARN,
            also_case_ids=[someone_else.pk],
        )

    assert "also_cases" in refused.value.message_dict
    nothing_was_decided(content_case, member)
    assert Case.objects.get(pk=someone_else.pk).status == CaseStatus.OPEN


@pytest.mark.django_db
def test_an_other_case_outside_the_moderators_categories_is_left_open(
    content_case, member, hate, spam_moderator
):
    hate_case = reported_member(member, hate)

    decide(
        case_id=content_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.WARN,
        also_case_ids=[hate_case.pk],
    )

    assert Case.objects.get(pk=hate_case.pk).status == CaseStatus.OPEN
    assert not Decision.objects.filter(case=hate_case).exists()


# --- undo ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_undoing_within_the_window_restores_everything_and_tells_nobody(
    content_case, member, spam_moderator
):
    reporters = reporters_of(content_case)
    content = content_case.content
    decision = decide(
        case_id=content_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
    )
    assert decision.can_be_undone_by(spam_moderator)

    case = undo_decision(decision_id=decision.pk, moderator=spam_moderator)

    member.refresh_from_db()
    assert (member.status, member.suspended_until, member.strike_count) == (
        MemberStatus.ACTIVE,
        None,
        0,
    )
    content.refresh_from_db()
    assert content.visibility == Visibility.VISIBLE
    strike = Strike.objects.get()
    assert strike.revoked_at is not None
    for enforcement in Enforcement.objects.filter(decision=decision):
        assert enforcement.lifted_at is not None
        assert enforcement.lift_cause == LiftCause.UNDONE
    for report in Report.objects.filter(case=case):
        assert (report.status, report.resolved_at) == (ReportStatus.OPEN, None)
    for person in reporters:
        person.refresh_from_db()
        assert (person.reports_upheld, person.reports_rejected) == (0, 0)
    assert (case.status, case.claimed_by, case.resolved_at) == (
        CaseStatus.CLAIMED,
        spam_moderator,
        None,
    )
    assert case.lease_expires_at > timezone.now()
    decision.refresh_from_db()
    assert decision.reversed_at is not None
    assert decision.reversed_by == spam_moderator
    assert not decision.can_be_undone_by(spam_moderator)
    undone = AuditEvent.objects.get(action="decision.undone")
    assert undone.before["member"]["status"] == MemberStatus.SUSPENDED
    assert undone.after["member"]["status"] == MemberStatus.ACTIVE
    assert AuditEvent.objects.filter(action="case.reopened", case=case).count() == 1

    message = OutboxMessage.objects.get(topic="notify_decision")
    OutboxMessage.objects.filter(pk=message.pk).update(
        available_at=timezone.now() - timedelta(seconds=1)
    )
    assert outbox.run_message(message.pk) == "done"
    assert not Notification.objects.filter(
        event__in=["report_outcome", "statement_of_reasons"]
    ).exists()

    with pytest.raises(ValidationError):
        undo_decision(decision_id=decision.pk, moderator=spam_moderator)

    # The case is back with its moderator, who can decide it again.
    again = decide(case_id=case.pk, moderator=spam_moderator, action=DecisionAction.NO_VIOLATION)
    assert again.pk != decision.pk
    for person in reporters:
        person.refresh_from_db()
        assert (person.reports_upheld, person.reports_rejected) == (0, 1)


@pytest.mark.django_db
def test_undoing_a_no_violation_hides_the_reviewed_content_again(content_case, spam_moderator):
    hide_pending_review(content_case)
    decision = decide(
        case_id=content_case.pk, moderator=spam_moderator, action=DecisionAction.NO_VIOLATION
    )

    undo_decision(decision_id=decision.pk, moderator=spam_moderator)

    content_case.content.refresh_from_db()
    assert content_case.content.visibility == Visibility.HIDDEN
    hidden = Enforcement.objects.get(kind=EnforcementKind.HIDE_CONTENT)
    assert (hidden.lifted_at, hidden.lift_cause) == (None, "")


@pytest.mark.django_db
def test_undoing_reopens_the_other_cases_closed_with_the_decision(
    content_case, member_case, member, spam_moderator
):
    decision = decide(
        case_id=content_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.WARN,
        also_case_ids=[member_case.pk],
    )

    undo_decision(decision_id=decision.pk, moderator=spam_moderator)

    companion = Case.objects.get(pk=member_case.pk)
    assert (companion.status, companion.claimed_by, companion.resolved_at) == (
        CaseStatus.OPEN,
        None,
        None,
    )
    assert Report.objects.get(case=member_case).status == ReportStatus.OPEN
    assert Decision.objects.get(case=member_case).reversed_at is not None
    member.refresh_from_db()
    assert member.strike_count == 0


@pytest.mark.django_db
def test_only_the_deciding_moderator_can_undo(member_case, member, spam_team, spam_moderator):
    decision = decide(
        case_id=member_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
    )
    colleague = make_moderator(team=spam_team)
    assert not decision.can_be_undone_by(colleague)

    with pytest.raises(PermissionDenied):
        undo_decision(decision_id=decision.pk, moderator=colleague)

    decision.refresh_from_db()
    assert decision.reversed_at is None
    member.refresh_from_db()
    assert member.status == MemberStatus.SUSPENDED
    assert Case.objects.get(pk=member_case.pk).status == CaseStatus.DECIDED
    assert not AuditEvent.objects.filter(action="decision.undone").exists()


@pytest.mark.django_db
def test_a_decision_cannot_be_undone_after_the_window(member_case, member, spam_moderator):
    decision = decide(
        case_id=member_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
    )
    later = decision.created_at + settings.DECISION_UNDO_WINDOW + timedelta(seconds=1)

    with time_machine.travel(later, tick=False):
        assert not decision.can_be_undone_by(spam_moderator)
        with pytest.raises(ValidationError):
            undo_decision(decision_id=decision.pk, moderator=spam_moderator)

    decision.refresh_from_db()
    assert decision.reversed_at is None
    member.refresh_from_db()
    assert (member.status, member.strike_count) == (MemberStatus.SUSPENDED, 1)
    assert Strike.objects.get().revoked_at is None


@pytest.mark.django_db
def test_the_messages_are_not_due_while_the_decision_can_still_be_undone(
    member_case, spam_moderator
):
    decision = decide(
        case_id=member_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
    )
    message = OutboxMessage.objects.get(topic="notify_decision")

    with time_machine.travel(message.available_at, tick=False):
        due = OutboxMessage.objects.filter(pk=message.pk, available_at__lte=timezone.now()).exists()
        undoable = decision.can_be_undone_by(spam_moderator)

    assert due
    assert not undoable


# --- telling the reporters and the member ------------------------------------------------------


def channels_of(recipient: User, event: str) -> set[str]:
    return set(
        Notification.objects.filter(recipient=recipient, event=event).values_list(
            "channel", flat=True
        )
    )


@pytest.mark.django_db
def test_after_the_window_reporters_hear_the_outcome_and_the_member_the_statement(
    content_case, member, reporter, spam_moderator, monkeypatch
):
    reporter.preferred_language = "zh-hans"
    reporter.save(update_fields=["preferred_language"])
    decision = decide(
        case_id=content_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
        facts="Same advert everywhere.",
    )
    message = OutboxMessage.objects.get(topic="notify_decision")
    published = []
    monkeypatch.setattr(outbox, "publish", lambda pk: published.append(pk) or True)

    with time_machine.travel(timezone.now() + settings.OUTBOX_GRACE * 2, tick=False):
        outbox.dispatch_pending()
    assert message.pk not in published  # still inside the undo window

    with time_machine.travel(
        decision.created_at + settings.DECISION_UNDO_WINDOW + timedelta(minutes=1), tick=False
    ):
        outbox.dispatch_pending()
        assert message.pk in published
        assert outbox.run_message(message.pk) == "done"

    reports = list(Report.objects.filter(case=content_case).select_related("reporter"))
    assert len(reports) == 2
    for report in reports:
        assert channels_of(report.reporter, "report_outcome") == {Channel.IN_APP, Channel.EMAIL}
        for notification in Notification.objects.filter(recipient=report.reporter):
            assert report.reference in notification.body
            for secret in (
                member.display_name,
                member.public_id,
                member.username,
                spam_moderator.display_name,
                spam_moderator.public_id,
            ):
                assert secret not in notification.body
                assert secret not in notification.subject
    in_chinese = Notification.objects.filter(recipient=reporter, event="report_outcome")
    assert all(SPAM_ZH in n.body for n in in_chinese)
    others = Notification.objects.filter(event="report_outcome").exclude(recipient=reporter)
    assert others.exists()
    assert all(SPAM_EN in n.body for n in others)

    assert channels_of(member, "statement_of_reasons") == {Channel.IN_APP, Channel.EMAIL}
    for statement in Notification.objects.filter(recipient=member):
        assert statement.body == decision.statement_of_reasons
        assert statement.case_id == content_case.pk
        assert spam_moderator.display_name not in statement.body

    sent = Notification.objects.count()
    assert sent == 6
    assert outbox.run_message(message.pk) == "skipped"
    # A message delivered again after a crash, or the handler run twice, tells nobody twice.
    OutboxMessage.objects.filter(pk=message.pk).update(status="pending")
    assert outbox.run_message(message.pk) == "done"
    decision_taken(decision_id=decision.pk)
    assert Notification.objects.count() == sent
    assert OutboxMessage.objects.filter(topic="deliver_notification").count() == 3


@pytest.mark.django_db
def test_a_no_violation_outcome_tells_the_reporters_and_not_the_member(
    member_case, member, reporter, spam_moderator
):
    decision = decide(
        case_id=member_case.pk, moderator=spam_moderator, action=DecisionAction.NO_VIOLATION
    )

    decision_taken(decision_id=decision.pk)

    outcome = Notification.objects.get(recipient=reporter, channel=Channel.IN_APP)
    assert outcome.event == "report_outcome"
    assert "found no violation" in outcome.body
    assert not Notification.objects.filter(recipient=member).exists()


@pytest.mark.django_db
def test_reporters_of_the_other_cases_closed_with_a_decision_hear_the_outcome_too(
    content_case, member, spam, spam_moderator
):
    member_case = reported_member(member, spam)
    (other_reporter,) = reporters_of(member_case)
    decision = decide(
        case_id=content_case.pk,
        moderator=spam_moderator,
        action=DecisionAction.WARN,
        also_case_ids=[member_case.pk],
    )

    decision_taken(decision_id=decision.pk)

    assert channels_of(other_reporter, "report_outcome") == {Channel.IN_APP, Channel.EMAIL}
    # One statement of reasons for the member, not one per case.
    assert Notification.objects.filter(event="statement_of_reasons").count() == 2


# --- Overlapping enforcements ---


@pytest.mark.django_db
def test_a_ban_on_a_member_already_restricted_keeps_both_records(
    spam, hate, spam_moderator, ts_admin, member
):
    decide(
        case_id=reported_member(member, spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.RESTRICT,
        duration=timedelta(days=3),
    )
    member.refresh_from_db()
    restricted_until = member.restricted_until

    decide(case_id=reported_member(member, hate).pk, moderator=ts_admin, action=DecisionAction.BAN)

    member.refresh_from_db()
    assert member.status == MemberStatus.BANNED
    assert member.restricted_until == restricted_until  # still recorded under the ban
    ban = Enforcement.objects.get(kind=EnforcementKind.BAN_MEMBER)
    assert ban.previous_state["status"] == MemberStatus.RESTRICTED


@pytest.mark.django_db
def test_content_removed_under_two_categories_stays_removed_when_one_is_undone(
    spam, hate, spam_moderator, ts_admin, member
):
    content = make_content(member)
    spam_case = make_report(
        reporter=make_member(), subject=member, category=spam, content=content
    ).case
    hide_pending_review(spam_case)
    hate_case = make_report(
        reporter=make_member(), subject=member, category=hate, content=content
    ).case

    decide(case_id=hate_case.pk, moderator=ts_admin, action=DecisionAction.REMOVE_CONTENT)
    spam_decision = decide(
        case_id=spam_case.pk, moderator=spam_moderator, action=DecisionAction.REMOVE_CONTENT
    )
    content.refresh_from_db()
    assert content.visibility == Visibility.REMOVED

    undo_decision(decision_id=spam_decision.pk, moderator=spam_moderator)

    content.refresh_from_db()
    assert content.visibility == Visibility.REMOVED  # the hate decision's removal stands


@pytest.mark.django_db
def test_an_expired_restriction_under_a_suspension_is_lifted_quietly(
    spam, hate, spam_moderator, ts_admin, member
):
    from reports.services.enforcement import lift_expired_enforcements

    decide(
        case_id=reported_member(member, spam).pk,
        moderator=spam_moderator,
        action=DecisionAction.RESTRICT,
        duration=timedelta(days=1),
    )
    decide(
        case_id=reported_member(member, hate).pk,
        moderator=ts_admin,
        action=DecisionAction.SUSPEND,
        duration=WEEK,
    )

    assert lift_expired_enforcements(now=timezone.now() + timedelta(days=2)) == 1

    member.refresh_from_db()
    assert member.status == MemberStatus.SUSPENDED
    assert member.restricted_until is None
    assert not Notification.objects.filter(event="restriction_lifted").exists()


@pytest.mark.django_db
def test_the_statement_says_what_automation_had_to_do_with_it(spam, spam_moderator, member):
    by_members = decide(
        case_id=reported_member(member, spam).pk, moderator=spam_moderator, action="warn"
    )
    flagged_case = make_report(
        reporter=None, subject=make_member(), category=spam, source="automatic"
    ).case
    flagged = decide(case_id=flagged_case.pk, moderator=spam_moderator, action="warn")

    assert by_members.statement_of_reasons.endswith("no automated decision-making was involved.")
    assert flagged.statement_of_reasons.endswith(
        "Automatic detection flagged this; a moderator reviewed it and took the decision."
    )
    assert (by_members.automated_detection, flagged.automated_detection) == (False, True)
