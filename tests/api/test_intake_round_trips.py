"""What a report costs the database and Redis: counted, so that a change that adds a round trip
to intake fails here rather than in the bench. And what the fewer round trips must still hold:
the limit under concurrent requests, one case for simultaneous first reports."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import ratelimit
from reports.models import AuditEvent, Case, OutboxMessage, Report
from reports.services.intake import submit_report
from tests.api.conftest import REPORTS, api_for
from tests.concurrency import run_at_once
from tests.conftest import make_content, make_member


def _statements(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 201, response.content
    # The test's own transaction turns intake's into a savepoint: count what intake sends.
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def _report(app, subject, category="spam-solicitation"):
    return lambda: app.post(
        REPORTS,
        {"member": subject.public_id, "category": category, "description": "Links to a scam."},
        format="json",
    )


@pytest.fixture
def warm_app(reporter, spam):
    """The app signed in as a reporter whose first report has read the rate limits."""
    app = api_for(reporter)
    assert _report(app, make_member())().status_code == 201
    return app


@pytest.mark.django_db
def test_a_new_cases_first_report_is_seven_statements(warm_app):
    statements = _statements(_report(warm_app, make_member()))

    # The token with its member and permissions; the reported member; the category; the case
    # (locked if open, else inserted, in one statement); the report; its two audit events in
    # one INSERT; its triage and receipt in one INSERT.
    assert len(statements) == 7, "\n".join(statements)
    assert statements[3].startswith("WITH open_case AS")
    assert sum(s.startswith('INSERT INTO "reports_auditevent"') for s in statements) == 1
    assert sum(s.startswith('INSERT INTO "reports_outboxmessage"') for s in statements) == 1
    case = Case.objects.latest("pk")
    assert (case.report_count, case.distinct_reporters) == (1, 1)
    assert AuditEvent.objects.filter(case=case).count() == 2
    assert OutboxMessage.objects.filter(payload__case_id=case.pk).count() == 1


@pytest.mark.django_db
def test_joining_an_open_case_is_nine_statements(warm_app, spam):
    subject = make_member()
    assert _report(api_for(make_member()), subject)().status_code == 201

    statements = _statements(_report(warm_app, subject))

    # As a first report, and: the reporter's earlier report on the case looked for, and the
    # case's counts raised.
    assert len(statements) == 9, "\n".join(statements)
    case = Case.objects.get(subject=subject)
    assert (case.report_count, case.distinct_reporters) == (2, 2)


@pytest.mark.django_db
def test_reporting_again_is_nine_statements_and_the_answer_needs_no_more(warm_app, reporter):
    subject = make_member()
    assert _report(warm_app, subject)().status_code == 201

    statements = _statements(_report(warm_app, subject))

    assert len(statements) == 9, "\n".join(statements)
    assert Report.objects.get(subject=subject).description.count("Links to a scam.") == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_at_the_limit_pass_exactly_the_limit(reporter, spam, settings):
    settings.REPORTS_PER_HOUR = 5
    subjects = [make_member() for _ in range(12)]

    def send(subject):
        return _report(api_for(reporter), subject)().status_code

    statuses = run_at_once(send, subjects)

    assert sorted(statuses) == [201] * 5 + [429] * 7
    assert Report.objects.filter(reporter=reporter).count() == 5
    assert ratelimit.used(reporter) == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_reports_on_one_content_make_one_case(spam):
    content = make_content(make_member())
    reporters = [make_member() for _ in range(12)]

    run_at_once(
        lambda reporter: submit_report(
            reporter=reporter, subject=content.author, category=spam, content=content
        ),
        reporters,
    )

    case = Case.objects.get(content=content)
    assert Report.objects.filter(case=case).count() == 12
    assert (case.report_count, case.distinct_reporters) == (12, 12)
    assert AuditEvent.objects.filter(case=case, action="case.opened").count() == 1
