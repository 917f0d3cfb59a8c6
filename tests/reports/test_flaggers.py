"""The trusted flaggers' registry (DSA Art. 22): T&S admins keep organisations and their members
in the admin, on the record; a member is a trusted flagger exactly while their organisation is
active; seniors mark a notice imprecise; the quality page counts each organisation's notices."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports.models import (
    AuditEvent,
    Category,
    FlaggerMembership,
    FlaggerOrganisation,
    FlaggerStatus,
    Report,
    ReportStatus,
)
from reports.selectors.flaggers import flagger_quality, flagger_quality_by_category
from reports.services.configuration import Edit
from reports.services.flaggers import (
    add_member,
    delete_organisation,
    mark_imprecise,
    remove_member,
    save_organisation,
    set_status,
    unmark_imprecise,
)
from tests.conftest import make_member, make_moderator, make_report, make_team

pytestmark = pytest.mark.django_db

ADD = reverse("admin:reports_flaggerorganisation_add")


def change_url(organisation) -> str:
    return reverse("admin:reports_flaggerorganisation_change", args=[organisation.pk])


def new_organisation(*expertise, actor, name="Hate Speech Hotline", countries=("DE",)):
    return save_organisation(
        edit=Edit(
            FlaggerOrganisation(
                name=name,
                contact_email="notices@hotline.example",
                designated_on=date(2025, 3, 1),
                designated_by="Bundesnetzagentur",
                countries=list(countries),
            )
        ),
        expertise=expertise,
        actor=actor,
    )


def actions(target) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            target_type=target._meta.model_name, target_id=str(target.pk)
        ).values_list("action", flat=True)
    )


def form_data(**changes) -> dict:
    data = {
        "name": "Hate Speech Hotline",
        "contact_email": "notices@hotline.example",
        "contact_details": "",
        "expertise": [Category.objects.get(slug="hate-abuse").pk],
        "countries": "de, at",
        "designated_on": "2025-03-01",
        "designated_by": "Bundesnetzagentur",
        "status": FlaggerStatus.ACTIVE,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-public_id": "",
    }
    data.update(changes)
    return data


# The registry -----------------------------------------------------------------------------------


def test_an_organisation_is_saved_with_its_expertise_on_the_record(ts_admin, hate):
    organisation = new_organisation(hate, actor=ts_admin)

    assert list(organisation.expertise.all()) == [hate]
    event = AuditEvent.objects.get(action="flaggerorganisation.created")
    assert event.actor == ts_admin
    assert event.after["expertise"] == [hate.name]
    assert event.after["countries"] == ["DE"]


def test_a_member_of_an_active_organisation_is_a_trusted_flagger_until_removed(ts_admin, hate):
    organisation = new_organisation(hate, actor=ts_admin)
    member = make_member()

    membership = add_member(organisation, member=member, actor=ts_admin)
    member.refresh_from_db()
    assert member.is_trusted_flagger
    assert actions(membership) == ["flaggermembership.created"]
    flipped = AuditEvent.objects.get(action="person.changed", target_id=str(member.pk))
    assert flipped.after == {"is_trusted_flagger": True}

    remove_member(membership, actor=ts_admin)
    member.refresh_from_db()
    assert not member.is_trusted_flagger
    assert not FlaggerMembership.objects.exists()
    assert "flaggermembership.deleted" in actions(membership)


def test_suspending_revoking_and_reactivating_an_organisation_follow_its_members(ts_admin, hate):
    organisation = new_organisation(hate, actor=ts_admin)
    members = [make_member(), make_member()]
    for member in members:
        add_member(organisation, member=member, actor=ts_admin)

    def flags():
        return [type(m).objects.get(pk=m.pk).is_trusted_flagger for m in members]

    set_status(organisation, status=FlaggerStatus.SUSPENDED, actor=ts_admin)
    assert flags() == [False, False]
    set_status(organisation, status=FlaggerStatus.ACTIVE, actor=ts_admin)
    assert flags() == [True, True]
    set_status(organisation, status=FlaggerStatus.REVOKED, actor=ts_admin)
    assert flags() == [False, False]
    changes = AuditEvent.objects.filter(action="flaggerorganisation.changed").order_by("pk")
    assert [e.after for e in changes] == [
        {"status": "suspended"},
        {"status": "active"},
        {"status": "revoked"},
    ]


def test_a_member_joining_a_suspended_organisation_is_not_trusted(ts_admin, hate):
    organisation = new_organisation(hate, actor=ts_admin)
    set_status(organisation, status=FlaggerStatus.SUSPENDED, actor=ts_admin)
    member = make_member(is_trusted_flagger=True)

    add_member(organisation, member=member, actor=ts_admin)

    member.refresh_from_db()
    assert not member.is_trusted_flagger


def test_a_member_reports_for_one_organisation_only(ts_admin, hate):
    first = new_organisation(hate, actor=ts_admin)
    second = new_organisation(hate, actor=ts_admin, name="Jugendschutz")
    member = make_member()
    add_member(first, member=member, actor=ts_admin)

    with pytest.raises(ValidationError, match="already reports for Hate Speech Hotline"):
        add_member(second, member=member, actor=ts_admin)
    assert FlaggerMembership.objects.get().organisation == first


def test_countries_must_be_iso_codes_and_expertise_a_reporting_category(ts_admin, hate):
    with pytest.raises(ValidationError) as refused:
        new_organisation(hate, actor=ts_admin, countries=["UK", "XX", "de"])
    assert refused.value.message_dict["countries"] == [
        "“UK” is written GB in ISO 3166.",
        "“XX” is not a two-letter ISO 3166 country code.",
    ]
    with pytest.raises(ValidationError, match="at least one country"):
        new_organisation(hate, actor=ts_admin, countries=[])
    misuse = Category.objects.get(slug="reporting-misuse")
    with pytest.raises(ValidationError, match="not a category members report under"):
        new_organisation(misuse, actor=ts_admin)
    assert not FlaggerOrganisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_organisation_that_sent_notices_is_revoked_not_deleted(ts_admin, hate, member):
    organisation = new_organisation(hate, actor=ts_admin)
    flagger = make_member()
    add_member(organisation, member=flagger, actor=ts_admin)
    make_report(reporter=flagger, subject=member, category=hate)

    with pytest.raises(ValidationError, match="revoke its designation instead"):
        delete_organisation(organisation, actor=ts_admin)

    quiet = new_organisation(hate, actor=ts_admin, name="Quiet")
    other = make_member()
    add_member(quiet, member=other, actor=ts_admin)
    quiet_id = quiet.pk
    delete_organisation(quiet, actor=ts_admin)
    other.refresh_from_db()
    assert not other.is_trusted_flagger
    deleted = AuditEvent.objects.get(action="flaggerorganisation.deleted")
    assert (deleted.target_id, deleted.before["name"]) == (str(quiet_id), "Quiet")


# The admin --------------------------------------------------------------------------------------


def test_a_ts_admin_adds_an_organisation_with_a_member_by_public_id(client, ts_admin, hate):
    flagger = make_member(public_id="HOT0001")
    client.force_login(ts_admin)

    response = client.post(ADD, form_data(**{"memberships-0-public_id": "HOT0001"}))

    assert response.status_code == 302, response.content.decode()[:3000]
    organisation = FlaggerOrganisation.objects.get()
    assert organisation.countries == ["DE", "AT"]
    assert list(organisation.expertise.all()) == [hate]
    flagger.refresh_from_db()
    assert flagger.is_trusted_flagger
    assert flagger.flagger_membership.organisation == organisation
    assert set(AuditEvent.objects.values_list("action", "actor")) >= {
        ("flaggerorganisation.created", ts_admin.pk),
        ("flaggermembership.created", ts_admin.pk),
    }


def test_the_admin_explains_bad_countries_unknown_members_and_a_second_organisation(
    client, ts_admin, hate
):
    other = new_organisation(hate, actor=ts_admin, name="Jugendschutz")
    taken = make_member(public_id="TAKEN01")
    add_member(other, member=taken, actor=ts_admin)
    client.force_login(ts_admin)

    page = client.post(ADD, form_data(countries="UK")).content.decode()
    assert "“UK” is written GB in ISO 3166." in page
    page = client.post(ADD, form_data(**{"memberships-0-public_id": "NOBODY"})).content.decode()
    assert "No member has this public id." in page
    page = client.post(ADD, form_data(**{"memberships-0-public_id": "TAKEN01"})).content.decode()
    assert "TAKEN01 already reports for Jugendschutz." in page
    misuse = Category.objects.get(slug="reporting-misuse")
    page = client.post(ADD, form_data(expertise=[misuse.pk])).content.decode()
    assert "Select a valid choice" in page
    assert FlaggerOrganisation.objects.count() == 1


def test_suspending_in_the_admin_and_removing_a_member_go_through_the_service(
    client, ts_admin, hate
):
    organisation = new_organisation(hate, actor=ts_admin)
    staying, leaving = make_member(), make_member()
    add_member(organisation, member=staying, actor=ts_admin)
    gone = add_member(organisation, member=leaving, actor=ts_admin)
    kept = staying.flagger_membership
    client.force_login(ts_admin)

    data = form_data(
        countries="DE",
        status=FlaggerStatus.SUSPENDED,
        **{
            "memberships-TOTAL_FORMS": "3",
            "memberships-INITIAL_FORMS": "2",
            "memberships-0-id": str(kept.pk),
            "memberships-0-organisation": str(organisation.pk),
            "memberships-1-id": str(gone.pk),
            "memberships-1-organisation": str(organisation.pk),
            "memberships-1-DELETE": "on",
            "memberships-2-public_id": "",
        },
    )
    response = client.post(change_url(organisation), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    staying.refresh_from_db()
    leaving.refresh_from_db()
    assert (staying.is_trusted_flagger, leaving.is_trusted_flagger) == (False, False)
    assert list(FlaggerMembership.objects.values_list("member", flat=True)) == [staying.pk]
    assert AuditEvent.objects.filter(action="flaggermembership.deleted").count() == 1


def test_only_ts_admins_open_the_registry(client, senior, spam_moderator, ts_admin, hate):
    organisation = new_organisation(hate, actor=ts_admin)
    for person in (spam_moderator, senior):
        client.force_login(person)
        assert client.get(change_url(organisation)).status_code == 403
        assert client.post(ADD, form_data()).status_code == 403
    client.force_login(ts_admin)
    page = client.get(change_url(organisation)).content.decode()
    assert "Hate Speech Hotline" in page
    assert 'value="DE"' in page


# Imprecise notices ------------------------------------------------------------------------------


@pytest.fixture
def notice(ts_admin, hate, spam, member):
    """A hotline's notice in its expertise (hate), on a case a senior of both categories sees."""
    organisation = new_organisation(hate, actor=ts_admin)
    flagger = make_member(display_name="Flagging Fritz")
    add_member(organisation, member=flagger, actor=ts_admin)
    return make_report(reporter=flagger, subject=member, category=hate)


