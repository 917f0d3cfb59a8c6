"""Issue 19's additions as an attacker (or a careless admin) would try them: the language menu and
the language of pages, /api/v1/members/, the admin's translation and duration fields and section
pages, held cases and take-over, the release beacon, refused bulk choices kept for the queue,
the case's audit trail in words, and the quick start's e-mail files.

Some tests show problems this pass found, fixed since (a member's report text that looks like an
ISO duration or date breaking the case page of every moderator who opens it, or read there as a
length or a time; a whole duration posted past Python's range breaking the admin's page; line
breaks, which stop every e-mail whose subject names the category, and invisible direction
overrides, which turn the text after them around, typed into category and reason names; the
platform's token changing the language of staff accounts, in which their emergency alerts are
then written, and a staff session short of the second factor doing the same through the menu;
the second factor's pages, which staff alone read, drawn in a member language); the others pin
defences that the feature tests do not check yet.
"""

import io
import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail import BadHeaderError, EmailMessage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from rest_framework.test import APIClient

from accounts.models import User
from hellomod.mail import FileAndLogLineBackend
from reports.effects.notifications import email_message
from reports.effects.outbox import run_message
from reports.models import (
    AuditEvent,
    BulkDecision,
    Case,
    CaseStatus,
    Category,
    DecisionAction,
    EscalationTier,
    Notification,
    OutboxMessage,
    Reason,
)
from reports.services.claims import HolderChanged, claim_case, take_over_case
from reports.services.decisions.core import CaseUnavailable
from reports.services.decisions.decide import decide
from tests.api.conftest import api_for, is_json_error
from tests.concurrency import run_at_once
from tests.conftest import make_member, make_moderator, make_report, make_team
from tests.reports.test_admin import posted_form
from tests.reports.test_moderation_pages import content_case

pytestmark = pytest.mark.django_db

SITE_LANGUAGES = {code for code, _name in settings.LANGUAGES}
MEMBERS = "/api/v1/members/"
XSS = '"><svg onload=alert(1)><script>alert(2)</script>'


def html(response) -> str:
    return response.content.decode()


def page_language(response) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)"', html(response))
    assert match, "no <html lang dir>"
    return match.group(1), match.group(2)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def lead(spam_team):
    return make_moderator(role="Trust & Safety lead", team=spam_team, username="lena")


@pytest.fixture
def superuser(db):
    return make_member(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def staffed_spam(spam, spam_team):
    """The spam category with a team at every tier, as a configured category has."""
    EscalationTier.objects.filter(category=spam).update(team=spam_team)
    return spam


@pytest.fixture
def admin_client(ts_admin):
    return signed_in(ts_admin)


@pytest.fixture
def platform_api(db) -> APIClient:
    """The platform's token, made the way operators make it (`manage.py platform_token`)."""
    out = io.StringIO()
    call_command("platform_token", stdout=out, stderr=io.StringIO())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    return client


# === The language menu ===========================================================================


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "http://testserver@evil.example/",
        " //evil.example",
        "/\t/evil.example",
        "///evil.example",
        "HTTPS://evil.example",
    ],
)
def test_the_language_menu_never_leads_off_the_site(client, member, next_url):
    client.force_login(member)

    response = client.post(reverse("set_language"), {"language": "es", "next": next_url})

    # Home, on this site, rather than anywhere the link chose.
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert User.objects.get(pk=member.pk).preferred_language == "es"


