"""Legal holds in the admin: a T&S admin places one by hand and lifts holds, saying why."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from reports.models import AuditEvent, EvidenceBundle, LegalHold
from reports.services.legal_holds import place_hold
from tests.conftest import make_member, make_moderator, make_report, make_team

pytestmark = pytest.mark.django_db

PLACE = reverse("admin:reports_legalhold_place")
CHANGELIST = reverse("admin:reports_legalhold_changelist")


def test_a_trust_and_safety_admin_places_a_hold_by_hand(client, ts_admin, member, spam):
    case = make_report(reporter=make_member(), subject=member, category=spam).case
    client.force_login(ts_admin)

    assert "Place a hold" in client.get(CHANGELIST).content.decode()
    response = client.post(
        PLACE, {"member": member.public_id, "case": case.pk, "reason": "Preservation request."}
    )

    hold = LegalHold.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reports_legalhold_change", args=[hold.pk])
    assert (hold.member, hold.case, hold.placed_by, hold.reason) == (
        member,
        case,
        ts_admin,
        "Preservation request.",
    )
    assert AuditEvent.objects.get(action="legal_hold.placed").actor == ts_admin


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"member": "NOBODY", "reason": "x"}, "member", "No member has this id."),
        ({"member": "", "reason": "x"}, "member", "This field is required."),
        ({"reason": " "}, "reason", "This field is required."),
        ({"case": 10**9, "reason": "x"}, "case", "No case has this number."),
        ({"case": "other", "reason": "x"}, "case", "This case is about another member."),
    ],
)
def test_placing_a_hold_with_bad_input_says_what_is_wrong(
    client, ts_admin, member, spam, data, field, message
):
    others = make_report(reporter=make_member(), subject=make_member(), category=spam).case
    data = {"member": member.public_id, **data}
    if data.get("case") == "other":
        data["case"] = others.pk
    client.force_login(ts_admin)

    response = client.post(PLACE, data)

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not LegalHold.objects.exists()


def test_lifting_holds_in_the_admin_asks_why_then_lifts_and_records(client, ts_admin, member):
    holds = [place_hold(member=member, actor=ts_admin, reason=f"Hold {n}") for n in range(2)]
    selected = [h.pk for h in holds]
    client.force_login(ts_admin)

    asked = client.post(
        CHANGELIST, {"action": "lift_holds", ACTION_CHECKBOX_NAME: selected, "index": 0}
    )
    assert asked.status_code == 200
    assert "Lift these 2 holds?" in asked.content.decode()
    blank = client.post(
        CHANGELIST,
        {"action": "lift_holds", ACTION_CHECKBOX_NAME: selected, "apply": "1", "reason": ""},
    )
    assert blank.status_code == 200
    assert "This field is required." in blank.content.decode()
    assert LegalHold.objects.filter(lifted_at__isnull=True).count() == 2

    done = client.post(
        CHANGELIST,
        {
            "action": "lift_holds",
            ACTION_CHECKBOX_NAME: selected,
            "apply": "1",
            "reason": "Investigation closed.",
        },
    )

    assert done.status_code == 302
    assert not LegalHold.objects.filter(lifted_at__isnull=True).exists()
    events = AuditEvent.objects.filter(action="legal_hold.lifted")
    assert {(e.actor, e.after["lift_reason"]) for e in events} == {
        (ts_admin, "Investigation closed.")
    }
    assert events.count() == 2


def test_only_trust_and_safety_admins_place_or_lift_holds_in_the_admin(client, member, spam):
    hold = place_hold(
        member=member,
        actor=make_moderator(role="Trust & Safety admin", username="keeper"),
        reason="Kept.",
    )
    team = make_team(spam)
    for person in (
        make_moderator(role="Senior moderator", team=team, username="admin-senior"),
        make_moderator(team=team, username="admin-front"),
    ):
        client.force_login(person)
        assert client.get(PLACE).status_code == 403
        lift = client.post(
            CHANGELIST,
            {"action": "lift_holds", ACTION_CHECKBOX_NAME: [hold.pk], "apply": "1", "reason": "x"},
        )
        assert lift.status_code == 403
    assert LegalHold.objects.get().is_active


def test_the_bundle_page_in_the_admin_never_hands_out_the_file(admin_client, member, spam):
    case = make_report(reporter=make_member(), subject=member, category=spam).case
    bundle = EvidenceBundle.objects.create(
        case=case,
        requested_by=make_moderator(username="asker"),
        requested_at=case.opened_at,
        file="bundles/2026/11/secret.zip",
        status="ready",
    )

    page = admin_client.get(reverse("admin:reports_evidencebundle_change", args=[bundle.pk]))

    assert page.status_code == 200
    assert "secret.zip" not in page.content.decode()
    assert reverse("moderation:case", args=[case.pk]) + "#referrals" in page.content.decode()