@pytest.fixture
def hate_senior(hate):
    return make_moderator(role="Senior moderator", team=make_team(hate), username="hate-senior")


def test_a_senior_marks_a_notice_imprecise_and_takes_it_back(client, notice, hate_senior):
    client.force_login(hate_senior)
    case_page = reverse("moderation:case", args=[notice.case_id])
    page = client.get(case_page).content.decode()
    assert "Trusted flagger: Hate Speech Hotline" in page
    assert "in its expertise" in page
    url = reverse("moderation:imprecise", args=[notice.pk])

    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # twice is once
    notice.refresh_from_db()
    assert notice.imprecise_marked_by == hate_senior
    assert AuditEvent.objects.filter(action="report.marked_imprecise").count() == 1
    assert "Remove the 'imprecise' mark" in client.get(case_page).content.decode()

    client.post(url, {"undo": "1"})
    notice.refresh_from_db()
    assert notice.imprecise_at is None
    assert AuditEvent.objects.filter(action="report.imprecise_unmarked").count() == 1


def test_a_frontline_moderator_cannot_mark_a_notice(client, notice, hate):
    frontline = make_moderator(team=make_team(hate))
    client.force_login(frontline)
    assert (
        "Mark as imprecise"
        not in client.get(reverse("moderation:case", args=[notice.case_id])).content.decode()
    )

    assert client.post(reverse("moderation:imprecise", args=[notice.pk])).status_code == 404
    assert client.get(reverse("moderation:imprecise", args=[notice.pk])).status_code == 405
    notice.refresh_from_db()
    assert notice.imprecise_at is None