def test_the_language_menu_does_not_follow_a_foreign_referer_either(client):
    response = client.post(
        reverse("set_language"), {"language": "fr"}, HTTP_REFERER="https://evil.example/page"
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_line_break_in_the_way_back_cannot_write_a_header(client):
    response = client.post(
        reverse("set_language"),
        {"language": "es", "next": "/reports/mine/\r\nSet-Cookie: sessionid=forged"},
    )

    assert response.status_code == 302
    assert "\n" not in response["Location"] and "\r" not in response["Location"]
    assert "sessionid" not in response.cookies


def test_another_site_cannot_change_a_members_language(member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)

    response = browser.post(reverse("set_language"), {"language": "ar", "next": "/"})

    assert response.status_code == 403
    assert User.objects.get(pk=member.pk).preferred_language == member.preferred_language
    assert "django_language" not in response.cookies


def test_the_language_menu_changes_nothing_on_a_get(client, member):
    client.force_login(member)

    response = client.get(reverse("set_language"), {"language": "ar", "next": "/"})

    assert response.status_code == 405
    assert User.objects.get(pk=member.pk).preferred_language == member.preferred_language


@pytest.mark.parametrize(
    "code",
    ["nl", "xx", "tr", "zh", "../../etc/passwd", "es\x00", "a" * 5000, "ar;q=1", ""],
)
def test_a_code_that_is_no_site_language_changes_nothing_and_breaks_nothing(member, code):
    User.objects.filter(pk=member.pk).update(preferred_language="es")
    browser = signed_in(member)

    response = browser.post(reverse("set_language"), {"language": code, "next": "/report/"})

    assert response.status_code == 302
    assert User.objects.get(pk=member.pk).preferred_language == "es"
    for path in ("/", "/report/", "/reports/mine/"):
        page = browser.get(path)
        assert page.status_code == 200, path
        assert page_language(page) == ("es", "ltr"), path


@pytest.mark.parametrize(
    "cookie", ["xx", "../", "a" * 3000, "ar\x00", "zh-Hant-TW", "en;q=0", "%00", "'\"><svg>"]
)
def test_a_forged_language_cookie_never_breaks_a_page(cookie):
    stranger = Client()
    stranger.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie

    for path in ("/", reverse("login")):
        page = stranger.get(path)
        assert page.status_code == 200, path
        language, direction = page_language(page)
        assert language in SITE_LANGUAGES
        assert direction == ("rtl" if language == "ar" else "ltr")
        assert "<svg>" not in html(page)


@pytest.mark.parametrize(
    "header",
    [
        "*",
        "x-klingon;q=1",
        "en;q=abc, ar;q=0.5",
        "ar;q=1e9",
        "hi;q=-1, fr",
        ",".join(["ar"] * 2000),
        "a" * 600,
        "zh-Hant-TW,zh;q=0.9",
        "\x00ar",
        "ar-SA-u-nu-latn-x-" + "a" * 300,
    ],
)
def test_accept_language_tricks_give_a_site_language_in_its_direction(header):
    page = Client(HTTP_ACCEPT_LANGUAGE=header).get("/")

    assert page.status_code == 200
    language, direction = page_language(page)
    assert language in SITE_LANGUAGES
    assert direction == ("rtl" if language == "ar" else "ltr")


def test_a_saved_language_the_site_does_not_offer_reads_english_everywhere(member, spam):
    # A value from before the site's languages were settled, or written past the model's choices.
    User.objects.filter(pk=member.pk).update(preferred_language="tr")
    member.refresh_from_db()
    browser = signed_in(member)

    for path in ("/", "/report/", "/reports/mine/", "/notifications/"):
        page = browser.get(path)
        assert page.status_code == 200, path
        assert page_language(page) == ("en", "ltr"), path
    report = make_report(reporter=member, subject=make_member(), category=spam)
    while message := OutboxMessage.objects.filter(status="pending").first():
        run_message(message.pk)
    receipt = Notification.objects.get(recipient=member, event="report_received", channel="email")
    assert receipt.subject == f"We received your report {report.reference}"


@pytest.mark.parametrize("asks", ["profile", "cookie", "browser"])
def test_staff_pages_stay_in_the_staff_languages_whatever_the_reader_asks(
    spam_moderator, spam, asks
):
    browser = Client(HTTP_ACCEPT_LANGUAGE="ar" if asks == "browser" else "en")
    if asks == "cookie":
        browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    if asks == "profile":
        User.objects.filter(pk=spam_moderator.pk).update(preferred_language="ar")
    browser.force_login(User.objects.get(pk=spam_moderator.pk))
    case = content_case(spam)

    for path in (
        reverse("moderation:home"),
        reverse("moderation:queue", args=[spam.slug]),
        reverse("moderation:case", args=[case.pk]),
        reverse("admin:index"),
        reverse("admin:section", args=["policies"]),
    ):
        page = browser.get(path)
        assert page.status_code == 200, path
        assert page_language(page) == ("en", "ltr"), path
        menu = re.findall(r'<option value="([^"]+)" lang=', html(page))
        if menu:  # the moderation pages' own menu offers the staff languages alone
            assert set(menu) <= set(settings.STAFF_LANGUAGES), path


def unverified(user: User) -> Client:
    """A staff member's browser signed in with the password alone: no second factor yet."""
    browser = signed_in(user)
    session = browser.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    return browser


@pytest.mark.parametrize(
    ("path", "passed"),
    [
        (reverse("accounts:second-factor"), False),
        (reverse("accounts:second-factor-set-up"), True),
        (reverse("accounts:recovery-codes"), True),
    ],
)
def test_the_second_factors_pages_are_staff_pages_in_a_staff_language(spam_moderator, path, passed):
    # Staff alone read them, so they are translated into the staff languages alone: an Arabic
    # reader got English words laid out right to left.
    User.objects.filter(pk=spam_moderator.pk).update(preferred_language="ar")
    person = User.objects.get(pk=spam_moderator.pk)
    browser = signed_in(person) if passed else unverified(person)

    page = browser.get(path)

    assert page.status_code == 200
    assert page_language(page) == ("en", "ltr")
    menu = re.findall(r'<option value="([^"]+)" lang=', html(page))
    assert set(menu) == set(settings.STAFF_LANGUAGES)


def test_a_password_alone_does_not_change_a_staff_members_saved_language(spam_moderator):
    # Without the second factor a staff session may pick the language of the page it is on
    # (the cookie), but writes nothing to the account: its language chooses that of its alerts.
    browser = unverified(spam_moderator)

    response = browser.post(reverse("set_language"), {"language": "hi", "next": "/"})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "hi"
    assert User.objects.get(pk=spam_moderator.pk).preferred_language == "en"


def test_a_staff_member_past_the_second_factor_saves_their_language(spam_moderator):
    browser = signed_in(spam_moderator)

    browser.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    assert User.objects.get(pk=spam_moderator.pk).preferred_language == "zh-hans"


@pytest.mark.parametrize(
    "path",
    [
        "/Moderation/",
        "/MODERATION/",
        "/moderation//",
        "/moderation/./",
        "/moderation/%2e/",
        "/admin//section/policies/",
        "/Admin/",
        "/admin/section/Policies/",
        "/admin/section/policies/../records/",
    ],
)
def test_staff_pages_under_another_spelling_are_not_found(spam_moderator, path):
    User.objects.filter(pk=spam_moderator.pk).update(preferred_language="ar")
    browser = signed_in(User.objects.get(pk=spam_moderator.pk))

    response = browser.get(path)

    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/moderation", "/admin", "/admin/section/policies"])
def test_a_staff_page_without_its_slash_leads_to_its_own_spelling(spam_moderator, path):
    browser = signed_in(spam_moderator)

    response = browser.get(path)

    assert response.status_code == 301
    assert response["Location"] == f"{path}/"


def test_the_favicon_leads_only_to_the_sites_own_icon(client):
    answer = client.get("/favicon.ico")

    assert answer.status_code == 301
    assert answer["Location"] == "/static/favicon.svg"
    assert client.post("/favicon.ico").status_code == 405
    assert client.get("/favicon.ico/").status_code == 404
    assert client.get("/favicon.ico?next=https://evil.example/")["Location"] == (
        "/static/favicon.svg"
    )


# === /api/v1/members/ ============================================================================


def api_answer(response) -> tuple:
    """What a caller can tell an answer by: status, body and the names of its headers."""
    return response.status_code, response.content, tuple(sorted(response.headers.keys()))


@pytest.mark.parametrize("persona", ["anonymous", "member", "moderator", "senior", "ts-admin"])
def test_nobody_but_the_platform_reads_or_sets_another_members_language(
    persona, member, reporter, spam_moderator, senior, ts_admin
):
    callers = {
        "anonymous": Client(),
        "member": api_for(reporter),
        "moderator": api_for(spam_moderator),
        "senior": api_for(senior),
        "ts-admin": api_for(ts_admin),
    }
    caller = callers[persona]
    status = 401 if persona == "anonymous" else 404

    read = caller.get(f"{MEMBERS}{member.public_id}/")
    written = caller.patch(
        f"{MEMBERS}{member.public_id}/", {"language": "ar"}, content_type="application/json"
    )

    assert is_json_error(read, status) and is_json_error(written, status)
    assert User.objects.get(pk=member.pk).preferred_language == "en"


@pytest.mark.parametrize("who", ["member", "platform"])
def test_an_unknown_id_answers_exactly_as_another_members_does(who, platform_api, member, reporter):
    caller = api_for(reporter) if who == "member" else platform_api
    gone = make_member(is_active=False)
    staff = make_moderator(username="staff-person")
    ids = ["ZZZZZZZZZZ", gone.public_id, staff.public_id, member.public_id.lower()]
    if who == "member":
        ids.append(member.public_id)

    reads = {api_answer(caller.get(f"{MEMBERS}{pk}/")) for pk in ids}
    writes = {
        api_answer(
            caller.patch(f"{MEMBERS}{pk}/", {"language": "ar"}, content_type="application/json")
        )
        for pk in ids
    }

    assert len(reads) == 1 and next(iter(reads))[0] == 404
    assert len(writes) == 1 and next(iter(writes))[0] == 404
    assert not User.objects.filter(preferred_language="ar").exists()


def test_the_platform_cannot_change_the_language_of_a_staff_account(
    platform_api, senior, ts_admin, superuser
):
    # Staff alerts (an emergency for the on-call senior) are written in the person's language:
    # the platform's token must not be able to turn them into one the senior cannot read.
    for person in (senior, ts_admin, superuser):
        answer = platform_api.patch(
            f"{MEMBERS}{person.public_id}/", {"language": "hi"}, content_type="application/json"
        )
        assert is_json_error(answer, 404), person.username
        assert is_json_error(platform_api.get(f"{MEMBERS}{person.public_id}/"), 404)
        assert User.objects.get(pk=person.pk).preferred_language == "en"


def test_the_platform_reads_and_sets_an_active_members_language(platform_api, member):
    answer = platform_api.patch(
        f"{MEMBERS}{member.public_id}/", {"language": "hi"}, content_type="application/json"
    )

    assert answer.status_code == 200
    assert answer.json() == {"member": member.public_id, "language": "hi"}
    assert User.objects.get(pk=member.pk).preferred_language == "hi"


def test_a_patch_writes_the_language_and_nothing_else(reporter):
    app = api_for(reporter)

    answer = app.patch(
        f"{MEMBERS}me/",
        {
            "language": "fr",
            "member": "ZZZZZZZZZZ",
            "public_id": "ZZZZZZZZZZ",
            "is_staff": True,
            "is_superuser": True,
            "preferred_language": "ar",
            "email": "taken@example.com",
        },
        content_type="application/json",
    )

    assert answer.status_code == 200
    after = User.objects.get(pk=reporter.pk)
    assert (after.preferred_language, after.public_id) == ("fr", reporter.public_id)
    assert (after.is_staff, after.is_superuser, after.email) == (False, False, reporter.email)


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("not json", "application/json", 400),
        ('["es"]', "application/json", 400),
        ('{"language": ["es"]}', "application/json", 400),
        ('{"language": {"code": "es"}}', "application/json", 400),
        ('{"language": "es"', "application/json", 400),
        ("language=es", "application/x-www-form-urlencoded", 415),
        ('{"language": "es"}', "text/plain", 415),
        ('{"language": "' + "e" * 200_000 + '"}', "application/json", 400),
        ('{"language": "es\\u0000"}', "application/json", 400),
    ],
)
def test_a_malformed_body_is_a_clear_4xx_and_changes_nothing(reporter, body, content_type, status):
    app = api_for(reporter)

    answer = app.generic("PATCH", f"{MEMBERS}me/", body, content_type=content_type)

    assert answer.status_code in {status, 413}
    assert answer["Content-Type"].startswith("application/json")
    assert User.objects.get(pk=reporter.pk).preferred_language == "en"


