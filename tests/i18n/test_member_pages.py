"""Every page a member reads shows no English in another language: no English word in a
language written in another script, no clause of the English page in one written in Latin
letters — a text the catalogues miss, a value placed untranslated, a label from code."""

import html
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from reports.models import Decision
from reports.services.appeals.filing import appeal_decision
from reports.services.decisions.decide import decide
from tests.conftest import make_content, make_member, make_moderator, make_report, make_team
from tests.i18n.mixing import NON_LATIN, english_clauses, latin_words
from tests.i18n.telling import tell_members_now

pytestmark = pytest.mark.django_db

# Latin that these languages write too: file formats and units, "ID", and "App", which is how
# Taiwan writes it.
SHARED = {"ID", "JPEG", "PNG", "WebP", "GIF", "MB", "SMS", "App"}


def visible_text(page: str) -> str:
    """The words a reader sees in <body>, without the language menu (each language in its own
    name) and without scripts."""
    body = page[page.index("<body") :]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<select name="language".*?</select>', " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def english_left(text: str, *known: str) -> list[str]:
    for value in sorted(known, key=len, reverse=True):
        text = text.replace(value, " ")
    return [word for word in latin_words(text) if word not in SHARED]


def english_clauses_in(text: str, english: str, *known: str) -> list[str]:
    """Clauses of the English page (three words or more, past shared ones) found in `text`."""
    text, english = " ".join(text.split()), " ".join(english.split())
    # The longest first: a message is set aside whole before the reference inside it.
    for value in sorted(known, key=len, reverse=True):
        value = " ".join(value.split())
        text, english = text.replace(value, " "), english.replace(value, " ")
    found = []
    for clause in english_clauses(english):
        clause = " ".join(clause.split())
        if len([w for w in latin_words(clause) if w not in SHARED]) >= 3 and clause in text:
            found.append(clause)
    return found


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_every_member_page_reads_in_the_members_language(client, spam, language):
    member = make_member(display_name="山田", preferred_language=language, country="DE")
    other = make_member(display_name="李华")
    moderator = make_moderator(team=make_team(spam))
    sent = make_report(reporter=member, subject=other, category=spam, content=make_content(other))
    cleared = make_report(reporter=member, subject=make_member(display_name="王芳"), category=spam)
    decide(case_id=cleared.case_id, moderator=moderator, action="no_violation", facts="")
    against = make_report(
        reporter=other, subject=member, category=spam, content=make_content(member)
    )
    decision = decide(
        case_id=against.case_id,
        moderator=moderator,
        action="suspend",
        duration=timedelta(days=7),
        facts="",
    )
    tell_members_now(decision)
    tell_members_now(Decision.objects.get(case_id=cleared.case_id))
    decision.refresh_from_db()
    appeal = appeal_decision(appellant=member, decision=decision, statement="请再看一次。")
    tell_members_now(decision)
    client.force_login(member)

    pages = {
        "home": reverse("home"),
        "report form": f"{reverse('reports:report')}?member={other.public_id}",
        "receipt": reverse("reports:receipt", args=[sent.reference]),
        "my reports": reverse("reports:mine"),
        "review form": reverse("reports:review", args=[cleared.reference]),
        "decisions about me": reverse("reports:decisions"),
        "decision": reverse("reports:decision", args=[decision.uuid]),
        "appeal": reverse("reports:appeal", args=[appeal.reference]),
        "inbox": reverse("reports:inbox"),
    }
    message = member.notifications.filter(channel="in_app").order_by("pk").first()
    pages["inbox message"] = reverse("reports:inbox-message", args=[message.pk])
    known = [
        member.public_id,
        other.public_id,
        sent.reference,
        cleared.reference,
        appeal.reference,
        "请再看一次。",
        # What was written to the member once, in their language: it stays as it was sent.
        Decision.objects.get(pk=decision.pk).statement_of_reasons,
        *[text for n in member.notifications.all() for text in (n.subject, n.body)],
    ]
    found = {}
    for name, url in pages.items():
        User.objects.filter(pk=member.pk).update(preferred_language=language)
        answer = client.get(url)
        assert answer.status_code == 200, name
        assert f'lang="{language}"' in answer.content.decode()[:200], name
        text = visible_text(answer.content.decode())
        if language in NON_LATIN:
            words = english_left(text, *known)
        else:
            User.objects.filter(pk=member.pk).update(preferred_language="en")
            english = visible_text(client.get(url).content.decode())
            words = english_clauses_in(text, english, *known)
        if words:
            found[name] = words
    assert found == {}
