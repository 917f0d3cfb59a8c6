"""Floods: reports on something just judged fine join that decision instead of reopening it."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.effects import outbox
from reports.models import (
    AuditEvent,
    Case,
    CaseStatus,
    Channel,
    DecisionAction,
    Notification,
    OutboxMessage,
    Policy,
    Reason,
    Report,
    ReportStatus,
    Tier,
)
from reports.services.decisions.decide import decide
from reports.services.decisions.undo import undo_decision
from reports.services.intake import submit_report
from tests.conftest import make_content, make_member, make_moderator, make_team


def run_outbox(*topics: str) -> int:
    ran = 0
    while message := OutboxMessage.objects.filter(topic__in=topics, status="pending").first():
        assert outbox.run_message(message.pk) == "done"
        ran += 1
    return ran


@pytest.fixture
def hate_moderator(hate):
    return make_moderator(team=make_team(hate, name="Hate team"), username="hate-mod")


@pytest.fixture
def judged_fine(member, hate, hate_moderator):
    """A message of the member, reported as rude and judged 'no violation' an hour ago."""
    content = make_content(member, text="Your grammar is terrible, honestly.")
    rudeness = Reason.objects.get(category=hate, slug="rudeness")
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=True):
        first = submit_report(
            reporter=make_member(), subject=member, category=hate, content=content, reason=rudeness
        )
        decide(case_id=first.case_id, moderator=hate_moderator, action=DecisionAction.NO_VIOLATION)
    return Case.objects.get(pk=first.case_id)


def report_it(case: Case, *, reporter=None, reason_slug: str = "rudeness", category=None) -> Report:
    category = category or case.category
    reason = Reason.objects.filter(category=category, slug=reason_slug).first()
    return submit_report(
        reporter=reporter or make_member(),
        subject=case.subject,
        category=category,
        content=case.content,
        reason=reason,
    )


@pytest.mark.django_db
def test_two_hundred_reports_on_a_moment_judged_fine_reopen_nothing_and_are_each_told_once(
    judged_fine,
):
    reports = [report_it(judged_fine) for _ in range(200)]

    case = Case.objects.get()  # no second case
    assert case.pk == judged_fine.pk
    assert case.status == CaseStatus.DECIDED
    assert case.additional_reports == 200
    assert (case.report_count, case.distinct_reporters) == (201, 201)
    decided_at = judged_fine.decisions.get().starts_at
    assert {
        (r.case_id, r.status, r.resolved_at, r.collapsed)
        for r in Report.objects.filter(pk__in=[r.pk for r in reports])
    } == {(case.pk, ReportStatus.NO_VIOLATION, decided_at, True)}
    # Nothing to triage, but each reporter gets a receipt and, once, the outcome.
    assert OutboxMessage.objects.filter(topic="triage_case").count() == 1  # the first report's
    assert AuditEvent.objects.filter(action="report.collapsed", case=case).count() == 200
    assert run_outbox("notify_report_received", "notify_collapsed_outcome", "notify_decision")
    run_outbox("notify_report_received", "notify_collapsed_outcome", "notify_decision")
    outcomes = Notification.objects.filter(event="report_outcome", channel=Channel.IN_APP)
    told = list(outcomes.values_list("recipient_id", flat=True))
    assert sorted(told) == sorted([r.reporter_id for r in reports] + [_first_reporter(case)])
    assert all("No violation" in n.subject or n.body for n in outcomes)
    # What My reports reads: the outcome is settled.
    assert all(r.status_for_reporter == ReportStatus.NO_VIOLATION for r in case.reports.all())


def _first_reporter(case: Case) -> int:
    return case.reports.filter(collapsed=False).values_list("reporter_id", flat=True).get()


@pytest.mark.django_db
def test_the_outcome_waits_for_the_undo_window_and_an_undo_reopens_the_joined_reports(
    member, hate, hate_moderator
):
    content = make_content(member)
    first = submit_report(reporter=make_member(), subject=member, category=hate, content=content)
    decision = decide(
        case_id=first.case_id, moderator=hate_moderator, action=DecisionAction.NO_VIOLATION
    )
    late = submit_report(reporter=make_member(), subject=member, category=hate, content=content)

    message = OutboxMessage.objects.get(topic="notify_collapsed_outcome")
    assert message.available_at >= decision.starts_at + settings.DECISION_UNDO_WINDOW
    undo_decision(decision_id=decision.pk, moderator=hate_moderator)

    late.refresh_from_db()
    assert (late.status, late.resolved_at) == (ReportStatus.OPEN, None)
    assert Case.objects.get(pk=first.case_id).status in (CaseStatus.OPEN, CaseStatus.CLAIMED)
    run_outbox("notify_collapsed_outcome")
    assert not Notification.objects.filter(event="report_outcome").exists()


@pytest.mark.django_db
def test_a_self_harm_report_on_it_opens_a_new_case_in_the_emergency_tier_at_once(judged_fine):
    report = report_it(judged_fine, reason_slug="self-harm")

    assert report.case_id != judged_fine.pk
    assert not report.collapsed and report.status == ReportStatus.OPEN
    assert OutboxMessage.objects.filter(topic="triage_case", urgent=True).exists()
    run_outbox("triage_case")
    new_case = Case.objects.get(pk=report.case_id)
    assert new_case.tier == Tier.EMERGENCY
    assert Case.objects.get(pk=judged_fine.pk).additional_reports == 0


@pytest.mark.django_db
def test_a_more_severe_reason_or_another_category_opens_a_new_case(judged_fine, spam):
    hate_report = report_it(judged_fine, reason_slug="hate")  # high, above rudeness
    spam_report = report_it(judged_fine, category=spam, reason_slug="")

    assert hate_report.case_id != judged_fine.pk and not hate_report.collapsed
    assert spam_report.case.category == spam and not spam_report.collapsed
    assert Case.objects.get(pk=judged_fine.pk).additional_reports == 0


@pytest.mark.django_db
def test_past_the_window_a_new_case_opens(judged_fine):
    with time_machine.travel(timezone.now() + timedelta(days=7), tick=True):
        report = report_it(judged_fine)

    assert report.case_id != judged_fine.pk
    assert Case.objects.get(pk=report.case_id).status == CaseStatus.OPEN


@pytest.mark.django_db
def test_past_the_policys_new_reporters_the_next_one_opens_a_new_case(judged_fine, hate):
    Policy.objects.filter(category=hate).update(collapse_reopen_reporters=5)
    joined = [report_it(judged_fine) for _ in range(5)]
    sixth = report_it(judged_fine)

    assert {r.case_id for r in joined} == {judged_fine.pk}
    assert sixth.case_id != judged_fine.pk and not sixth.collapsed
    assert Case.objects.get(pk=judged_fine.pk).additional_reports == 5
    # The crowd's next reports join the new case, which a moderator works.
    seventh = report_it(judged_fine)
    assert seventh.case_id == sixth.case_id
    assert Case.objects.get(pk=sixth.case_id).report_count == 2


@pytest.mark.django_db
def test_a_reporter_of_the_decided_case_adds_to_their_report_and_is_not_told_twice(judged_fine):
    first = judged_fine.reports.get()
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=True):
        again = submit_report(
            reporter=first.reporter,
            subject=judged_fine.subject,
            category=judged_fine.category,
            content=judged_fine.content,
            reason=first.reason,
            description="They said it again in another message.",
        )

    assert again.pk == first.pk and not again.collapsed
    assert "said it again" in again.description
    case = Case.objects.get()
    assert (case.additional_reports, case.report_count) == (0, 1)
    assert OutboxMessage.objects.filter(topic="triage_case").count() == 1  # the first time's
    run_outbox("notify_decision", "notify_collapsed_outcome", "notify_report_received")
    assert (
        Notification.objects.filter(
            recipient=first.reporter, event="report_outcome", channel=Channel.IN_APP
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_an_actioned_case_takes_no_collapse(member, hate, hate_moderator):
    content = make_content(member)
    first = submit_report(reporter=make_member(), subject=member, category=hate, content=content)
    decide(case_id=first.case_id, moderator=hate_moderator, action=DecisionAction.WARN)

    later = submit_report(reporter=make_member(), subject=member, category=hate, content=content)

    assert later.case_id != first.case_id and not later.collapsed


@pytest.mark.django_db
def test_intake_costs_at_most_one_query_more_for_the_collapse(member, hate):
    """The ordinary path looks for a decided case inside the one statement that locks or opens
    its case; the lookup of the decision runs only when a decided case is there."""

    def queries(**kwargs) -> int:
        content = make_content(member)
        reporter = make_member()
        with CaptureQueriesContext(connection) as ctx:
            submit_report(reporter=reporter, subject=member, category=hate, content=content)
        return [q["sql"] for q in ctx.captured_queries]

    opening = queries()
    assert not [q for q in opening if '"reports_decision"' in q], "\n".join(opening)
    assert sum(q.startswith("WITH open_case AS") for q in opening) == 1
    assert len(opening) <= 15, "\n".join(opening)


# --- The case page ---


@pytest.mark.django_db
def test_the_case_page_counts_the_reports_after_the_decision_without_listing_them(
    client, judged_fine, hate_moderator, django_assert_num_queries
):
    client.force_login(hate_moderator)
    url = reverse("moderation:case", args=[judged_fine.pk])
    report_it(judged_fine)
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert "1 more report after the decision" in page

    late = [report_it(judged_fine) for _ in range(19)]

    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert "20 more reports after the decision" in page
    assert "201 reports" not in page and "21 reports, 21 reporters" in page
    assert not any(report.reference in page for report in late)
