"""An admin adds a stricter reason to spam; a member's report under it reaches the queue on time."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import AuditEvent, Case, Category, EscalationTier, Reason, StatementTemplate
from tests.conftest import make_member, make_moderator, make_team
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_new_reason_with_a_stricter_sla_sets_the_due_time_in_the_queue(
    page, live_server, screenshot
):
    spam = Category.objects.get(slug="spam-solicitation")
    spam_team = make_team(spam, name="Spam team")
    # As shipped, no tier has a team, and the admin refuses to save a category until each has.
    EscalationTier.objects.filter(category=spam).update(team=spam_team)
    make_moderator(
        role="Trust & Safety admin",
        username="tessa",
        display_name="Tessa from T&S",
        password="a-long-admin-pass",
    )
    make_member(username="lin", password="a-long-member-password")
    make_moderator(
        team=spam_team, username="mo", display_name="Moderator Mo", password="a-long-moderator-pass"
    )
    scammer = make_member(display_name="Crypto Carl")

    # The admin adds "Crypto investment scams" under spam, due within the hour.
    sign_in(page, live_server, "tessa", "a-long-admin-pass")
    page.locator(".home-staff").get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Categories").first.click()
    page.get_by_role("link", name=spam.name).click()
    page.locator("#reasons-group summary").first.click()  # the Reasons section opens
    page.get_by_role("button", name="Add another Reason").click()
    row = page.locator("#reasons-group .inline-related.dynamic-reasons").last
    row.locator("input[name$='-position']").fill("9")
    row.locator("input[name$='-slug']").fill("crypto-scam")
    row.locator("input[name$='-name']").fill("Crypto investment scams")
    row.locator("input[name$='-sla_hours']").fill("1")
    row.locator("textarea[name$='-description']").fill("Promises of profit from crypto coins.")
    screenshot("admin-category-new-reason")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    crypto = Reason.objects.get(category=spam, slug="crypto-scam")
    assert (crypto.name, crypto.sla, crypto.is_active) == (
        "Crypto investment scams",
        timedelta(hours=1),
        True,
    )
    created = AuditEvent.objects.get(action="reason.created", category=spam)
    assert created.actor.username == "tessa"
    assert created.after["name"] == "Crypto investment scams"
    page.get_by_role("link", name=spam.name).first.click()
    page.get_by_role("link", name="Every change, with before and after").click()
    history = page.locator("table.policy-history tbody tr", has_text="Reason created")
    expect(history).to_contain_text("name: Crypto investment scams")
    expect(history).to_contain_text("Tessa from T&S")
    screenshot("admin-policy-history-new-reason")

    # A member reports Carl under the new reason.
    page.context.clear_cookies()
    sign_in(page, live_server, "lin", "a-long-member-password")
    page.goto(f"{live_server.url}/report/?member={scammer.public_id}")
    page.get_by_text(spam.name, exact=True).click()
    page.get_by_label("Crypto investment scams").check()
    page.get_by_label("What happened?").fill("He promises to double any bitcoin I send him.")
    screenshot("report-form-new-reason")
    page.get_by_role("button", name="Send report").click()
    page.get_by_role("heading", name="Thank you, we received your report").wait_for()

    case = Case.objects.get(subject=scammer)
    assert (case.category, case.reason) == (spam, crypto)
    assert case.due_at == case.opened_at + timedelta(hours=1)
    assert abs(case.due_at - (timezone.now() + timedelta(hours=1))) < timedelta(minutes=2)

    # A moderator of the spam team finds it in the spam queue, due within the hour.
    page.context.clear_cookies()
    sign_in(page, live_server, "mo", "a-long-moderator-pass")
    page.goto(f"{live_server.url}/moderation/queues/{spam.slug}/")
    row = page.locator("table.queue tbody tr", has_text="Crypto Carl")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(2)).to_have_text(re.compile(r"^in (59 min|1 h 00)$"))
    expect(row).to_contain_text("Crypto investment scams")
    screenshot("queue-new-reason-due-in-an-hour")


def test_saving_the_category_page_unchanged_records_no_change(page, live_server):
    spam = Category.objects.get(slug="spam-solicitation")
    EscalationTier.objects.filter(category=spam).update(team=make_team(spam))
    make_moderator(role="Trust & Safety admin", username="tessa", password="a-long-admin-pass")

    sign_in(page, live_server, "tessa", "a-long-admin-pass")
    page.goto(f"{live_server.url}/admin/reports/category/{spam.pk}/change/")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    changes = AuditEvent.objects.filter(category=spam).values_list("action", flat=True)
    assert list(changes) == []
    assert not StatementTemplate.objects.filter(body__contains="\r\n").exists()