@pytest.mark.parametrize("spelling", ["ME", "Me", "me%20", "me;x=1", "m%C3%A9", "me%00"])
def test_me_has_one_spelling(reporter, spelling):
    app = api_for(reporter)

    answer = app.patch(f"{MEMBERS}{spelling}/", {"language": "ar"}, content_type="application/json")

    assert is_json_error(answer, 404)
    assert User.objects.get(pk=reporter.pk).preferred_language == "en"


# === The case's audit trail in words =============================================================


def amended(spam, words: str, **reporter) -> Case:
    """A reporter reports a member, then adds `words` to the same report: the trail records the
    description before and after."""
    person = make_member(**reporter)
    subject = make_member()
    first = make_report(reporter=person, subject=subject, category=spam, description="")
    make_report(reporter=person, subject=subject, category=spam, description=words)
    return Case.objects.get(pk=first.case_id)


def trail(page: str) -> str:
    start = page.index('id="audit-title"')
    return page[start : page.index("</table>", start)]


@pytest.mark.parametrize(
    "words",
    [
        "P9999999999D",  # an ISO duration past Python's range
        "PT99999999999999H",
        "P999999999DT24H",
        "2026-02-30T10:00:00+00:00",  # an ISO date that is no day
        "0001-01-01T00:10:00+01:00",  # a moment before year 1 in UTC
        "9999-12-31T23:59:59-01:00",  # a moment after year 9999 in UTC
    ],
)
def test_a_reporters_words_never_break_the_case_page(client, spam, spam_moderator, words):
    case = amended(spam, words)
    client.force_login(spam_moderator)

    page = client.get(reverse("moderation:case", args=[case.pk]))

    assert page.status_code == 200
    assert f"Details: — → {words}" in trail(html(page))


@pytest.mark.parametrize(
    ("words", "not_shown"),
    [("P3D", "3 days"), ("PT15M", "15 minutes"), ("2026-01-01T10:00:00+00:00", "2026-01-01 10:00")],
)
def test_a_reporters_words_are_shown_as_written_not_read_as_a_length_or_a_time(
    client, spam, spam_moderator, words, not_shown
):
    case = amended(spam, words)
    client.force_login(spam_moderator)

    details = trail(html(client.get(reverse("moderation:case", args=[case.pk]))))

    assert f"Details: — → {words}" in details
    assert not_shown not in details


def test_markup_in_the_trail_is_shown_as_text(client, spam, spam_moderator, senior):
    case = amended(spam, XSS, display_name=XSS)
    Reason.objects.filter(category=spam).update(name=XSS)
    User.objects.filter(pk=spam_moderator.pk).update(display_name=XSS)
    claim_case(case_id=case.pk, moderator=User.objects.get(pk=spam_moderator.pk))
    take_over_case(case_id=case.pk, moderator=senior, holder_id=spam_moderator.pk)
    client.force_login(senior)

    page = html(client.get(reverse("moderation:case", args=[case.pk])))

    assert "<svg onload" not in page and "<script>alert(2)" not in page
    assert "&lt;svg onload=alert(1)&gt;" in trail(page)  # the words, and the former holder


