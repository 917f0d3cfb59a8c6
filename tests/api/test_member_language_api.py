"""The platform keeps a member's language in step with the app's: everything hellomod sends the
member follows it. A member reads and sets their own; nobody else's."""

import pytest
from django.utils import translation

from accounts.models import User
from reports.effects.outbox import run_message
from reports.models import Notification, OutboxMessage
from reports.texts import messages as texts
from tests.api.conftest import api_for, is_json_error
from tests.conftest import make_member, make_report

pytestmark = pytest.mark.django_db

MEMBERS = "/api/v1/members/"


def test_the_platform_sets_a_members_language_and_the_next_message_follows_it(
    platform, reporter, member, spam
):
    answer = platform.patch(f"{MEMBERS}{reporter.public_id}/", {"language": "es"}, format="json")

    assert answer.status_code == 200
    assert answer.json() == {"member": reporter.public_id, "language": "es"}
    assert User.objects.get(pk=reporter.pk).preferred_language == "es"
    report = make_report(reporter=User.objects.get(pk=reporter.pk), subject=member, category=spam)
    while message := OutboxMessage.objects.filter(status="pending").first():
        run_message(message.pk)
    with translation.override("es"):
        expected = str(texts.DEFAULTS["report_received"][0]) % {"reference": report.reference}
    receipt = Notification.objects.get(
        recipient=reporter, event="report_received", channel="in_app"
    )
    assert receipt.subject == expected
    assert receipt.subject != f"We received your report {report.reference}"


def test_the_platform_reads_a_members_language(platform, reporter):
    answer = platform.get(f"{MEMBERS}{reporter.public_id}/")

    assert answer.status_code == 200
    assert answer.json() == {"member": reporter.public_id, "language": "en"}


def test_a_member_reads_and_sets_their_own_language(reporter):
    app = api_for(reporter)

    assert app.get(f"{MEMBERS}me/").json() == {"member": reporter.public_id, "language": "en"}
    assert app.patch(f"{MEMBERS}me/", {"language": "ar"}, format="json").status_code == 200
    assert User.objects.get(pk=reporter.pk).preferred_language == "ar"


def test_a_member_cannot_read_or_set_anyone_elses(reporter, member):
    app = api_for(reporter)

    read = app.get(f"{MEMBERS}{member.public_id}/")
    written = app.patch(f"{MEMBERS}{member.public_id}/", {"language": "ar"}, format="json")

    assert is_json_error(read, 404) and is_json_error(written, 404)
    # The same answer as an id nobody has: ids reveal nothing.
    assert is_json_error(app.get(f"{MEMBERS}ZZZZZZZZZZ/"), 404)
    assert User.objects.get(pk=member.pk).preferred_language == "en"


@pytest.mark.parametrize("language", ["tr", "", "EN", "zh", 7])
def test_a_language_the_site_does_not_offer_is_refused_with_the_codes_it_does(
    platform, reporter, language
):
    answer = platform.patch(
        f"{MEMBERS}{reporter.public_id}/", {"language": language}, format="json"
    )

    assert is_json_error(answer, 400)
    assert answer.json()["language"] == [
        "Give one of the language codes en, es, fr, de, it, pt, ru, ja, ko, zh-hans, zh-hant, "
        "ar, hi."
    ]
    assert User.objects.get(pk=reporter.pk).preferred_language == "en"


def test_no_language_is_refused(platform, reporter):
    answer = platform.patch(f"{MEMBERS}{reporter.public_id}/", {"language": None}, format="json")

    assert is_json_error(answer, 400)
    assert "language" in answer.json()


def test_a_stranger_is_asked_to_sign_in(client, reporter):
    answer = client.get(f"{MEMBERS}{reporter.public_id}/")

    assert is_json_error(answer, 401)


def test_only_patch_changes_a_member(platform, reporter):
    assert is_json_error(platform.put(f"{MEMBERS}{reporter.public_id}/", {}, format="json"), 405)
    assert is_json_error(platform.delete(f"{MEMBERS}{reporter.public_id}/"), 405)
    # No list of members, and none made here: the platform creates members in its own way.
    assert is_json_error(platform.post(MEMBERS, {}, format="json"), 404)


def test_an_inactive_member_is_not_found(platform):
    gone = make_member(is_active=False)

    assert is_json_error(platform.get(f"{MEMBERS}{gone.public_id}/"), 404)