def test_an_ordinary_report_cannot_be_marked_imprecise(hate_senior, hate, member):
    report = make_report(reporter=make_member(), subject=member, category=hate)
    with pytest.raises(ValidationError, match="Only a trusted flagger's notice"):
        mark_imprecise(report_id=report.pk, moderator=hate_senior)
    unmark_imprecise(report_id=report.pk, moderator=hate_senior)  # nothing to take back
    assert not AuditEvent.objects.filter(target_type="report", action__contains="imprecise")


# The quality page -------------------------------------------------------------------------------


@pytest.fixture
def ten_notices(ts_admin, hate, spam):
    """10 notices from the hotline: 7 decided (5 upheld, 2 no violation) after 1, 2, 3, 4, 5, 6
    and 10 hours; 2 marked imprecise; 8 about hate (its expertise), 2 about spam."""
    organisation = new_organisation(hate, actor=ts_admin)
    flagger = make_member()
    add_member(organisation, member=flagger, actor=ts_admin)
    now = timezone.now()
    sent_at = now - timedelta(days=10)
    hours = [1, 2, 3, 4, 5, 6, 10, None, None, None]
    notices = []
    for n, waited in enumerate(hours):
        report = make_report(
            reporter=flagger, subject=make_member(), category=spam if n >= 8 else hate
        )
        status = ReportStatus.OPEN
        if waited is not None:
            status = ReportStatus.ACTIONED if n < 5 else ReportStatus.NO_VIOLATION
        Report.objects.filter(pk=report.pk).update(
            created_at=sent_at,
            status=status,
            resolved_at=sent_at + timedelta(hours=waited) if waited else None,
            imprecise_at=now if n in (5, 9) else None,
        )
        notices.append(report)
    return organisation


