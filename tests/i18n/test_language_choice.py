"""The language menu: a member's choice is saved on their profile and everything follows it;
staff pages speak the staff languages only; Arabic pages read right to left."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from reports.models import Decision, Notification
from reports.services.decisions.decide import decide
from tests.conftest import make_content, make_member, make_moderator, make_report, make_team
from tests.i18n.mixing import latin_words
from tests.i18n.telling import tell_members_now

pytestmark = pytest.mark.django_db


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def choose(client, language: str, next_url: str = "/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_a_members_choice_is_saved_on_their_profile_and_wins_over_the_browser(client):
    lin = make_member()
    client.force_login(lin)

    answer = choose(client, "es")

    assert answer.status_code == 302
    assert User.objects.get(pk=lin.pk).preferred_language == "es"
    # The browser asks for German; the member chose Spanish.
    page = client.get(reverse("reports:mine"), HTTP_ACCEPT_LANGUAGE="de")
    assert 'lang="es"' in html_tag(page)
    with translation.override("es"):
        assert translation.gettext("My reports") in page.content.decode()


def test_the_platform_setting_the_language_wins_over_an_old_cookie(client):
    lin = make_member()
    client.force_login(lin)
    choose(client, "fr")
    User.objects.filter(pk=lin.pk).update(preferred_language="ja")

    assert 'lang="ja"' in html_tag(client.get(reverse("reports:mine")))


def test_a_stranger_keeps_the_choice_in_a_cookie(client):
    answer = choose(client, "ko")

    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    assert 'lang="ko"' in html_tag(client.get(reverse("login")))


@pytest.mark.parametrize("language", ["tr", "", "xx-yy"])
def test_a_language_the_site_does_not_offer_changes_nothing(client, language):
    lin = make_member(preferred_language="it")
    client.force_login(lin)

    answer = choose(client, language)

    assert answer.status_code == 302
    assert User.objects.get(pk=lin.pk).preferred_language == "it"


def test_the_menu_only_changes_by_post(client):
    assert client.get(reverse("set_language"), {"language": "es"}).status_code == 405


def test_arabic_pages_read_right_to_left_and_others_left_to_right(client):
    client.force_login(make_member(preferred_language="ar"))
    assert 'dir="rtl"' in html_tag(client.get(reverse("reports:mine")))

    client.force_login(make_member(preferred_language="hi"))
    assert 'dir="ltr"' in html_tag(client.get(reverse("reports:mine")))


def test_the_members_menu_offers_every_language_by_its_own_name(client):
    client.force_login(make_member())
    page = client.get(reverse("reports:mine")).content.decode()

    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in page
        assert name in page


@pytest.mark.parametrize(
    ("language", "staff_page"),
    [("es", "en"), ("ar", "en"), ("zh-hant", "zh-hans"), ("zh-hans", "zh-hans"), ("en", "en")],
)
def test_staff_pages_speak_a_staff_language_and_member_pages_the_moderators_own(
    client, spam, language, staff_page
):
    moderator = make_moderator(team=make_team(spam), preferred_language=language)
    client.force_login(moderator)

    queue = client.get(reverse("moderation:home"))
    admin = client.get(reverse("admin:index"))
    own = client.get(reverse("reports:mine"))

    assert f'lang="{staff_page}"' in html_tag(queue)
    assert f'lang="{staff_page}"' in html_tag(admin)
    assert f'lang="{language}"' in html_tag(own)
    # The menu on a staff page offers the languages staff pages are written in.
    options = re.findall(r'<option value="([\w-]+)" lang=', queue.content.decode())
    assert options == settings.STAFF_LANGUAGES


def test_every_page_names_its_favicon_and_the_icon_is_served(client):
    page = client.get(reverse("login")).content.decode()

    assert 'rel="icon"' in page and "favicon.svg" in page
    icon = client.get("/favicon.ico", follow=True)
    assert icon.status_code == 200


def test_a_member_who_changes_language_before_being_told_reads_the_statement_in_the_new_one(
    spam,
):
    member = make_member(preferred_language="en")
    report = make_report(
        reporter=make_member(), subject=member, category=spam, content=make_content(member)
    )
    decision = decide(
        case_id=report.case_id,
        moderator=make_moderator(team=make_team(spam)),
        action="suspend",
        duration=timedelta(days=7),
        facts="",
    )
    english = decision.statement_of_reasons
    User.objects.filter(pk=member.pk).update(preferred_language="ja")

    tell_members_now(decision)

    told = Notification.objects.get(
        recipient=member, event="statement_of_reasons", channel="in_app"
    )
    assert latin_words(told.subject + told.body) == []
    assert spam.translated("name", "ja") in told.body
    # The decision's page shows what was sent.
    assert Decision.objects.get(pk=decision.pk).statement_of_reasons == told.body != english


def test_a_member_who_kept_their_language_is_sent_the_statement_as_decided(spam):
    member = make_member(preferred_language="de")
    report = make_report(
        reporter=make_member(), subject=member, category=spam, content=make_content(member)
    )
    decision = decide(
        case_id=report.case_id,
        moderator=make_moderator(team=make_team(spam)),
        action="restrict",
        duration=timedelta(days=3),
        facts="Hat 40 Mitgliedern denselben Link geschickt.",
    )

    tell_members_now(decision)

    told = Notification.objects.get(
        recipient=member, event="statement_of_reasons", channel="in_app"
    )
    assert told.body == decision.statement_of_reasons
    assert "Hat 40 Mitgliedern denselben Link geschickt." in told.body


@pytest.mark.parametrize(("code", "saved"), [("zh-Hans", "zh-hans"), ("EN", "en"), ("Ar", "ar")])
def test_a_code_in_other_letters_is_saved_as_the_sites(client, code, saved):
    lin = make_member(preferred_language="ko")
    client.force_login(lin)

    choose(client, code)

    assert User.objects.get(pk=lin.pk).preferred_language == saved
