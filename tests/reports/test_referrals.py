"""Referrals to the authorities (DSA Art. 18) and legal holds: who refers, what is kept, who lifts.

A senior refers a threat case; the referral is on the record and on the case and member pages,
and it holds the member's evidence past retention until a T&S admin lifts the hold, saying why.
Frontline moderators see none of it and get 404 on every route of it.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from reports.evidence import clean_image
from reports.models import (
    AuditEvent,
    Case,
    CaseStatus,
    EvidenceBundle,
    LegalHold,
    OutboxMessage,
    Reason,
    Referral,
)
from reports.services.legal_holds import lift_hold, place_hold
from reports.services.referrals import record_reference, refer_case
from reports.services.sweeps import purge_old_evidence
from tests.conftest import image_bytes, make_content, make_member, make_moderator, make_team, upload

pytestmark = pytest.mark.django_db

REFERRAL = {
    "countries": "de, AT",
    "authority": "Polizei Berlin, Onlinewache",
    "sent": "The threat, its screenshots, the member's account details and last sign-in.",
    "reference": "",
}


@pytest.fixture
def hate_team(hate):
    return make_team(hate, name="Safety team")


@pytest.fixture
def hate_senior(hate_team):
    return make_moderator(role="Senior moderator", team=hate_team, username="safety-senior")


@pytest.fixture
def hate_moderator(hate_team):
    return make_moderator(team=hate_team, username="safety-front")


def threat_case(hate, subject, *, text="I know where you live. Tomorrow you are dead."):
    """A threat of violence with a screenshot; left at the frontline (no triage has run)."""
    threat = Reason.objects.get(category=hate, slug="threat")
    content = make_content(subject, text=text)
    content.media.save("snapshot.png", ContentFile(image_bytes()))
    report = make_report_with_evidence(hate, subject, content=content, reason=threat)
    return report.case


def make_report_with_evidence(category, subject, **fields):
    from reports.services.intake import submit_report

    return submit_report(
        reporter=make_member(),
        subject=subject,
        category=category,
        evidence=[clean_image(upload())],
        **fields,
    )


def close(case, *, days_ago):
    resolved = timezone.now() - timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DISMISSED, resolved_at=resolved)


# --- Referring --------------------------------------------------------------------------------


def test_a_senior_refers_a_threat_and_it_is_audited_held_and_shown(
    client, hate, member, hate_senior
):
    case = threat_case(hate, member)
    client.force_login(hate_senior)

    response = client.post(reverse("moderation:refer", args=[case.pk]), REFERRAL, follow=True)

    assert response.status_code == 200
    referral = Referral.objects.get()
    assert (referral.case, referral.member, referral.sent_by) == (case, member, hate_senior)
    assert referral.countries == ["DE", "AT"]
    assert referral.authority == "Polizei Berlin, Onlinewache"
    assert referral.sent_at <= timezone.now()
    event = AuditEvent.objects.get(action="case.referred")
    assert (event.actor, event.case_id, event.target_id) == (hate_senior, case.pk, str(referral.pk))
    assert event.after["countries"] == ["DE", "AT"]
    assert "account details" not in str(event.after)  # what was sent stays off the trail
    hold = LegalHold.objects.get()
    assert (hold.member, hold.case, hold.referral, hold.placed_by) == (
        member,
        case,
        referral,
        hate_senior,
    )
    assert hold.is_active
    placed = AuditEvent.objects.get(action="legal_hold.placed")
    assert (placed.actor, placed.case_id) == (hate_senior, case.pk)

    page = response.content.decode()
    assert "Referrals and holds" in page
    assert "Polizei Berlin, Onlinewache" in page
    assert "DE, AT" in page
    assert "evidence is on legal hold" in page
    member_page = client.get(reverse("moderation:member", args=[member.public_id])).content
    assert "Polizei Berlin, Onlinewache" in member_page.decode()
    assert "evidence is on legal hold" in member_page.decode()


def test_the_referral_form_is_open_on_a_threat_until_referred_and_folded_elsewhere(
    client, hate, spam, member, hate_senior, senior
):
    threat = threat_case(hate, member)
    client.force_login(hate_senior)
    page = client.get(reverse("moderation:case", args=[threat.pk])).content.decode()
    assert '<details class="refer" open>' in page
    refer_case(case=threat, actor=hate_senior, countries=["DE"], authority="Polizei", sent="It.")
    page = client.get(reverse("moderation:case", args=[threat.pk])).content.decode()
    assert '<details class="refer">' in page  # referred: folded, as another would be rare
    assert "Refer it again (another authority or country)" in page

    spam_case = make_report_with_evidence(spam, make_member()).case
    client.force_login(senior)
    page = client.get(reverse("moderation:case", args=[spam_case.pk])).content.decode()
    assert '<details class="refer">' in page  # still one click away: Art. 18 is about the facts


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("countries", " , ", "This field is required."),
        ("countries", "DE, XX", "“XX” is not a two-letter ISO 3166 country code."),
        ("countries", "UK", "“UK” is written GB in ISO 3166."),
        ("authority", "   ", "This field is required."),
        ("sent", "", "This field is required."),
        ("sent_at", "2999-01-01T10:00", "A referral cannot have been sent in the future."),
        ("sent_at", "yesterday", "Enter a valid date/time."),
        ("authority", "x" * 201, "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_referral_input_gets_a_field_error_and_writes_nothing(
    client, hate, member, hate_senior, field, value, message
):
    case = threat_case(hate, member)
    client.force_login(hate_senior)

    response = client.post(reverse("moderation:refer", args=[case.pk]), {**REFERRAL, field: value})

    assert response.status_code == 400
    form = response.context["referral_section"].refer_form
    assert any(message in error for error in form.errors[field]), form.errors
    assert escape(message) in response.content.decode()
    assert not Referral.objects.exists()
    assert not LegalHold.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["case.referred", "legal_hold.placed"])


def test_the_service_reports_every_bad_field_at_once(hate, member, hate_senior):
    case = threat_case(hate, member)

    with pytest.raises(ValidationError) as refused:
        refer_case(case=case, actor=hate_senior, countries=[], authority="", sent=" ")

    assert set(refused.value.message_dict) == {"countries", "authority", "sent"}
    assert not Referral.objects.exists()


def test_the_reference_received_later_is_recorded_and_audited(client, hate, member, hate_senior):
    case = threat_case(hate, member)
    referral = refer_case(
        case=case, actor=hate_senior, countries=["FR"], authority="PHAROS", sent="The threat."
    )
    client.force_login(hate_senior)
    url = reverse("moderation:referral-reference", args=[referral.pk])

    empty = client.post(url, {"reference": "  "})
    saved = client.post(url, {"reference": "PHAROS-2026-11-0042"})

    assert empty.status_code == 400
    assert saved.status_code == 302
    referral.refresh_from_db()
    assert referral.reference == "PHAROS-2026-11-0042"
    event = AuditEvent.objects.filter(action="case.referred").latest("id")
    assert (event.before, event.after) == ({"reference": ""}, {"reference": "PHAROS-2026-11-0042"})
    record_reference(referral_id=referral.pk, actor=hate_senior, reference="PHAROS-2026-11-0042")
    assert AuditEvent.objects.filter(action="case.referred").count() == 2  # nothing changed


# --- Who may ----------------------------------------------------------------------------------


def test_frontline_moderators_get_404_on_referrals_holds_and_bundles(
    client, hate, member, hate_moderator, hate_senior, ts_admin
):
    case = threat_case(hate, member)
    referral = refer_case(
        case=case, actor=hate_senior, countries=["DE"], authority="Polizei", sent="The threat."
    )
    hold = LegalHold.objects.get()
    bundle = EvidenceBundle.objects.create(
        case=case, requested_by=ts_admin, requested_at=referral.sent_at
    )
    client.force_login(hate_moderator)

    page = client.get(reverse("moderation:case", args=[case.pk]))
    assert page.status_code == 200  # the case itself is theirs to work
    assert "Referrals and holds" not in page.content.decode()
    assert "Polizei" not in page.content.decode()
    member_page = client.get(reverse("moderation:member", args=[member.public_id]))
    assert "Referrals and holds" not in member_page.content.decode()
    for url in (
        reverse("moderation:refer", args=[case.pk]),
        reverse("moderation:referral-reference", args=[referral.pk]),
        reverse("moderation:hold", args=[case.pk]),
        reverse("moderation:lift-hold", args=[case.pk, hold.pk]),
        reverse("moderation:bundle", args=[case.pk]),
        reverse("moderation:bundle-download", args=[bundle.pk]),
    ):
        response = client.post(url, {**REFERRAL, "reason": "Because."})
        assert response.status_code == 404, url
    assert Referral.objects.count() == 1
    assert LegalHold.objects.get().is_active
    assert EvidenceBundle.objects.count() == 1
    with pytest.raises(PermissionDenied):
        refer_case(case=case, actor=hate_moderator, countries=["DE"], authority="x", sent="x")


def test_a_senior_of_another_team_cannot_refer_or_see_the_referral(
    client, hate, member, hate_senior, senior
):
    case = threat_case(hate, member)
    referral = refer_case(
        case=case, actor=hate_senior, countries=["DE"], authority="Polizei", sent="The threat."
    )
    client.force_login(senior)  # a senior of the spam team

    assert client.post(reverse("moderation:refer", args=[case.pk]), REFERRAL).status_code == 404
    url = reverse("moderation:referral-reference", args=[referral.pk])
    assert client.post(url, {"reference": "X"}).status_code == 404


def test_seniors_refer_but_only_trust_and_safety_admins_hold_lift_and_bundle(
    client, hate, member, hate_senior
):
    case = threat_case(hate, member)
    refer_case(case=case, actor=hate_senior, countries=["DE"], authority="Polizei", sent="It.")
    hold = LegalHold.objects.get()
    client.force_login(hate_senior)

    page = client.get(reverse("moderation:case", args=[case.pk])).content.decode()
    assert "Refer it again (another authority or country)" in page
    assert "Lift the hold" not in page
    assert "Evidence bundles" not in page
    for url in (
        reverse("moderation:hold", args=[case.pk]),
        reverse("moderation:lift-hold", args=[case.pk, hold.pk]),
        reverse("moderation:bundle", args=[case.pk]),
    ):
        assert client.post(url, {"reason": "Done."}).status_code == 404, url
    with pytest.raises(PermissionDenied):
        lift_hold(hold_id=hold.pk, actor=hate_senior, reason="Done.")
    with pytest.raises(PermissionDenied):
        place_hold(member=member, actor=hate_senior, reason="By hand.")
    assert LegalHold.objects.get().is_active


# --- Retention --------------------------------------------------------------------------------


def test_a_referral_holds_evidence_past_retention_while_unheld_evidence_is_purged(
    hate, member, hate_senior, settings, django_capture_on_commit_callbacks
):
    held_case = threat_case(hate, member)
    other = make_report_with_evidence(hate, make_member()).case
    refer_case(case=held_case, actor=hate_senior, countries=["DE"], authority="Polizei", sent="It.")
    retention_days = settings.EVIDENCE_RETENTION.days
    close(held_case, days_ago=retention_days + 1)
    close(other, days_ago=retention_days + 1)
    held = held_case.reports.get().evidence.get()
    unheld = other.reports.get().evidence.get()
    snapshot = held_case.content.media.name

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_old_evidence() == 1

    held.refresh_from_db()
    unheld.refresh_from_db()
    assert held.purged_at is None and default_storage.exists(held.image.name)
    assert unheld.purged_at is not None and not unheld.image
    assert default_storage.exists(snapshot)  # the content snapshot stays too
    purged = AuditEvent.objects.get(action="evidence.purged")
    assert purged.target_id == str(unheld.pk)


def test_a_hold_covers_evidence_reported_after_it_was_placed(
    hate, member, ts_admin, settings, django_capture_on_commit_callbacks
):
    place_hold(member=member, actor=ts_admin, reason="Police asked us to preserve everything.")
    later = make_report_with_evidence(hate, member).case
    close(later, days_ago=settings.EVIDENCE_RETENTION.days + 1)

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_old_evidence() == 0

    assert later.reports.get().evidence.get().purged_at is None


def test_lifting_needs_a_reason_is_audited_and_lets_retention_run(
    client, hate, member, hate_senior, ts_admin, settings, django_capture_on_commit_callbacks
):
    case = threat_case(hate, member)
    refer_case(case=case, actor=hate_senior, countries=["DE"], authority="Polizei", sent="It.")
    close(case, days_ago=settings.EVIDENCE_RETENTION.days + 1)
    hold = LegalHold.objects.get()
    client.force_login(ts_admin)
    url = reverse("moderation:lift-hold", args=[case.pk, hold.pk])

    refused = client.post(url, {"reason": "   "})

    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    assert LegalHold.objects.get().is_active
    with pytest.raises(ValidationError) as blank:
        lift_hold(hold_id=hold.pk, actor=ts_admin, reason=" ")
    assert "reason" in blank.value.message_dict

    lifted = client.post(url, {"reason": "The prosecutor closed the investigation."})

    assert lifted.status_code == 302
    hold.refresh_from_db()
    assert not hold.is_active
    assert (hold.lifted_by, hold.lift_reason) == (
        ts_admin,
        "The prosecutor closed the investigation.",
    )
    event = AuditEvent.objects.get(action="legal_hold.lifted")
    assert (event.actor, event.case_id) == (ts_admin, case.pk)
    assert event.after["lift_reason"] == "The prosecutor closed the investigation."
    with pytest.raises(ValidationError):
        lift_hold(hold_id=hold.pk, actor=ts_admin, reason="Twice.")
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_old_evidence() == 1


def test_a_trust_and_safety_admin_places_a_hold_by_hand_on_the_case_page(
    client, hate, member, ts_admin
):
    case = threat_case(hate, member)
    client.force_login(ts_admin)
    url = reverse("moderation:hold", args=[case.pk])

    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Court order 12 O 345/26."}, follow=True)

    hold = LegalHold.objects.get()
    assert (hold.member, hold.case, hold.referral, hold.placed_by) == (member, case, None, ts_admin)
    assert "Court order 12 O 345/26." in response.content.decode()
    assert AuditEvent.objects.get(action="legal_hold.placed").after["reason"] == (
        "Court order 12 O 345/26."
    )


# --- Bundles, short of the worker (test_bundles_with_worker builds one) -----------------------


def test_a_trust_and_safety_admin_asks_for_a_bundle_once_at_a_time(client, hate, member, ts_admin):
    case = threat_case(hate, member)
    client.force_login(ts_admin)
    url = reverse("moderation:bundle", args=[case.pk])

    client.post(url)
    again = client.post(url, follow=True)

    bundle = EvidenceBundle.objects.get()
    assert (bundle.case, bundle.requested_by, bundle.status) == (case, ts_admin, "pending")
    assert "A bundle of this case is being built" in again.content.decode()
    assert OutboxMessage.objects.filter(topic="evidence_bundle.build").count() == 1
    assert AuditEvent.objects.filter(action="evidence_bundle.requested").count() == 1
    download = client.post(reverse("moderation:bundle-download", args=[bundle.pk]), follow=True)
    assert "This bundle is not ready to download." in download.content.decode()
    assert not AuditEvent.objects.filter(action="evidence_bundle.downloaded").exists()


def test_the_case_page_reads_referrals_holds_and_bundles_in_a_fixed_number_of_queries(
    client, hate, member, hate_senior, ts_admin
):
    case = threat_case(hate, member)
    refer_case(case=case, actor=hate_senior, countries=["DE"], authority="First", sent="It.")
    client.force_login(ts_admin)
    url = reverse("moderation:case", args=[case.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for n in range(4):
        refer_case(case=case, actor=hate_senior, countries=["DE"], authority=f"A{n}", sent="It.")
        EvidenceBundle.objects.create(case=case, requested_by=ts_admin, requested_at=timezone.now())
    other = threat_case(hate, member, text="Another threat.")
    refer_case(case=other, actor=hate_senior, countries=["FR"], authority="PHAROS", sent="It.")

    assert count() == before


def test_a_referral_leaves_a_colleagues_open_decision_form_good(hate, hate_senior, hate_moderator):
    """Referring and holding change nothing a decision rests on: the open page stays current."""
    from reports.selectors.decisions import case_version
    from reports.services.decisions.decide import decide

    case = threat_case(hate, make_member())
    version = case_version(case)
    refer_case(case=case, actor=hate_senior, countries=["DE"], authority="Polizei", sent="It.")
    assert case_version(case) == version

    decision = decide(
        case_id=case.pk,
        moderator=hate_moderator,
        action="suspend",
        duration=timedelta(days=7),
        facts="Threatened to kill another member.",
        expected_version=version,
    )
    assert decision.case_id == case.pk
