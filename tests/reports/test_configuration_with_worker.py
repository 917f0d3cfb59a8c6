"""A configuration saved in the admin changes what the worker and the services do next.

Real worker, real broker, real PostgreSQL: the admin's form is posted as a browser would post
it, and what follows (triage, escalation, suggestions, statements, rescheduling) runs as in
production.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from reports.models import (
    AuditEvent,
    Case,
    CaseStatus,
    ConfigurationJob,
    EscalationTier,
    LadderStep,
    Policy,
    StatementTemplate,
    Tier,
)
from reports.models.choices import EscalationCause
from reports.selectors.decisions import suggest
from reports.services.decisions.decide import decide
from reports.services.intake import submit_report
from tests.conftest import make_content, make_member
from tests.reports.test_configuration import admin_form_data, change_page
from tests.workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

MARKER = "Selling to members breaks the Spam rules we all agreed to."
SUSPEND_TEXT = (
    "Your account is suspended for {duration}, until {ends_at}. " + MARKER + " {facts}\n\n"
    "You can appeal: {appeal_url}"
)


def _prefix(response, model) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise AssertionError(f"no {model.__name__} inline")


def _row(data: dict, prefix: str, **match) -> int:
    """The index of the inline row whose fields hold these values."""
    index = 0
    while f"{prefix}-{index}-id" in data:
        if all(str(data.get(f"{prefix}-{index}-{k}")) == str(v) for k, v in match.items()):
            return index
        index += 1
    raise AssertionError(f"no {prefix} row with {match}")


def save_category(client, category, edit) -> None:
    """Open the category's change page, let `edit` change the posted data, and save it."""
    page = change_page(client, category)
    data = admin_form_data(page)
    edit(page, data)
    response = client.post(page.request["PATH_INFO"], data)
    assert response.status_code == 302, response.context and response.context["errors"]


def test_a_configuration_saved_in_the_admin_drives_triage_suggestion_and_statement(
    celery_worker, ts_admin_client, staffed_spam, spam_moderator, senior
):
    def stricter_spam(page, data):
        data["policy-0-escalation_threshold"] = "2"
        ladder = _prefix(page, LadderStep)
        first, second = _row(data, ladder, offence=1), _row(data, ladder, offence=2)
        data[f"{ladder}-{first}-action"] = "suspend"
        data[f"{ladder}-{first}-duration"] = "3 00:00:00"
        # The ladder only goes up: the second offence may not be milder than the first.
        data[f"{ladder}-{second}-action"] = "suspend"
        data[f"{ladder}-{second}-duration"] = "7 00:00:00"
        statements = _prefix(page, StatementTemplate)
        suspend = _row(data, statements, action="suspend", language="en")
        data[f"{statements}-{suspend}-body"] = SUSPEND_TEXT

    save_category(ts_admin_client, staffed_spam, stricter_spam)

    assert Policy.objects.get(category=staffed_spam).escalation_threshold == 2
    step = LadderStep.objects.get(category=staffed_spam, offence=1)
    assert (step.action, step.duration) == ("suspend", timedelta(days=3))
    assert (
        MARKER
        in StatementTemplate.objects.get(
            category=staffed_spam, action="suspend", language="en"
        ).body
    )
    changed = set(AuditEvent.objects.filter(category=staffed_spam).values_list("action", flat=True))
    assert {"policy.changed", "ladderstep.changed", "statementtemplate.changed"} <= changed

    # Two distinct reporters on one message now escalate it (the shipped threshold was 5).
    spammer = make_member()
    message = make_content(spammer, text="Buy followers now, message me on WhatsApp!")
    first = submit_report(
        reporter=make_member(), subject=spammer, category=staffed_spam, content=message
    )
    wait_for(
        lambda: Case.objects.filter(pk=first.case_id, triaged_at__isnull=False).exists(),
        what="the first report's triage",
    )
    assert Case.objects.get(pk=first.case_id).tier == Tier.FRONTLINE  # one reporter is not two
    second = submit_report(
        reporter=make_member(), subject=spammer, category=staffed_spam, content=message
    )
    assert second.case_id == first.case_id
    case = wait_for(
        lambda: Case.objects.filter(pk=first.case_id, tier=Tier.SENIOR).first(),
        what="the pile-up escalation",
    )
    assert (case.status, case.escalation_cause) == (CaseStatus.ESCALATED, EscalationCause.PILE_UP)
    assert case.distinct_reporters == 2
    senior_sla = EscalationTier.objects.get(category=staffed_spam, tier=Tier.SENIOR).sla
    assert case.due_at == case.escalated_at + senior_sla

    # Another member's first offence: the ladder now suggests three days' suspension.
    fresh = submit_report(reporter=make_member(), subject=make_member(), category=staffed_spam)
    suggestion = suggest(fresh.case)
    assert (suggestion.offence, suggestion.action, suggestion.duration) == (
        1,
        "suspend",
        timedelta(days=3),
    )

    # Deciding it writes the admin's statement, with the duration filled in.
    decision = decide(
        case_id=fresh.case_id,
        moderator=spam_moderator,
        action="suspend",
        duration=timedelta(days=3),
        facts="Sent the same advert to 40 members.",
    )
    assert MARKER in decision.statement_of_reasons
    assert "suspended for 3 days" in decision.statement_of_reasons
    assert "{" not in decision.statement_of_reasons  # every placeholder filled


def test_a_stricter_sla_saved_in_the_admin_reschedules_open_cases_on_the_worker(
    celery_worker, ts_admin_client, staffed_spam, spam_moderator
):
    waiting = [
        submit_report(reporter=make_member(), subject=make_member(), category=staffed_spam).case
        for _ in range(3)
    ]
    decided = submit_report(
        reporter=make_member(), subject=make_member(), category=staffed_spam
    ).case
    decide(case_id=decided.pk, moderator=spam_moderator, action="warn")
    decided.refresh_from_db()
    assert decided.status == CaseStatus.DECIDED
    assert all(case.due_at == case.opened_at + timedelta(hours=48) for case in waiting)

    response = ts_admin_client.post(
        reverse("admin:reports_category_change", args=[staffed_spam.pk]),
        {**admin_form_data(change_page(ts_admin_client, staffed_spam)), "sla": "6:00:00"},
        follow=True,
    )

    assert "The SLA changed: 3 open cases are being rescheduled." in response.content.decode()
    job = ConfigurationJob.objects.get(category=staffed_spam)
    job = wait_for(
        lambda: ConfigurationJob.objects.filter(pk=job.pk, finished_at__isnull=False).first(),
        what="the reschedule job",
    )
    assert (job.kind, job.total, job.done, job.percent) == ("reschedule", 3, 3, 100)
    for case in waiting:
        case.refresh_from_db()
        assert case.due_at == case.opened_at + timedelta(hours=6)
    assert Case.objects.get(pk=decided.pk).due_at == decided.due_at  # closed work is left alone
    assert AuditEvent.objects.filter(action="case.rescheduled").count() == 3
    frontline = EscalationTier.objects.get(category=staffed_spam, tier=Tier.FRONTLINE)
    assert frontline.sla == timedelta(hours=6)

    # The queue shows the new due times.
    ts_admin_client.force_login(spam_moderator)
    queue = ts_admin_client.get(reverse("moderation:queue", args=[staffed_spam.slug]))
    page = queue.content.decode()
    assert page.count("in 5 h 59") + page.count("in 6 h 00") == 3
    assert "in 47 h" not in page and "in 2 days" not in page