def test_an_odd_name_never_breaks_the_policy_history(admin_client, staffed_spam):
    url = reverse("admin:reports_category_change", args=[staffed_spam.pk])
    data = posted_form(admin_client.get(url))
    data["name"] = "P9999999999D"
    assert admin_client.post(url, data).status_code == 302

    history = admin_client.get(reverse("admin:reports_category_history", args=[staffed_spam.pk]))

    assert history.status_code == 200
    assert "P9999999999D" in html(history)


# === Durations in the admin ======================================================================


def post_category(client, category, **fields):
    """The category page posted back as it stands, with some fields changed."""
    url = reverse("admin:reports_category_change", args=[category.pk])
    data = posted_form(client.get(url))
    for name, value in fields.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(url, data)


def errors_of(response, field: str) -> str:
    return " ".join(response.context["adminform"].form.errors.get(field, []))


@pytest.mark.parametrize(
    "whole",
    [
        "1000000000 00:00:00",
        "999999999 23:59:60",
        "P9999999999D",
        "PT99999999999999H",
        "P999999999DT24H",
        "-P1D",
        "1e9",
        "NaN",
        "\x00",
    ],
)
def test_a_whole_duration_past_any_range_is_a_form_error(admin_client, staffed_spam, whole):
    # A script, or an older page, posts the duration whole under the field's own name.
    response = post_category(
        admin_client, staffed_spam, sla=whole, sla_days=None, sla_hours=None, sla_minutes=None
    )

    assert response.status_code == 200
    assert errors_of(response, "sla")
    if whole.startswith(("1000", "9999", "P9", "PT9")):
        assert "That is too long: write at most 36500 days in all." in errors_of(response, "sla")
    assert Category.objects.get(pk=staffed_spam.pk).sla == staffed_spam.sla


@pytest.mark.parametrize(
    "parts",
    [
        {"sla_days": "1e9"},
        {"sla_hours": "9" * 5000},
        {"sla_minutes": "1e999999999"},
        {"sla_days": "NaN"},
        {"sla_days": "Infinity"},
        {"sla_days": "-Infinity"},
        {"sla_hours": "sNaN"},
        {"sla_days": "0x10"},
        {"sla_days": "1/2"},
        {"sla_minutes": "-0.5"},
        {"sla_minutes": "1e-999999999"},
        {"sla_days": "\x00"},
        {"sla_days": "٣١"},  # Arabic-Indic digits: 31 days, past the SLA's 30
    ],
)
def test_huge_or_malformed_duration_parts_are_form_errors(admin_client, staffed_spam, parts):
    fields = {"sla_days": "", "sla_hours": "", "sla_minutes": "", **parts}

    response = post_category(admin_client, staffed_spam, **fields)

    assert response.status_code == 200
    assert errors_of(response, "sla")
    assert Category.objects.get(pk=staffed_spam.pk).sla == staffed_spam.sla


# === Translations typed in the admin =============================================================

# Invisible characters that turn the direction of the text after them (the "Trojan Source" trick):
# right-to-left override, left-to-right embedding, right-to-left isolate, pop formatting.
RLO, LRE, RLI, PDF = "\u202e", "\u202a", "\u2067", "\u202c"


def reasons_prefix(response) -> str:
    return next(
        inline.formset.prefix
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Reason
    )


def translate(client, category, **fields):
    """The category page posted back with these translation (or English) fields changed."""
    return post_category(client, category, **fields)


def test_markup_typed_as_a_translation_reaches_members_as_text(
    admin_client, staffed_spam, reporter, member
):
    assert translate(admin_client, staffed_spam, name_es=XSS, description_es=XSS).status_code == 302
    User.objects.filter(pk__in=[reporter.pk, member.pk]).update(preferred_language="es")
    reader = signed_in(User.objects.get(pk=reporter.pk))

    form = html(reader.get(reverse("reports:report")))
    make_report(reporter=User.objects.get(pk=reporter.pk), subject=member, category=staffed_spam)
    while message := OutboxMessage.objects.filter(status="pending").first():
        run_message(message.pk)
    receipt = Notification.objects.get(recipient=reporter, event="report_received", channel="email")
    inbox = Notification.objects.get(recipient=reporter, event="report_received", channel="in_app")
    message_page = html(reader.get(reverse("reports:inbox-message", args=[inbox.pk])))
    email_html = email_message(receipt).alternatives[0][0]

    assert XSS in receipt.body  # plain text, as written …
    for page in (form, message_page, email_html):  # … and never markup
        assert "<svg onload" not in page and "<script>alert(2)" not in page
        assert "&lt;svg onload=alert(1)&gt;" in page


def test_markup_in_a_translation_is_text_in_a_statement_and_on_staff_pages(
    admin_client, staffed_spam, member, spam_moderator
):
    assert translate(admin_client, staffed_spam, name_es=XSS, name_zh_hans=XSS).status_code == 302
    User.objects.filter(pk=member.pk).update(preferred_language="es")
    User.objects.filter(pk=spam_moderator.pk).update(preferred_language="zh-hans")
    waiting = content_case(staffed_spam)
    decided = content_case(staffed_spam, subject=User.objects.get(pk=member.pk))
    decision = decide(case_id=decided.pk, moderator=spam_moderator, action=DecisionAction.WARN)
    moderator = signed_in(User.objects.get(pk=spam_moderator.pk))

    queue = html(moderator.get(reverse("moderation:queue", args=[staffed_spam.slug])))
    case_page = html(moderator.get(reverse("moderation:case", args=[waiting.pk])))
    # The member reads the statement once the decision can no longer be undone.
    with time_machine.travel(decision.notified_at + timedelta(seconds=1), tick=False):
        statement = html(
            signed_in(User.objects.get(pk=member.pk)).get(
                reverse("reports:decision", args=[decision.uuid])
            )
        )

    assert XSS in decision.statement_of_reasons
    for page in (statement, queue, case_page):
        assert "<svg onload" not in page and "<script>alert(2)" not in page
        assert "&lt;svg onload=alert(1)&gt;" in page


