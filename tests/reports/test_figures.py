"""The daily figures behind the dashboard and the transparency report: what each day counts,
that rerunning a day changes nothing, and that late changes update the day they belong to."""

import random
from datetime import UTC, timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from reports.models import (
    Appeal,
    AppealOutcome,
    Case,
    DailyFigure,
    Decision,
    DecisionAction,
    FigureCursor,
    Metric,
    Tier,
)
from reports.selectors.figures import histogram, merge, quantile
from reports.services.appeals.filing import appeal_decision
from reports.services.appeals.outcomes import decide_appeal
from reports.services.decisions.decide import decide
from reports.services.decisions.undo import undo_decision
from reports.services.figures import rebuild_figures, refresh_figures
from reports.services.triage import triage_case
from tests.conftest import make_content, make_member, make_moderator, make_report

pytestmark = pytest.mark.django_db

AFTER_UNDO = settings.DECISION_UNDO_WINDOW + timedelta(seconds=1)


def rows(metric: str, **where) -> list[DailyFigure]:
    return list(DailyFigure.objects.filter(metric=metric, **where).order_by("day", "id"))


def total(metric: str, **where) -> int:
    return sum(row.count for row in rows(metric, **where))


def snapshot() -> list[tuple]:
    return list(
        DailyFigure.objects.order_by("id").values_list(
            "id", "day", "metric", "count", "within_sla", "durations"
        )
    )


def reported_message(member, category, *reporters) -> Case:
    content = make_content(member)
    for person in reporters:
        report = make_report(reporter=person, subject=member, category=category, content=content)
    return Case.objects.get(pk=report.case_id)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_quantiles_read_off_the_histogram_are_within_five_percent(seed):
    generator = random.Random(seed)
    seconds = sorted(generator.lognormvariate(8, 2) for _ in range(2001))
    merged = merge([histogram(timedelta(seconds=s) for s in seconds)])
    for q in (0.5, 0.9):
        exact = seconds[int(q * (len(seconds) - 1))]
        estimate = quantile(merged, q).total_seconds()
        assert abs(estimate - exact) / exact < 0.05, (q, exact, estimate)
    assert quantile(merge([]), 0.5) is None


def test_a_day_counts_its_notices_decision_first_action_queue_and_appeal(
    member, reporter, spam, senior, spam_moderator
):
    second_senior = make_moderator(role="Senior moderator", team=spam.teams.first())
    start = timezone.now()
    case = reported_message(member, spam, reporter, make_member())
    reported_message(make_member(), spam, make_member())  # still waiting at the end of the day
    decision = decide(
        case_id=case.pk,
        moderator=spam_moderator,
        action=DecisionAction.SUSPEND,
        duration=timedelta(days=7),
        facts="Advert sent to forty learners.",
    )
    with time_machine.travel(timezone.now() + AFTER_UNDO):
        appeal = appeal_decision(
            appellant=member, decision=decision, statement="They asked me for it."
        )
        decide_appeal(
            appeal_id=appeal.pk,
            moderator=second_senior,
            outcome=AppealOutcome.REVERSED,
            answer="They had asked for the link.",
        )
        today = timezone.now().astimezone(UTC).date()
        result = rebuild_figures(start.astimezone(UTC).date(), today)
    assert result.written > 0

    assert total(Metric.NOTICES, category=spam) == 3
    assert total(Metric.NOTICES, category=spam, source="web") == 3
    assert total(Metric.CASES_OPENED, category=spam) == 2
    [decided] = rows(Metric.DECISIONS, category=spam)
    assert (decided.action, decided.ground, decided.source, decided.outcome, decided.count) == (
        "suspend",
        "incompatible",
        "notice",
        "reversed",
        1,
    )
    assert decided.within_sla == 1
    assert sum(decided.durations.values()) == 1
    [first] = rows(Metric.FIRST_ACTIONS, category=spam)
    assert (first.count, first.within_sla, first.tier) == (1, 1, Tier.FRONTLINE)
    # Both reports of the decided case are closed; the other case is still in the queue.
    closed = {row.outcome: row.count for row in rows(Metric.NOTICES_CLOSED, category=spam)}
    assert sum(closed.values()) == 2
    assert total(Metric.QUEUE_OPEN, category=spam, day=today) == 1
    [received] = rows(Metric.APPEALS_RECEIVED, category=spam)
    assert (received.source, received.action, received.moderator) == (
        "member",
        "suspend",
        spam_moderator.pk,
    )
    [answered] = rows(Metric.APPEALS_DECIDED, category=spam)
    assert (answered.outcome, answered.count, answered.within_sla) == ("reversed", 1, 1)
    assert sum(answered.durations.values()) == 1


