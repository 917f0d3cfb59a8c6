"""Crisis lines: which ones a person is offered, and how a Trust & Safety admin keeps them."""

import pytest
from django.urls import reverse

from reports.models import AuditEvent, CrisisResource
from reports.selectors.welfare import crisis_lines_for
from tests.conftest import make_member, make_moderator

pytestmark = pytest.mark.django_db

ADD = reverse("admin:reports_crisisresource_add")
CHANGELIST = reverse("admin:reports_crisisresource_changelist")


def names(lines) -> list[str]:
    return [line.name for line in lines]


# --- Which lines a person is offered ----------------------------------------------------------


def test_a_member_is_offered_their_country_s_line_then_the_international_one():
    member = make_member(country="GB")

    assert names(crisis_lines_for(member)) == ["Samaritans", "Find A Helpline"]


def test_a_member_of_a_country_without_a_line_is_offered_the_international_one():
    assert names(crisis_lines_for(make_member(country="JP"))) == ["Find A Helpline"]
    assert names(crisis_lines_for(make_member(country=""))) == ["Find A Helpline"]


def test_lines_in_the_member_s_language_come_before_lines_in_another():
    for language, name in (("zh", "Chinese-speaking line"), ("es", "Spanish-speaking line")):
        CrisisResource.objects.create(
            country="US", language=language, name=name, phone="1 800 000 0000", position=20
        )
    reads_chinese = make_member(country="us", native_language="zh", preferred_language="zh-hans")
    reads_english = make_member(country="US", native_language="en")

    # The 988 Lifeline takes any language; a line in another language is left out.
    assert names(crisis_lines_for(reads_chinese)) == [
        "988 Suicide & Crisis Lifeline",
        "Chinese-speaking line",
        "Find A Helpline",
    ]
    assert names(crisis_lines_for(reads_english)) == [
        "988 Suicide & Crisis Lifeline",
        "Find A Helpline",
    ]


def test_a_line_in_another_language_beats_no_line_at_all():
    CrisisResource.objects.create(
        country="NL", language="nl", name="113 Zelfmoordpreventie", phone="113"
    )
    reads_turkish = make_member(country="NL", native_language="tr", preferred_language="en")

    assert names(crisis_lines_for(reads_turkish)) == ["113 Zelfmoordpreventie", "Find A Helpline"]


def test_a_switched_off_line_is_not_offered():
    CrisisResource.objects.filter(country="GB").update(is_active=False)

    assert names(crisis_lines_for(make_member(country="GB"))) == ["Find A Helpline"]


# --- The admin --------------------------------------------------------------------------------


def line(**fields) -> dict:
    return {
        "name": "Befrienders Kenya",
        "country": "ke",
        "language": "",
        "phone": "",
        "text": "",
        "url": "",
        "hours": "",
        "position": "0",
        "is_active": "on",
        **fields,
    }


def test_a_line_nobody_can_reach_is_refused_with_a_clear_message(client, ts_admin):
    client.force_login(ts_admin)

    response = client.post(ADD, line(hours="24/7"))

    assert response.status_code == 200
    assert "Give at least one way to reach this line" in response.content.decode()
    assert not CrisisResource.objects.filter(name="Befrienders Kenya").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "K1", "Two letters (ISO 3166)"),
        ("language", "swahili", "One of the community&#x27;s languages"),
        ("phone", "call us", "Digits, spaces and + ( ) - only"),
    ],
)
def test_a_bad_value_is_explained_next_to_its_field(client, ts_admin, field, value, message):
    client.force_login(ts_admin)

    response = client.post(ADD, line(**{"phone": "+254 722 178 177", field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["adminform"].form.errors[field]


def test_an_admin_adds_a_line_and_it_is_on_the_record(client, ts_admin):
    client.force_login(ts_admin)

    response = client.post(ADD, line(phone="+254  722 178 177", url="befrienderskenya.org"))

    assert response.status_code == 302
    added = CrisisResource.objects.get(name="Befrienders Kenya")
    assert (added.country, added.phone, added.url) == (
        "KE",
        "+254 722 178 177",
        "https://befrienderskenya.org",
    )
    event = AuditEvent.objects.get(action="crisisresource.created")
    assert (event.actor, event.after["country"]) == (ts_admin, "KE")
    assert names(crisis_lines_for(make_member(country="KE"))) == [
        "Befrienders Kenya",
        "Find A Helpline",
    ]


def test_the_changelist_lists_the_international_lines_first_and_says_so(client, ts_admin):
    client.force_login(ts_admin)

    response = client.get(CHANGELIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("anywhere (international)") < page.index("Samaritans")
    # Then by country: Australia, Canada, Germany … the United States.
    assert page.index("Lifeline") < page.index("9-8-8 Suicide") < page.index("TelefonSeelsorge")
    assert page.index("TelefonSeelsorge") < page.index("988 Suicide")


def test_a_moderator_reads_the_lines_but_cannot_change_them(client):
    client.force_login(make_moderator())

    assert client.get(CHANGELIST).status_code == 200
    assert client.post(ADD, line(phone="116 123")).status_code == 403