def test_markup_in_a_name_stays_text_in_the_admins_fields_placeholders_and_lists(
    admin_client, staffed_spam, spam_team
):
    assert translate(admin_client, staffed_spam, name=XSS, name_ja=XSS).status_code == 302

    url = reverse("admin:reports_category_change", args=[staffed_spam.pk])
    editing = html(admin_client.get(url))
    reading = html(signed_in(make_moderator(team=spam_team)).get(url))

    # The English name is the placeholder of every empty name field: an attribute, escaped.
    assert 'placeholder="&quot;&gt;&lt;svg onload=alert(1)&gt;' in editing
    for page in (editing, reading):
        assert "<svg onload" not in page and "<script>alert(2)" not in page
    assert "日本語 · Japanese: &quot;&gt;&lt;svg onload=alert(1)&gt;" in reading


@pytest.mark.parametrize("field", ["name", "name_es", "name_zh_hans", "name_ar"])
@pytest.mark.parametrize(
    "value",
    ["Spam\r\nBcc: list@evil.example", "Spam\nand more", "Spam\x1b[31m", "Spam\u2028more"],
    ids=["crlf", "lf", "escape", "line-separator"],
)
def test_a_name_is_one_line_of_text(admin_client, staffed_spam, field, value):
    # A category's name is in the subject of the e-mails about it ("[Emergency] Case 12 · …"):
    # a line break there makes the mail library refuse the whole message, so no alert goes out.
    before = Category.objects.get(pk=staffed_spam.pk)

    response = translate(admin_client, staffed_spam, **{field: value})

    assert response.status_code == 200
    assert "on one line" in errors_of(response, field)
    after = Category.objects.get(pk=staffed_spam.pk)
    assert (after.name, after.translations) == (before.name, before.translations)


@pytest.mark.parametrize("field", ["name", "description", "name_es", "description_ar"])
@pytest.mark.parametrize("control", [RLO, LRE, RLI, PDF], ids=["RLO", "LRE", "RLI", "PDF"])
def test_invisible_direction_overrides_are_refused(admin_client, staffed_spam, field, control):
    # "‮moc.elpmaxe" reads "example.com" backwards-forwards; the override runs on past the name,
    # into the statement or the page around it.
    before = Category.objects.get(pk=staffed_spam.pk)

    response = translate(admin_client, staffed_spam, **{field: f"Spam {control}reversed"})

    assert response.status_code == 200
    assert "direction" in errors_of(response, field)
    after = Category.objects.get(pk=staffed_spam.pk)
    assert (after.name, after.description, after.translations) == (
        before.name,
        before.description,
        before.translations,
    )


def test_a_reasons_name_is_held_to_the_same_rules(admin_client, staffed_spam):
    url = reverse("admin:reports_category_change", args=[staffed_spam.pk])
    page = admin_client.get(url)
    prefix = reasons_prefix(page)
    before = {r.pk: (r.name, r.translations) for r in Reason.objects.filter(category=staffed_spam)}

    for field, value in (("name_es", f"{RLO}x"), ("name", "a\r\nb"), ("name_ko", "x" * 81)):
        data = {**posted_form(page), f"{prefix}-0-{field}": value}
        response = admin_client.post(url, data)
        assert response.status_code == 200, field
        after = {
            r.pk: (r.name, r.translations) for r in Reason.objects.filter(category=staffed_spam)
        }
        assert after == before, field


def test_right_to_left_marks_and_line_breaks_in_a_description_are_kept(admin_client, staffed_spam):
    # The marks (RLM, LRM, ALM) only say which way a neutral character leans; they end nowhere.
    name = "رسائل مزعجة\u200f (Spam)"
    description = "سطر أول\u200f\r\nسطر ثان"

    response = translate(admin_client, staffed_spam, name_ar=name, description_ar=description)

    assert response.status_code == 302
    saved = Category.objects.get(pk=staffed_spam.pk).translations["ar"]
    assert saved["name"] == name
    assert saved["description"].replace("\r\n", "\n") == description.replace("\r\n", "\n")


@pytest.mark.parametrize("field", ["name_es", "name_ja", "name_ar"])
def test_a_translated_name_has_the_english_names_limit(admin_client, staffed_spam, field):
    too_long = translate(admin_client, staffed_spam, **{field: "x" * 81})
    just_right = translate(admin_client, staffed_spam, **{field: "y" * 80})

    assert too_long.status_code == 200
    assert "at most 80 characters" in errors_of(too_long, field)
    assert just_right.status_code == 302
    code = field.removeprefix("name_")
    assert Category.objects.get(pk=staffed_spam.pk).translations[code]["name"] == "y" * 80


def test_a_long_translated_description_is_as_welcome_as_a_long_english_one(
    admin_client, staffed_spam
):
    text = "Mensajes no deseados. " * 2000  # 44,000 characters; the English one has no limit

    english = translate(admin_client, staffed_spam, description=text.strip())
    spanish = translate(admin_client, staffed_spam, description_es=text.strip())

    assert (english.status_code, spanish.status_code) == (302, 302)


def test_a_nul_in_a_translation_is_refused(admin_client, staffed_spam):
    response = translate(admin_client, staffed_spam, name_es="Sp\x00am")

    assert response.status_code == 200
    assert "Null characters are not allowed." in errors_of(response, "name_es")


@pytest.mark.parametrize("role", ["Moderator", "Senior moderator", "Trust & Safety lead"])
def test_only_those_who_configure_may_write_translations(staffed_spam, spam_team, role):
    reader = signed_in(make_moderator(role=role, team=spam_team))
    url = reverse("admin:reports_category_change", args=[staffed_spam.pk])
    data = posted_form(signed_in(make_moderator(role="Trust & Safety admin")).get(url))
    data["name_es"] = "Cambiado"

    response = reader.post(url, data)

    assert response.status_code == 403
    assert "es" not in Category.objects.get(pk=staffed_spam.pk).translations


# === Held cases, take-over and the release beacon ================================================


@pytest.fixture
def held(spam, spam_moderator) -> Case:
    """A case Moderator Mo holds, their lease running."""
    case = content_case(spam)
    claim_case(case_id=case.pk, moderator=spam_moderator)
    return Case.objects.get(pk=case.pk)


def take_over_url(case) -> str:
    return reverse("moderation:take-over", args=[case.pk])


def release_url(case) -> str:
    return reverse("moderation:release", args=[case.pk])


