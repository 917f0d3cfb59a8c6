"""The dashboard, the transparency report, the daily figures and the statements of reasons to the
EU Transparency Database, as an attacker (or a careless admin) would try them.

Some tests show problems a review found, fixed since (a member's e-mail, username or id typed
into the legal ground sent to the database; the TDB token quoted in a statement's errors and the
log; an answer of the wrong shape stopping the sender, or a huge one read whole; a report, an
export or a rebuild ending in December 9999 failing; a rebuild and the beat's run interleaving);
the others pin defences the feature tests do not check yet.
"""

import contextlib
import csv
import io
import json
import threading
import time
from datetime import UTC, date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import (
    ActiveRecipients,
    DailyFigure,
    DecisionAction,
    FlaggerOrganisation,
    Metric,
    ReportSource,
    ReportStatus,
)
from reports.models.choices import Ground
from reports.models.tdb import StatementKind, StatementStatus, TransparencyStatement
from reports.services.decisions.decide import decide
from reports.services.statements import submit_statements
from reports.tdb import client
from reports.tdb.build import build_statement, statement_decisions
from tests.concurrency import run_at_once
from tests.conftest import make_content, make_member, make_moderator, make_report
from tests.reports.test_statements_sending import pending_statements

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("moderation:dashboard")
TRANSPARENCY = reverse("moderation:transparency")
PAGES = (DASHBOARD, TRANSPARENCY)
FORMATS = ("", "?format=csv", "?format=json")
XSS = '"><svg onload=alert(1)><script>alert(2)</script>'


@pytest.fixture
def lead(db):
    return make_moderator(role="Trust & Safety lead", username="lena", display_name="Lead Lena")


def yesterday() -> date:
    return timezone.now().astimezone(UTC).date() - timedelta(days=1)


# --- Who may read the figures ---------------------------------------------------------------


def _personas(member, spam_moderator, senior):
    staff = make_member(is_staff=True, username="staff-no-perm")
    member_with_perm = make_member(username="perm-no-staff")
    member_with_perm.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    return {
        "member": member,
        "moderator": spam_moderator,
        "senior": senior,
        "staff without the permission": staff,
        "member holding the permission": member_with_perm,
    }


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("output", FORMATS)
def test_only_leads_and_admins_read_the_figures_in_any_format(
    client, page, output, member, spam_moderator, senior, lead, ts_admin
):
    for who, person in _personas(member, spam_moderator, senior).items():
        client.force_login(person)
        assert client.get(page + output).status_code == 404, who
    inactive = make_moderator(role="Trust & Safety lead", username="gone", is_active=False)
    client.force_login(inactive)
    assert client.get(page + output).status_code == 302, "inactive lead"
    client.logout()
    assert client.get(page + output).status_code == 302, "anonymous"
    for person in (lead, ts_admin):
        client.force_login(person)
        assert client.get(page + output).status_code == 200, person.username


ADMIN_PAGES = (
    "admin:reports_dailyfigure_changelist",
    "admin:reports_figurecursor_changelist",
    "admin:reports_transparencystatement_changelist",
)


def test_the_figures_and_statements_admin_is_for_trust_and_safety_admins(
    client, spam, spam_moderator, senior, lead, ts_admin
):
    pending_statements(spam, 1)
    for person in (spam_moderator, senior, lead):
        client.force_login(person)
        for name in ADMIN_PAGES:
            assert client.get(reverse(name)).status_code == 403, (person.username, name)
        assert client.get(reverse("admin:reports_activerecipients_add")).status_code == 403, (
            person.username
        )
    client.force_login(ts_admin)
    for name in ADMIN_PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_send_again_needs_the_csrf_token_and_the_permission(spam, lead, ts_admin):
    row, _other = pending_statements(spam, 2)
    TransparencyStatement.objects.filter(pk=row.pk).update(status=StatementStatus.REJECTED)
    url = reverse("admin:reports_transparencystatement_changelist")
    post = {"action": "send_again", "_selected_action": [row.pk], "index": 0}

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(ts_admin)
    assert browser.post(url, post).status_code == 403  # no CSRF token: refused
    assert browser.get(url, post).status_code in (200, 302)  # a GET runs no action
    row.refresh_from_db()
    assert row.status == StatementStatus.REJECTED

    browser.force_login(lead)
    assert browser.post(url, post).status_code == 403
    row.refresh_from_db()
    assert row.status == StatementStatus.REJECTED