def test_the_quality_figures_are_exact(ten_notices, ts_admin, hate, spam):
    now = timezone.now()
    [row] = flagger_quality(start=now - timedelta(days=90), end=now)

    figures = row.figures
    assert (figures.sent, figures.decided, figures.upheld) == (10, 7, 5)
    assert round(figures.upheld_share * 100) == 71
    assert figures.median_to_decision == timedelta(hours=4)
    assert (figures.imprecise, figures.expert, figures.outside_expertise) == (2, 8, 2)

    total, rows = flagger_quality_by_category(ten_notices, start=now - timedelta(days=90), end=now)
    assert total == figures
    assert [(r.category, r.figures.sent, r.figures.decided) for r in rows] == [
        (hate, 8, 7),
        (spam, 2, 0),
    ]
    assert rows[1].figures.upheld_share is None
    # Outside the period, nothing.
    [row] = flagger_quality(start=now - timedelta(days=5), end=now)
    assert row.figures.sent == 0


def test_the_quality_page_shows_the_figures_to_ts_admins_only(
    client, ten_notices, ts_admin, senior, django_assert_max_num_queries
):
    client.force_login(ts_admin)
    with django_assert_max_num_queries(9):
        page = client.get(reverse("moderation:flaggers")).content.decode()
    assert "Hate Speech Hotline" in page
    assert "71%" in page
    assert "4 hours" in page
    detail = reverse("moderation:flagger", args=[ten_notices.pk])
    with django_assert_max_num_queries(11):
        page = client.get(detail).content.decode()
    assert "Hate &amp; abuse" in page or "Hate" in page
    assert "71%" in page

    for person in (senior, make_member()):
        client.force_login(person)
        assert client.get(reverse("moderation:flaggers")).status_code == 404
        assert client.get(detail).status_code == 404


def test_the_query_count_of_the_quality_page_does_not_grow_with_organisations(
    client, ts_admin, hate, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(ts_admin)
    new_organisation(hate, actor=ts_admin, name="One")
    with django_assert_max_num_queries(50) as one:
        client.get(reverse("moderation:flaggers"))
    for n in range(5):
        new_organisation(hate, actor=ts_admin, name=f"More {n}")
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("moderation:flaggers"))


def test_a_bad_period_is_explained_next_to_its_field(client, ts_admin):
    client.force_login(ts_admin)
    response = client.get(reverse("moderation:flaggers"), {"start": "2026-02-30", "end": "x"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    response = client.get(
        reverse("moderation:flaggers"), {"start": "2026-03-01", "end": "2026-02-01"}
    )
    assert response.status_code == 400
    assert "The period starts after it ends." in response.content.decode()
