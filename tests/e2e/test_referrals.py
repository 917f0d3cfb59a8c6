"""A senior refers a threat to the police from the case page; a T&S admin downloads the bundle."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from reports.evidence import clean_image
from reports.models import Category, LegalHold, Reason, Referral
from reports.services.intake import submit_report
from tests.conftest import image_bytes, make_content, make_member, make_moderator, make_team, upload
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_sign_in_and_admin import sign_in
from tests.reports.test_bundles import verified_bundle

# The worker reads the evidence this test stores; the referral permissions of accounts 0009.
from tests.reports.test_bundles_with_worker import _media_root  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_senior_refers_a_threat_and_an_admin_downloads_the_bundle(
    celery_worker, browser, page, live_server, screenshot
):
    hate = Category.objects.get(slug="hate-abuse")
    team = make_team(hate, name="Safety team")
    make_moderator(
        role="Senior moderator",
        team=team,
        username="sam",
        display_name="Senior Sam",
        password="a-long-senior-password",
    )
    make_moderator(
        role="Trust & Safety admin",
        username="tessa",
        display_name="Tessa T&S",
        password="a-long-admin-password",
    )
    member = make_member(display_name="Threatening Theo", country="DE")
    content = make_content(member, text="I know which school you go to. Tomorrow, after class.")
    content.media.save("snapshot.png", ContentFile(image_bytes()))
    case = submit_report(
        reporter=make_member(display_name="Lena"),
        subject=member,
        category=hate,
        reason=Reason.objects.get(category=hate, slug="threat"),
        content=content,
        description="He has been sending this to my daughter in the German room.",
        evidence=[clean_image(upload())],
    ).case

    sign_in(page, live_server, "sam", "a-long-senior-password")
    page.goto(f"{live_server.url}/moderation/cases/{case.pk}/#referrals")
    section = page.locator("#referrals")
    expect(section.get_by_role("heading", name="Referrals and holds")).to_be_visible()
    section.get_by_label("Countries concerned").fill("UK")
    section.get_by_label("Authority").fill("Polizei Berlin, Onlinewache")
    section.get_by_label("What was sent").fill(
        "The threat and its screenshot, the member's account details, sent via the Onlinewache."
    )
    section.get_by_role("button", name="Record the referral and hold the evidence").click()
    expect(
        page.locator("#referrals").get_by_text("“UK” is written GB in ISO 3166.")
    ).to_be_visible()
    # The refused form is where the page opens, not at the top of a long case page.
    assert page.url.endswith(f"/moderation/cases/{case.pk}/refer/#referrals")
    screenshot("referrals-senior-refused")
    assert not Referral.objects.exists()

    page.locator("#referrals").get_by_label("Countries concerned").fill("DE")
    page.locator("#referrals").get_by_role(
        "button", name="Record the referral and hold the evidence"
    ).click()
    expect(page.get_by_text("the member's evidence is on hold")).to_be_visible()
    section = page.locator("#referrals")
    expect(section.get_by_text("Polizei Berlin, Onlinewache", exact=True)).to_be_visible()
    expect(section.get_by_text("This member's evidence is on legal hold")).to_be_visible()
    section.scroll_into_view_if_needed()
    screenshot("referrals-senior")
    assert LegalHold.objects.get().referral == Referral.objects.get()
    page.get_by_role("link", name="Threatening Theo").click()
    expect(
        page.locator("#referrals").get_by_role("cell", name="Polizei Berlin, Onlinewache")
    ).to_be_visible()
    screenshot("referrals-member-record")

    admin = browser.new_page(viewport={"width": 1360, "height": 860})
    sign_in(admin, live_server, "tessa", "a-long-admin-password")
    admin.goto(f"{live_server.url}/moderation/cases/{case.pk}/#referrals")
    admin.locator("#referrals").get_by_role("button", name="Build a bundle").click()
    expect(admin.get_by_text("The bundle is being built")).to_be_visible()
    for _ in range(60):
        if admin.locator("#referrals").get_by_role("button", name="Download").count():
            break
        admin.wait_for_timeout(500)
        admin.reload()
    with admin.expect_download() as download:
        admin.locator("#referrals").get_by_role("button", name="Download").click()
    data = Path(download.value.path()).read_bytes()
    manifest, _, _ = verified_bundle(data)
    assert manifest["case"] == case.pk
    admin.locator("#referrals").scroll_into_view_if_needed()
    admin.screenshot(path=str(SCREENSHOTS / "referrals-admin.png"), full_page=True)
    admin.close()