# --- Names planted in categories, moderators and organisations -------------------------------


@pytest.fixture
def planted(spam, ts_admin):
    """A category, a moderator and a trusted flagger named by an attacker, with figures."""
    spam.name = XSS
    spam.translations = {"en": {"name": '=HYPERLINK("http://evil")' + XSS}}
    spam.save()
    moderator = make_moderator(username="evil-mod", display_name="=1+1" + XSS)
    organisation = FlaggerOrganisation.objects.create(
        name="@SUM(1+1)*cmd" + XSS,
        contact_email="evil@example.com",
        designated_on=date(2025, 1, 1),
        designated_by="DSC",
    )
    day = yesterday()
    common = {"day": day, "category": spam, "tier": 1}
    DailyFigure.objects.bulk_create(
        [
            DailyFigure(metric=Metric.NOTICES, source=ReportSource.WEB, count=3, **common),
            DailyFigure(
                metric=Metric.NOTICES,
                source=ReportSource.TRUSTED_FLAGGER,
                flagger=organisation.pk,
                count=2,
                **common,
            ),
            DailyFigure(
                metric=Metric.NOTICES_CLOSED,
                source=ReportSource.TRUSTED_FLAGGER,
                outcome=ReportStatus.ACTIONED,
                flagger=organisation.pk,
                count=2,
                **common,
            ),
            DailyFigure(
                metric=Metric.DECISIONS,
                action=DecisionAction.SUSPEND,
                ground=Ground.INCOMPATIBLE_CONTENT,
                count=2,
                durations={"90": 2},
                **common,
            ),
            DailyFigure(metric=Metric.APPEALS_RECEIVED, moderator=moderator.pk, count=1, **common),
            DailyFigure(
                metric=Metric.APPEALS_DECIDED,
                moderator=moderator.pk,
                outcome="reversed",
                source="member",
                count=1,
                durations={"100": 1},
                **common,
            ),
        ]
    )
    return day


