"""Patterns: a member reported by several people in several chats gets one member-level case."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.effects import outbox
from reports.models import (
    AuditEvent,
    Case,
    CaseStatus,
    Category,
    OutboxMessage,
    Policy,
    Reason,
)
from reports.models.choices import CaseKind
from reports.services.intake import submit_report
from tests.conftest import make_content, make_member, make_moderator, make_team


def run_triage() -> int:
    ran = 0
    while message := OutboxMessage.objects.filter(topic="triage_case", status="pending").first():
        assert outbox.run_message(message.pk) == "done"
        ran += 1
    return ran


@pytest.fixture
def dating(db) -> Category:
    return Category.objects.get(slug="dating-sexual")


def flirting_report(member, dating, *, reporter=None, content=None):
    """A language partner reports the member's message in their chat as flirting."""
    content = content or make_content(member, text="You have beautiful eyes, let's meet instead.")
    report = submit_report(
        reporter=reporter or make_member(),
        subject=member,
        category=dating,
        content=content,
        reason=Reason.objects.get(category=dating, slug="flirting"),
    )
    run_triage()
    return report


def pattern_cases(member):
    return Case.objects.filter(subject=member, content=None)


@pytest.mark.django_db
def test_three_reporters_in_three_chats_make_one_pattern_case_and_a_fourth_joins_it(member, dating):
    reports = [flirting_report(member, dating) for _ in range(2)]
    assert not pattern_cases(member).exists()  # two reporters are not yet a pattern

    reports.append(flirting_report(member, dating))

    pattern = pattern_cases(member).get()
    assert (pattern.kind, pattern.category, pattern.status) == (
        CaseKind.PATTERN,
        dating,
        CaseStatus.OPEN,
    )
    assert set(pattern.linked_reports.all()) == set(reports)
    assert abs(pattern.due_at - (pattern.opened_at + dating.sla)) < timedelta(seconds=1)
    assert pattern.triaged_at is not None  # triaged as any case, in the category's queue
    opened = AuditEvent.objects.get(action="case.pattern_opened")
    assert opened.case == pattern and sorted(opened.after["linked"]) == sorted(
        r.pk for r in reports
    )

    fourth = flirting_report(member, dating)

    assert pattern_cases(member).count() == 1
    assert fourth in pattern.linked_reports.all()
    assert AuditEvent.objects.filter(action="case.pattern_linked", case=pattern).count() == 1


@pytest.mark.django_db
def test_three_reporters_on_one_message_are_not_a_pattern(member, dating):
    content = make_content(member)
    for _ in range(3):
        flirting_report(member, dating, content=content)

    assert not pattern_cases(member).exists()


@pytest.mark.django_db
def test_one_reporter_in_three_chats_is_not_a_pattern(member, dating):
    reporter = make_member()
    for _ in range(3):
        flirting_report(member, dating, reporter=reporter)

    assert not pattern_cases(member).exists()


@pytest.mark.django_db
def test_reports_older_than_thirty_days_do_not_count(member, dating):
    with time_machine.travel(timezone.now() - timedelta(days=31), tick=True):
        flirting_report(member, dating)
    flirting_report(member, dating)
    flirting_report(member, dating)

    assert not pattern_cases(member).exists()


@pytest.mark.django_db
def test_an_open_member_case_takes_the_reports_in_instead_of_a_second_case(member, dating):
    on_the_member = submit_report(
        reporter=make_member(),
        subject=member,
        category=dating,
        description="Asks every partner out for dinner.",
    )
    reports = [flirting_report(member, dating) for _ in range(3)]

    member_case = pattern_cases(member).get()
    assert member_case.pk == on_the_member.case_id
    assert member_case.kind == CaseKind.REPORTS
    assert set(member_case.linked_reports.all()) == set(reports)
    assert AuditEvent.objects.filter(action="case.pattern_linked", case=member_case).exists()


@pytest.mark.django_db
def test_the_policy_sets_how_many_reporters_make_a_pattern(member, dating):
    Policy.objects.filter(category=dating).update(pattern_reporters=4)
    for _ in range(3):
        flirting_report(member, dating)
    assert not pattern_cases(member).exists()

    flirting_report(member, dating)

    assert pattern_cases(member).get().linked_reports.count() == 4


# --- The case page and the queue ---


@pytest.fixture
def dating_moderator(dating):
    return make_moderator(team=make_team(dating, name="Dating team"), username="dating-mod")


def page_of(client, case):
    return client.get(reverse("moderation:case", args=[case.pk]))


@pytest.mark.django_db
def test_the_pattern_case_page_lists_the_reports_it_looks_at_with_their_cases(
    client, member, dating, dating_moderator
):
    reports = [flirting_report(member, dating) for _ in range(3)]
    pattern = pattern_cases(member).get()
    client.force_login(dating_moderator)

    response = page_of(client, pattern)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Reports this case looks at" in page
    for report in reports:
        assert report.reference in page
        assert report.reporter.public_id in page
        assert reverse("moderation:case", args=[report.case_id]) in page
    assert "Flirting or dating requests" in page
    assert "Pattern: many reporters across conversations" in page


@pytest.mark.django_db
def test_a_case_the_viewer_may_not_open_is_named_without_a_link(
    client, member, dating, dating_moderator
):
    reports = [flirting_report(member, dating) for _ in range(3)]
    pattern = pattern_cases(member).get()
    Case.objects.filter(pk=reports[0].case_id).update(tier=4, status=CaseStatus.ESCALATED)
    client.force_login(dating_moderator)

    page = page_of(client, pattern).content.decode()

    assert f"#{reports[0].case_id}" in page
    assert reverse("moderation:case", args=[reports[0].case_id]) not in page
    assert reverse("moderation:case", args=[reports[1].case_id]) in page


@pytest.mark.django_db
def test_the_linked_reports_cost_the_same_queries_for_three_and_twelve(
    client, member, dating, dating_moderator, django_assert_num_queries
):
    for _ in range(3):
        flirting_report(member, dating)
    pattern = pattern_cases(member).get()
    client.force_login(dating_moderator)
    page_of(client, pattern)  # warm the per-process caches

    with CaptureQueriesContext(connection) as three:
        assert page_of(client, pattern).status_code == 200
    for _ in range(9):
        flirting_report(member, dating)
    assert pattern.linked_reports.count() == 12
    with django_assert_num_queries(len(three.captured_queries)):
        response = page_of(client, pattern)
    assert response.content.decode().count("<code>R-") == 12


@pytest.mark.django_db
def test_the_queue_tags_a_pattern_case(client, member, dating, dating_moderator):
    for _ in range(3):
        flirting_report(member, dating)
    client.force_login(dating_moderator)

    page = client.get(reverse("moderation:queue", args=[dating.slug])).content.decode()

    assert '<span class="tag kind">Pattern</span>' in page