def holder_of(case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return case.status, case.claimed_by_id, case.lease_expires_at


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("member", 404),
        ("moderator of another team", 404),
        ("senior of another team", 404),
        ("moderator of the team", 403),
    ],
)
def test_only_a_senior_who_may_see_the_case_takes_it_over(
    held, spam_moderator, hate, spam_team, persona, status
):
    people = {
        "member": lambda: make_member(),
        "moderator of another team": lambda: make_moderator(team=make_team(hate)),
        "senior of another team": lambda: make_moderator(
            role="Senior moderator", team=make_team(hate)
        ),
        "moderator of the team": lambda: make_moderator(team=spam_team),
    }
    browser = Client() if persona == "anonymous" else signed_in(people[persona]())
    before = holder_of(held)

    response = browser.post(take_over_url(held), {"holder": spam_moderator.pk})

    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert holder_of(held) == before
    assert not AuditEvent.objects.filter(action="case.taken_over").exists()


@pytest.mark.parametrize("persona", ["senior", "lead", "ts-admin", "superuser"])
def test_those_who_work_escalated_cases_take_a_case_over_on_the_record(
    held, spam_moderator, senior, lead, ts_admin, superuser, persona
):
    taker = {"senior": senior, "lead": lead, "ts-admin": ts_admin, "superuser": superuser}[persona]
    browser = signed_in(taker)

    response = browser.post(take_over_url(held), {"holder": spam_moderator.pk})

    if taker.has_perm("reports.work_escalated"):
        assert response.status_code == 302
        assert holder_of(held)[1] == taker.pk
        event = AuditEvent.objects.get(action="case.taken_over")
        assert (event.actor_id, event.before["claimed_by"]) == (taker.pk, spam_moderator.pk)
    else:  # an admin who does not work queues is told so, and nothing moves
        assert response.status_code in {403, 404}
        assert holder_of(held)[1] == spam_moderator.pk


def test_another_site_cannot_take_a_case_over_or_give_one_back(held, spam_moderator, senior):
    senior_browser = Client(enforce_csrf_checks=True)
    senior_browser.force_login(senior)
    holder_browser = Client(enforce_csrf_checks=True)
    holder_browser.force_login(spam_moderator)
    before = holder_of(held)

    taken = senior_browser.post(take_over_url(held), {"holder": spam_moderator.pk})
    given = holder_browser.post(
        release_url(held), {"beacon": "1", "lease": held.lease_expires_at.isoformat()}
    )
    renewed = holder_browser.post(reverse("moderation:lease", args=[held.pk]))

    assert (taken.status_code, given.status_code, renewed.status_code) == (403, 403, 403)
    assert holder_of(held) == before


def test_take_over_release_and_lease_answer_only_post(held, spam_moderator, senior):
    for browser in (signed_in(senior), signed_in(spam_moderator)):
        for url in (
            take_over_url(held),
            release_url(held),
            reverse("moderation:lease", args=[held.pk]),
        ):
            assert browser.get(url, {"holder": spam_moderator.pk}).status_code == 405
    assert holder_of(held)[:2] == (CaseStatus.CLAIMED, spam_moderator.pk)


@pytest.mark.parametrize(
    "holder", ["senior", "colleague", "nobody", "0", "1e3", " 1", "١", "\x00", "1" * 5000]
)
def test_a_forged_holder_never_moves_the_claim(held, spam_moderator, senior, spam_team, holder):
    colleague = make_moderator(team=spam_team)
    forged = {"senior": str(senior.pk), "colleague": str(colleague.pk), "nobody": ""}.get(
        holder, holder
    )
    before = holder_of(held)

    response = signed_in(senior).post(take_over_url(held), {"holder": forged}, follow=True)

    assert response.status_code == 200
    assert "Moderator Mo holds this case now; it changed hands before your request." in html(
        response
    )
    assert holder_of(held) == before


def test_a_senior_cannot_take_over_a_case_a_review_keeps_from_them(held, spam_moderator, senior):
    Case.objects.filter(pk=held.pk).update(not_for=senior)
    before = holder_of(held)

    response = signed_in(senior).post(take_over_url(held), {"holder": spam_moderator.pk})

    assert response.status_code == 403
    assert "A reporter&#x27;s review gives this case to another moderator." in html(response)
    assert holder_of(held) == before


def test_a_case_whose_lease_ran_out_is_not_taken_over_but_taken(held, spam_moderator, senior):
    Case.objects.filter(pk=held.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))

    response = signed_in(senior).post(
        take_over_url(held), {"holder": spam_moderator.pk}, follow=True
    )

    assert "Nobody holds this case any more: take it if it is yours." in html(response)
    assert holder_of(held)[1] == spam_moderator.pk
    assert not AuditEvent.objects.filter(action="case.taken_over").exists()


@pytest.mark.parametrize("who", ["colleague", "senior", "ts-admin"])
def test_nobody_gives_back_a_claim_that_is_not_theirs_even_with_its_lease(
    held, spam_team, senior, ts_admin, who
):
    someone = {"colleague": make_moderator(team=spam_team), "senior": senior, "ts-admin": ts_admin}
    browser = signed_in(someone[who])
    before = holder_of(held)

    beacon = browser.post(
        release_url(held), {"beacon": "1", "lease": held.lease_expires_at.isoformat()}
    )
    button = browser.post(release_url(held))

    assert beacon.json() == {"released": False}
    assert button.status_code == 302
    assert holder_of(held) == before
    assert not AuditEvent.objects.filter(action="case.released").exists()


@pytest.mark.parametrize(
    "lease",
    [
        "0001-01-01T00:10:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "2026-01-01T00:00:00+23:59",
        "2026-01-01T00:00:00+24:00",
        "2026-01-01T00:00:00+99:99",
        "9" * 10_000,
        "2026-01-01T00:00:00.000000000000001+00:00",
        "\x00",
    ],
)
def test_a_forged_lease_neither_gives_the_case_back_nor_breaks(held, spam_moderator, lease):
    before = holder_of(held)

    answer = signed_in(spam_moderator).post(release_url(held), {"beacon": "1", "lease": lease})

    assert answer.status_code in {200, 400}
    assert answer["Content-Type"] == "application/json"
    assert answer.json().get("released", False) is False
    assert holder_of(held) == before


