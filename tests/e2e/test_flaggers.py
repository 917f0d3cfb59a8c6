"""A T&S admin registers a trusted flagger with its member in the admin; the member's notice in its
expertise is marked on the queue page; the admin reads the organisation's quality figures."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import Category, FlaggerOrganisation, Report, ReportStatus
from reports.services.triage import triage_case
from tests.conftest import make_member, make_moderator, make_report
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_admin_registers_a_hotline_and_reads_its_quality(page, live_server, screenshot):
    make_moderator(
        role="Trust & Safety admin",
        username="tessa",
        display_name="Tessa from T&S",
        password="a-long-admin-pass",
    )
    fritz = make_member(public_id="FRITZ001", display_name="Flagging Fritz")
    hate = Category.objects.get(slug="hate-abuse")

    sign_in(page, live_server, "tessa", "a-long-admin-pass")
    page.goto(f"{live_server.url}/admin/reports/flaggerorganisation/add/")
    page.get_by_label("Name:").fill("Hate Speech Hotline")
    page.get_by_label("Contact e-mail:").fill("notices@hotline.example")
    page.get_by_label("Designated by:").fill("Bundesnetzagentur")
    page.get_by_label("Designated on:").fill("2025-03-01")
    page.get_by_label("Countries:").fill("de, at")
    page.locator("#id_expertise_from").select_option(label=hate.name)
    page.locator("#id_expertise_add").click()
    page.locator("#id_memberships-0-public_id").fill("FRITZ001")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    screenshot("flaggers-admin-registry")

    organisation = FlaggerOrganisation.objects.get()
    assert organisation.countries == ["DE", "AT"]
    fritz.refresh_from_db()
    assert fritz.is_trusted_flagger

    # Notices: 4 in its expertise, 3 of them decided (2 upheld) after 2, 4 and 9 hours.
    sent = timezone.now() - timedelta(days=3)
    for n, (status, hours) in enumerate(
        [
            (ReportStatus.ACTIONED, 2),
            (ReportStatus.ACTIONED, 4),
            (ReportStatus.NO_VIOLATION, 9),
            (ReportStatus.OPEN, None),
        ]
    ):
        report = make_report(reporter=fritz, subject=make_member(), category=hate)
        with transaction.atomic():
            triage_case(case_id=report.case_id)
        Report.objects.filter(pk=report.pk).update(
            created_at=sent,
            status=status,
            resolved_at=sent + timedelta(hours=hours) if hours else None,
            imprecise_at=timezone.now() if n == 2 else None,
        )

    page.goto(f"{live_server.url}/moderation/flaggers/")
    row = page.get_by_role("row", name="Hate Speech Hotline")
    expect(row).to_contain_text("67%")
    expect(row).to_contain_text("4 hours")
    screenshot("flaggers-quality")
    row.get_by_role("link", name="Hate Speech Hotline").click()
    expect(page.get_by_role("heading", name="Hate Speech Hotline")).to_be_visible()
    expect(page.get_by_role("row", name=hate.name)).to_contain_text("67%")
    screenshot("flaggers-quality-detail")

    page.goto(f"{live_server.url}/moderation/queues/{hate.slug}/")
    expect(page.get_by_text("Trusted flagger · expert").first).to_be_visible()
    screenshot("flaggers-queue-badge")