@pytest.mark.parametrize("page", PAGES)
def test_planted_names_are_escaped_on_the_pages(client, planted, lead, page):
    client.force_login(lead)
    response = client.get(page, {"start": planted.isoformat(), "end": planted.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg onload" not in html
    assert "<script>alert" not in html
    assert "&lt;svg onload=alert(1)&gt;" in html


@pytest.mark.parametrize("page", PAGES)
def test_no_csv_cell_starts_a_formula(client, planted, lead, page):
    client.force_login(lead)
    day = planted.isoformat()
    response = client.get(page, {"start": day, "end": day, "format": "csv"})
    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    assert cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        assert not (cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit()), cell


@pytest.mark.parametrize("page", PAGES)
def test_the_json_is_json_with_the_names_as_data(client, planted, lead, page):
    client.force_login(lead)
    day = planted.isoformat()
    response = client.get(page, {"start": day, "end": day, "format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    json.loads(response.content)


# --- Bad query strings -------------------------------------------------------------------------


BAD_QUERIES = [
    "start=2025-13-01",
    "start=-2025-01-01",
    "start=99999999-01-01",
    "start=0000-01-01&end=0000-01-31",
    "start=0001-01-01&end=0001-01-01",
    "end=0001-01-01",
    "start=9999-12-01&end=9999-12-31",
    "start=9999-12-31&end=9999-12-31",
    "start=2025-01-01&end=2025-01-01&start=x",
    "start=2025-01-01&start=2025-02-01&end=2025-03-01",
    "start=2020-01-01&end=2025-01-01",
    "start=2025-02-01&end=2025-01-01",
    "start=" + "9" * 5000,
    "start=2025-01-01T00:00:00&end=2025-01-31",
    "start=%00&end=%ff",
    "category=no-such-category",
    "category=spam-solicitation&category=spam-solicitation",
    "category=" + "&category=".join(["spam-solicitation"] * 900),
    "category=" + "x" * 10000,
    "format=xml",
    "format=csv&format=xml",
    "format=json&format=",
    "format[]=json",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("query", BAD_QUERIES)
@pytest.mark.parametrize("output", ["", "&format=json", "&format=csv"])
def test_a_bad_query_string_is_a_4xx_or_a_page_never_a_500(client, spam, lead, page, query, output):
    client.force_login(lead)
    client.raise_request_exception = False
    response = client.get(f"{page}?{query}{output}")
    assert response.status_code in (200, 400), (query, response.status_code)


@pytest.mark.parametrize(
    "args",
    [
        ("--from", "9999-12-01", "--to", "9999-12-31"),
        ("--from", "0001-01-01", "--to", "0001-01-31"),
        ("--from", "0000-01-01", "--to", "2025-01-01"),
        ("--from", "2025-01-01", "--to", "nonsense"),
        ("--from", "2025-02-01", "--to", "2025-01-01"),
        ("--from", "2020-01-01", "--to", "2025-12-31"),
    ],
)
@pytest.mark.parametrize("command", ["transparency_report", "export_statements", "refresh_figures"])
def test_a_command_refuses_a_bad_period_with_a_message(db, command, args):
    with contextlib.suppress(CommandError):
        call_command(command, *args, stdout=io.StringIO())


# --- Personal data in a statement of reasons ----------------------------------------------------


def test_the_legal_ground_is_sent_without_anyones_data(spam, spam_moderator):
    member = make_member(
        username="rita_rossi_1987", display_name="Rita Rossi", email="rita.rossi@example.org"
    )
    reporter = make_member(
        username="ren_watcher", display_name="Ren Watanabe", email="ren.w@example.net"
    )
    content = make_content(member, external_id="msg-88412345")
    report = make_report(reporter=reporter, subject=member, category=spam, content=content)
    secrets = [
        member.username,
        member.display_name,
        member.email,
        member.public_id,
        reporter.username,
        reporter.display_name,
        reporter.email,
        reporter.public_id,
        spam_moderator.display_name,
        content.external_id,
        "https://hellomod.example/u/",
        "@rita",
    ]
    legal_ground = "StGB § 185: " + ", ".join(secrets)
    decision = decide(
        case_id=report.case_id,
        moderator=spam_moderator,
        action=DecisionAction.REMOVE_CONTENT,
        ground=Ground.ILLEGAL_CONTENT,
        legal_ground=legal_ground[:500],
    )

    statement = build_statement(statement_decisions().get(pk=decision.pk), StatementKind.DECISION)

    text = json.dumps(statement, ensure_ascii=False)
    for secret in secrets:
        assert secret not in text, secret
    assert statement["illegal_content_legal_ground"].startswith("StGB § 185")


# --- The Transparency Database client ---------------------------------------------------------


@pytest.fixture
def answers(settings):
    """A server that answers each POST with the next scripted (status, headers, body)."""
    state = SimpleNamespace(script=[], requests=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.requests.append(SimpleNamespace(path=self.path, headers=dict(self.headers)))
            status, headers, body = state.script.pop(0) if state.script else (503, {}, b"")
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass

        do_GET = do_POST

        def log_message(self, *args):
            pass

    servers = []

    def start():
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    state.start = start
    settings.TDB_API_URL = start()
    settings.TDB_API_TOKEN = "tdb-secret-token-0123456789"
    settings.TDB_TIMEOUT = 2
    yield state
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_redirect_is_not_followed_and_the_token_stays_home(answers, spam):
    elsewhere = answers.start()  # another server, as far as the token is concerned
    answers.script.append((307, {"Location": elsewhere + "/steal"}, b""))
    rows = pending_statements(spam, 2)

    submit_statements()

    assert [r.path for r in answers.requests] == ["/api/v1/statements"]  # never /steal
    for row in rows:
        row.refresh_from_db()
        assert row.status == StatementStatus.PENDING
        assert row.errors == {"delivery": ["HTTP 307"]}
        assert row.next_attempt_at is not None


def test_a_token_never_reaches_the_errors_or_the_log(answers, spam, settings, caplog):
    # A token pasted with its line break: the request cannot be sent, and says why without it.
    settings.TDB_API_TOKEN = "tdb-secret-token-0123456789\n"
    row, _other = pending_statements(spam, 2)

    submit_statements()

    row.refresh_from_db()
    assert row.status == StatementStatus.PENDING and row.errors
    assert "tdb-secret-token" not in json.dumps(row.errors)
    assert "tdb-secret-token" not in caplog.text


def test_a_huge_answer_is_not_read_whole(answers, spam, monkeypatch):
    monkeypatch.setattr(client, "MAX_ANSWER", 1000, raising=False)
    rows = pending_statements(spam, 2)
    body = json.dumps({"statements": [{"puid": r.puid, "uuid": "x" * 5000} for r in rows]})
    answers.script.append((201, {"Content-Type": "application/json"}, body.encode()))

    submit_statements()

    for row in rows:
        row.refresh_from_db()
        assert row.status == StatementStatus.PENDING  # sent again; a duplicate then counts
        assert row.errors == {"delivery": ["The answer was too large."]}


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (201, b"<html>Created</html>"),
        (200, b'{"statements": []}'),
        (201, b'{"statements": 5}'),
        (201, b'{"statements": [{"puid": ["a"], "uuid": "u"}]}'),
        (201, b"[1, 2]"),
        (422, b"not json"),
        (422, b'{"errors": {"existing_puids": 5}}'),
        (422, b'{"errors": {"existing_puids": [["a"]]}}'),
        (422, b'{"errors": {"existing_puids": "hellomod-x"}}'),
        (422, b'{"errors": {"puid": "not unique"}, "existing": {"puid": ["a"]}}'),
        (422, b'{"errors": {"statements.150.decision_facts": ["Required."]}}'),
        (422, b'{"errors": {"statements.99999999999999999999999.puid": ["not unique"]}}'),
        (422, b'{"errors": {"statement_-1": {"puid": ["x"]}}}'),
        (422, b'{"errors": []}'),
    ],
)
def test_a_strange_answer_keeps_the_batch_for_later_and_never_crashes(answers, spam, status, body):
    rows = pending_statements(spam, 2)
    answers.script.append((status, {"Content-Type": "application/json"}, body))

    submit_statements()

    for row in rows:
        row.refresh_from_db()
        if status == 201:  # the batch was created, whatever the body says
            assert row.status == StatementStatus.SENT, body
        else:
            assert row.status == StatementStatus.PENDING, body
            assert row.errors.get("delivery"), body


# --- The daily figures under two runs at once ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_waits_for_the_beats_run(spam, monkeypatch):
    """A rebuild computed before a decision must not overwrite the figures written after it."""
    from reports.services import figures

    member, reporter = make_member(), make_member()
    report = make_report(
        reporter=reporter, subject=member, category=spam, content=make_content(member)
    )
    day = report.created_at.astimezone(UTC).date()
    figures.refresh_figures()
    order = []
    real = figures.compute_days

    def slow_compute(days, **kwargs):
        order.append("start")
        result = real(days, **kwargs)
        time.sleep(0.5)
        order.append("end")
        return result

    monkeypatch.setattr(figures, "compute_days", slow_compute)
    run_at_once(
        lambda which: (
            figures.refresh_figures() if which == "refresh" else figures.rebuild_figures(day, day)
        ),
        ["refresh", "rebuild"],
    )
    assert order == ["start", "end", "start", "end"]  # one after the other, never interleaved


# --- The monthly active recipients -------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"count": "-1"},
        {"count": str(10**30)},
        {"eu_count": "2000"},
        {"month": "9999-12"},
        {"month": "0000-01"},
        {"month": "2025-02-30"},
        {"month": "x" * 5000},
        {"note": "n" * 600},
    ],
)
def test_a_bad_month_entry_is_refused_on_the_form(client, ts_admin, changes):
    client.force_login(ts_admin)
    data = {"month": "2025-01", "count": "1000", "eu_count": "", "note": "", **changes}
    client.raise_request_exception = False
    response = client.post(reverse("admin:reports_activerecipients_add"), data)
    assert response.status_code == 200, changes  # the form again, with its message
    assert not ActiveRecipients.objects.exists()


def test_a_month_notes_markup_is_shown_as_text(client, ts_admin):
    client.force_login(ts_admin)
    response = client.post(
        reverse("admin:reports_activerecipients_add"),
        {"month": "2025-01", "count": "1000", "eu_count": "10", "note": XSS},
    )
    assert response.status_code == 302
    page = client.get(reverse("admin:reports_activerecipients_changelist")).content.decode()
    assert "<svg onload" not in page
    assert "&lt;svg onload=alert(1)&gt;" in page