def test_nobody_but_the_holder_keeps_a_case_alive(held, spam_team, senior):
    before = holder_of(held)

    for someone in (make_moderator(team=spam_team), senior):
        answer = signed_in(someone).post(reverse("moderation:lease", args=[held.pk]))
        assert answer.status_code == 409
        assert "taken_over" not in answer.json()
    assert holder_of(held) == before


def test_the_takers_name_reaches_the_former_holder_as_text(held, spam_moderator, spam_team, spam):
    taker = make_moderator(role="Senior moderator", team=spam_team, display_name=XSS)
    holder = signed_in(spam_moderator)
    take_over_case(case_id=held.pk, moderator=taker, holder_id=spam_moderator.pk)

    renewal = holder.post(reverse("moderation:lease", args=[held.pk]))
    queue = html(holder.get(reverse("moderation:queue", args=[spam.slug])))
    case_page = html(holder.get(reverse("moderation:case", args=[held.pk])))

    # JSON for the page's script, which shows it with textContent; HTML escaped on the pages.
    assert renewal.status_code == 409 and XSS in renewal.json()["error"]
    assert renewal["Content-Type"] == "application/json"
    for page in (queue, case_page):
        assert "<svg onload" not in page and "<script>alert(2)" not in page
        assert "&lt;svg onload=alert(1)&gt;" in page


@pytest.mark.django_db(transaction=True)
def test_a_take_over_and_the_holders_decision_at_once_leave_one_outcome(spam, spam_team):
    holder = make_moderator(team=spam_team, display_name="Moderator Mo")
    taker = make_moderator(role="Senior moderator", team=spam_team, display_name="Senior Sam")
    case = content_case(spam)
    claim_case(case_id=case.pk, moderator=holder)

    def act(what):
        try:
            if what == "take over":
                take_over_case(case_id=case.pk, moderator=taker, holder_id=holder.pk)
            else:
                decide(case_id=case.pk, moderator=holder, action=DecisionAction.NO_VIOLATION)
        except (HolderChanged, CaseUnavailable, PermissionDenied):
            return what, False
        return what, True

    outcome = dict(run_at_once(act, ["take over", "decide"]))

    case.refresh_from_db()
    taken = AuditEvent.objects.filter(action="case.taken_over").count()
    decided = case.decisions.count()
    assert list(outcome.values()).count(True) == 1, outcome
    if outcome["take over"]:
        assert (case.status, case.claimed_by_id, taken, decided) == (
            CaseStatus.CLAIMED,
            taker.pk,
            1,
            0,
        )
    else:
        assert (case.status, taken, decided) == (CaseStatus.DECIDED, 0, 1)


@pytest.mark.django_db(transaction=True)
def test_a_take_over_and_the_holders_beacon_at_once_leave_one_outcome(spam, spam_team):
    holder = make_moderator(team=spam_team, display_name="Moderator Mo")
    taker = make_moderator(role="Senior moderator", team=spam_team, display_name="Senior Sam")
    case = content_case(spam)
    claim_case(case_id=case.pk, moderator=holder)
    lease = Case.objects.get(pk=case.pk).lease_expires_at.isoformat()
    browsers = {"take over": signed_in(taker), "release": signed_in(holder)}

    def act(what):
        if what == "take over":
            response = browsers[what].post(take_over_url(case), {"holder": holder.pk}, follow=True)
            return what, "You hold case" in html(response)
        response = browsers[what].post(release_url(case), {"beacon": "1", "lease": lease})
        return what, response.json()["released"]

    outcome = dict(run_at_once(act, ["take over", "release"]))

    case.refresh_from_db()
    assert list(outcome.values()).count(True) == 1, outcome
    if outcome["take over"]:
        assert (case.status, case.claimed_by_id) == (CaseStatus.CLAIMED, taker.pk)
    else:
        assert (case.status, case.claimed_by_id) == (CaseStatus.OPEN, None)


# === A refused bulk choice, kept for the queue page ==============================================


def bulk_bar(page: str) -> str:
    start = page.index('id="bulk-bar"')
    return page[start : page.index("</table>", start)]


def refused_bulk(browser, category, **data):
    """A bulk choice the queue refuses (a suspension without days, unless `data` says else)."""
    data = {"action": "suspend", "days": "", "facts": "", **data}
    return browser.post(reverse("moderation:bulk", args=[category.slug]), data, follow=True)


@pytest.mark.parametrize("field", ["facts", "days", "reason", "action"])
def test_values_kept_from_a_refused_bulk_choice_come_back_as_text(spam, spam_moderator, field):
    cases = [content_case(spam) for _ in range(2)]
    browser = signed_in(spam_moderator)

    response = refused_bulk(browser, spam, cases=[c.pk for c in cases], **{field: XSS})

    page = html(response)
    assert response.status_code == 200
    assert "<svg onload" not in page and "<script>alert(2)" not in page
    assert "This bulk decision cannot go ahead:" in bulk_bar(page)
    assert not BulkDecision.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "next=https://evil.example/",
        "x=1#https://evil.example/",
        "tier=1\r\nLocation: https://evil.example/",
        "//evil.example/",
        "a" * 5000,
        "language=%00&tier=99",
    ],
)
def test_the_way_back_to_the_queue_stays_on_the_queue(spam, spam_moderator, query):
    case = content_case(spam)
    browser = signed_in(spam_moderator)

    response = browser.post(
        reverse("moderation:bulk", args=[spam.slug]),
        {"cases": [case.pk], "action": "suspend", "days": "", "query": query},
    )

    assert response.status_code == 302
    where = urlsplit(response["Location"])
    assert (where.scheme, where.netloc) == ("", "")
    assert where.path == reverse("moderation:queue", args=[spam.slug])
    assert "\n" not in response["Location"] and "\r" not in response["Location"]
    # The queue page drawn, or its filters refusing what the forged query asks, with why.
    page = browser.get(response["Location"])
    assert page.status_code in {200, 400}
    assert page.status_code == 200 or 'class="error' in html(page)


def test_cases_of_another_team_are_neither_ticked_nor_told(spam, hate, spam_moderator):
    mine = content_case(spam)
    theirs = content_case(hate, text="Someone else's secret case")
    browser = signed_in(spam_moderator)

    response = refused_bulk(browser, spam, cases=[mine.pk, theirs.pk], action="warn")

    page = html(response)
    assert f'value="{theirs.pk}"' not in page
    assert "Someone else&#x27;s secret case" not in page and "secret case" not in page
    assert Case.objects.get(pk=theirs.pk).status == CaseStatus.OPEN