def test_rerunning_a_day_changes_nothing(member, reporter, spam, spam_moderator):
    case = reported_message(member, spam, reporter)
    decide(case_id=case.pk, moderator=spam_moderator, action=DecisionAction.WARN)
    today = timezone.now().astimezone(UTC).date()
    first = rebuild_figures(today - timedelta(days=2), today)
    before = snapshot()
    again = rebuild_figures(today - timedelta(days=2), today)
    assert first.written > 0
    assert (again.written, again.deleted) == (0, 0)
    assert snapshot() == before


def test_undone_decisions_and_waiting_bans_are_not_counted(member, reporter, spam, spam_moderator):
    case = reported_message(member, spam, reporter)
    decision = decide(case_id=case.pk, moderator=spam_moderator, action=DecisionAction.WARN)
    today = timezone.now().astimezone(UTC).date()
    rebuild_figures(today, today)
    assert total(Metric.DECISIONS, category=spam) == 1
    undo_decision(decision_id=decision.pk, moderator=spam_moderator)
    result = rebuild_figures(today, today)
    assert total(Metric.DECISIONS, category=spam) == 0
    assert result.deleted >= 1


def test_a_reversal_weeks_later_updates_the_day_of_the_decision(
    member, reporter, spam, spam_moderator
):
    """The beat task finds the old day on the audit trail, far outside 'today and yesterday'."""
    second_senior = make_moderator(role="Senior moderator", team=spam.teams.first())
    weeks_ago = timezone.now() - timedelta(days=20)
    with time_machine.travel(weeks_ago, tick=False):
        case = reported_message(member, spam, reporter)
        decision = decide(
            case_id=case.pk,
            moderator=spam_moderator,
            action=DecisionAction.SUSPEND,
            duration=timedelta(days=3),
        )
    refresh_figures()  # the first run builds every day since the oldest case
    decided_day = weeks_ago.astimezone(UTC).date()
    [row] = rows(Metric.DECISIONS, category=spam)
    assert (row.day, row.outcome) == (decided_day, "")
    assert FigureCursor.objects.get().position > 0

    appeal = appeal_decision(appellant=member, decision=decision, statement="Not an advert.")
    decide_appeal(
        appeal_id=appeal.pk,
        moderator=second_senior,
        outcome=AppealOutcome.REVERSED,
        answer="It was no advert.",
    )
    result = refresh_figures()
    assert decided_day in result.days
    [row] = rows(Metric.DECISIONS, category=spam)
    assert (row.day, row.outcome, row.count) == (decided_day, "reversed", 1)
    assert total(Metric.APPEALS_DECIDED, category=spam, outcome="reversed") == 1
    assert Appeal.objects.get().decided_at.date() != decided_day

    # Nothing changed since: the next run redoes only today and yesterday, and writes nothing.
    quiet = refresh_figures()
    assert len(quiet.days) == 2
    assert quiet.written == 0


def test_emergencies_are_the_emergency_tier_of_first_actions(member, reporter, hate):
    threat = hate.reasons.get(slug="threat")
    content = make_content(member)
    report = make_report(
        reporter=reporter, subject=member, category=hate, content=content, reason=threat
    )
    triage_case(case_id=report.case_id, report_id=report.pk)
    case = Case.objects.get(pk=report.case_id)
    assert case.tier == Tier.EMERGENCY
    Case.objects.filter(pk=case.pk).update(first_action_at=case.opened_at + timedelta(minutes=4))
    today = timezone.now().astimezone(UTC).date()
    rebuild_figures(today, today)
    [row] = rows(Metric.FIRST_ACTIONS, category=hate, tier=Tier.EMERGENCY)
    assert row.count == 1
    median = quantile(merge([row.durations]), 0.5)
    assert timedelta(minutes=3, seconds=40) < median < timedelta(minutes=4, seconds=20)


def test_figures_do_not_count_other_days(member, reporter, spam, spam_moderator):
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        reported_message(member, spam, reporter)
    today = timezone.now().astimezone(UTC).date()
    rebuild_figures(today, today)
    assert total(Metric.NOTICES) == 0
    assert total(Metric.QUEUE_OPEN, day=today) == 1
    assert Decision.objects.count() == 0


def test_the_command_rebuilds_a_period_and_refuses_bad_dates(member, reporter, spam):
    import io

    from django.core.management import CommandError, call_command

    reported_message(member, spam, reporter)
    today = timezone.now().astimezone(UTC).date()
    out = io.StringIO()
    call_command("refresh_figures", "--from", str(today), "--to", str(today), stdout=out)
    assert "1 day:" in out.getvalue()
    assert total(Metric.NOTICES) == 1
    for arguments in (["--from", "2026-13-01", "--to", "2026-12-01"], ["--from", str(today)]):
        with pytest.raises(CommandError):
            call_command("refresh_figures", *arguments, stdout=io.StringIO())
    with pytest.raises(CommandError, match="before"):
        call_command("refresh_figures", "--from", "2026-12-02", "--to", "2026-12-01")
