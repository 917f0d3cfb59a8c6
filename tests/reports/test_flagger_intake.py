"""Intake knows trusted flaggers: a notice names its organisation, and says whether it is in one of
the organisation's areas of expertise; an organisation suspended for misuse sends nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports.models import Category, FlaggerMembership, FlaggerOrganisation, Report
from tests.conftest import make_member, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline(spam, hate):
    """An organisation designated for hate speech, with one member who reports for it."""
    organisation = FlaggerOrganisation.objects.create(
        name="Hate Speech Hotline",
        contact_email="notices@hotline.example",
        designated_on=date(2025, 3, 1),
        designated_by="Bundesnetzagentur",
        countries=["DE"],
    )
    organisation.expertise.set([hate])
    member = make_member(is_trusted_flagger=True)
    FlaggerMembership.objects.create(organisation=organisation, member=member)
    return organisation, member


def test_a_flaggers_notice_names_its_organisation_and_its_expertise(hotline, spam, hate, member):
    organisation, flagger = hotline
    expert = make_report(reporter=flagger, subject=member, category=hate)
    ordinary = make_report(reporter=flagger, subject=make_member(), category=spam)
    expert.refresh_from_db()
    ordinary.refresh_from_db()
    assert (expert.flagger_organisation, expert.expert_notice) == (organisation, True)
    assert (ordinary.flagger_organisation, ordinary.expert_notice) == (organisation, False)
    plain = make_report(reporter=make_member(), subject=member, category=hate)
    assert (plain.flagger_organisation, plain.expert_notice) == (None, False)


def test_an_organisation_suspended_for_misuse_sends_nothing(hotline, hate, member):
    organisation, flagger = hotline
    organisation.reporting_suspended_until = timezone.now() + timedelta(days=14)
    organisation.save()
    with pytest.raises(ValidationError, match="Hate Speech Hotline's notices are paused"):
        make_report(reporter=flagger, subject=member, category=hate)
    assert not Report.objects.exists()


def test_members_never_report_under_the_misuse_category(client, reporter, member):
    misuse = Category.objects.get(slug="reporting-misuse")
    with pytest.raises(ValidationError, match="no longer takes reports"):
        make_report(reporter=reporter, subject=member, category=misuse)
    client.force_login(reporter)
    assert misuse.name not in client.get("/report/").content.decode()