@pytest.mark.parametrize("persona", ["anonymous", "member", "moderator of another team"])
def test_only_the_queues_moderators_reach_its_bulk_bar(spam, hate, persona):
    case = content_case(spam)
    browsers = {
        "anonymous": Client,
        "member": lambda: signed_in(make_member()),
        "moderator of another team": lambda: signed_in(make_moderator(team=make_team(hate))),
    }
    browser = browsers[persona]()

    response = browser.post(
        reverse("moderation:bulk", args=[spam.slug]),
        {"cases": [case.pk], "action": "warn", "confirm": "1"},
    )

    assert response.status_code == (302 if persona == "anonymous" else 404)
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert not BulkDecision.objects.exists()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


@pytest.mark.parametrize(
    "ids", [["1" * 30], ["-1"], ["x"], [str(n) for n in range(10**6, 10**6 + 990)]]
)
def test_odd_or_unknown_case_ids_are_a_clear_refusal(spam, spam_moderator, ids):
    content_case(spam)
    browser = signed_in(spam_moderator)

    response = refused_bulk(browser, spam, cases=ids, action="warn")

    assert response.status_code == 200
    assert "This bulk decision cannot go ahead:" in bulk_bar(html(response))
    assert not BulkDecision.objects.exists()


def test_more_fields_than_a_request_may_carry_are_a_400(spam, spam_moderator):
    case = content_case(spam)
    browser = signed_in(spam_moderator)
    ids = [case.pk, *range(10**6, 10**6 + 1200)]

    response = browser.post(
        reverse("moderation:bulk", args=[spam.slug]),
        {"cases": ids, "action": "warn", "confirm": "1"},
    )

    assert response.status_code == 400
    assert not BulkDecision.objects.exists()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


# === The admin's home by task and its section pages ==============================================

SECTION_SLUGS = ["policies", "people", "records", "delivery", "access", "other", "nothing-here"]


def open_sections(user) -> set[str]:
    """The section pages this person's admin home links to."""
    page = html(signed_in(user).get(reverse("admin:index")))
    return set(re.findall(r'href="/admin/section/([a-z-]+)/"', page))


@pytest.mark.parametrize("slug", SECTION_SLUGS)
@pytest.mark.parametrize("persona", ["anonymous", "member", "unverified staff"])
def test_a_section_page_is_for_staff_who_passed_the_second_factor(spam_moderator, persona, slug):
    if persona == "anonymous":
        browser = Client()
    elif persona == "member":
        browser = signed_in(make_member())
    else:
        browser = unverified(spam_moderator)

    response = browser.get(f"/admin/section/{slug}/")

    assert response.status_code == 302
    assert "/section/" not in response["Location"].split("?")[0]


@pytest.mark.parametrize("persona", ["moderator", "senior", "lead", "ts-admin", "superuser"])
def test_each_person_opens_the_section_pages_their_home_links_and_no_other(
    spam_moderator, senior, lead, ts_admin, superuser, persona
):
    person = {
        "moderator": spam_moderator,
        "senior": senior,
        "lead": lead,
        "ts-admin": ts_admin,
        "superuser": superuser,
    }[persona]
    linked = open_sections(person)
    browser = signed_in(person)

    for slug in SECTION_SLUGS:
        page = browser.get(reverse("admin:section", args=[slug]))
        assert page.status_code == (200 if slug in linked else 404), slug
        if page.status_code == 200:
            # A section page links to what the person may open, nothing else.
            for href in re.findall(r'href="(/admin/[a-z]+/[a-z]+/)"', html(page)):
                assert browser.get(href).status_code == 200, href
    assert "records" in linked or persona in {"moderator", "senior", "lead"}
    assert ("records" in linked) == (persona in {"ts-admin", "superuser"})
    assert ("access" in linked) == (persona in {"ts-admin", "superuser"})


# === E-mail files of the quick start =============================================================


def written_files(folder) -> list:
    return sorted(path for path in folder.rglob("*") if path.is_file())


@pytest.mark.parametrize(
    "subject", ["../../../../tmp/hellomod-owned", "/etc/passwd", "..\\..\\boot.ini", "a" * 5000]
)
def test_an_e_mail_file_lands_in_the_mail_folder_whatever_its_subject(tmp_path, caplog, subject):
    folder = tmp_path / "mail"
    backend = FileAndLogLineBackend(file_path=str(folder))

    with caplog.at_level(logging.INFO, logger="hellomod.mail"):
        sent = backend.send_messages(
            [EmailMessage(subject=subject, body="Hello", to=["member@example.com"])]
        )

    assert sent == 1
    (only,) = written_files(tmp_path)
    assert only.parent == folder
    assert subject not in only.name and ".." not in only.name
    (line,) = [r.getMessage() for r in caplog.records if r.name == "hellomod.mail"]
    assert line == f"e-mail to member@example.com written to {only}"


@pytest.mark.parametrize(
    ("subject", "to"),
    [
        ("Case 12 · Spam\r\nBcc: list@evil.example", "member@example.com"),
        ("Case 12 · Spam\nX-Injected: 1", "member@example.com"),
        ("Hello", "member@example.com\r\nBcc: list@evil.example"),
        ("Hello", "member@example.com\ne-mail to boss@example.com written to var/mail/x"),
    ],
    ids=["subject-crlf", "subject-lf", "to-crlf", "to-forged-log-line"],
)
def test_a_header_with_a_line_break_is_refused_and_never_logged_as_written(
    tmp_path, caplog, subject, to
):
    backend = FileAndLogLineBackend(file_path=str(tmp_path / "mail"))

    message = EmailMessage(subject=subject, body="Hello", to=[to])

    with (
        caplog.at_level(logging.INFO, logger="hellomod.mail"),
        pytest.raises((BadHeaderError, ValueError)),
    ):
        backend.send_messages([message])

    assert not [r for r in caplog.records if r.name == "hellomod.mail"]
    for path in written_files(tmp_path):
        text = path.read_bytes()
        assert b"Bcc:" not in text and b"X-Injected" not in text


def test_the_quick_start_writes_mail_only_when_told_to(settings):
    # The suite keeps Django's in-memory outbox; only the quick start (DEBUG, no EMAIL_BACKEND)
    # writes files. No test mail may land in a folder someone reads.
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    mail.send_mail("Hello", "Body", None, ["member@example.com"])
    assert len(mail.outbox) == 1
