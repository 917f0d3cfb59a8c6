"""The queue's bulk bar in Chromium: at the top of the table and still there as the queue
scrolls, "N selected" as boxes are ticked, and a refused choice back on the queue as chosen."""

import pytest
from playwright.sync_api import expect

from reports.models import BulkDecision, Category
from reports.services.intake import submit_report
from tests.conftest import make_content, make_member, make_moderator, make_team
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-moderator-pass"


def test_the_bulk_bar_stays_on_top_counts_and_keeps_a_refused_choice(page, live_server, screenshot):
    spam = Category.objects.get(slug="spam-solicitation")
    make_moderator(team=make_team(spam), username="mo", password=PASSWORD)
    languages = ["en", "ja", "es", "zh", "ar"]
    for n in range(30):
        author = make_member(display_name=f"Seller {n}")
        content = make_content(
            author, text=f"Followers for sale, wave 23/11, #{n}", language=languages[n % 5]
        )
        submit_report(reporter=make_member(), subject=author, category=spam, content=content)

    sign_in(page, live_server, "mo", PASSWORD)
    page.goto(f"{live_server.url}/moderation/queues/{spam.slug}/")
    bar = page.locator("#bulk-bar")
    count = bar.locator("[data-bulk-count]")
    expect(count).to_have_text("0 selected")
    assert bar.evaluate("node => getComputedStyle(node).position") == "sticky"
    # The bar comes before the table.
    assert page.evaluate(
        "() => !!(document.querySelector('#bulk-bar').compareDocumentPosition("
        "document.querySelector('table.queue')) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )

    for _ in range(3):
        page.keyboard.press("j")
        page.keyboard.press("x")
    expect(count).to_have_text("3 selected")
    page.locator("tbody input[name=cases]").nth(5).check()
    expect(count).to_have_text("4 selected")

    # Scrolled to the bottom of the queue, the bar is still at the top of the window.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 300")
    top = bar.bounding_box()["y"]
    assert -1 <= top <= 2, top
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "moderation-queue-bulk-bar-scrolled.png"))
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("moderation-queue-bulk-bar")

    chosen = sorted(
        int(value)
        for value in page.locator("input[name=cases]:checked").evaluate_all(
            "boxes => boxes.map(box => box.value)"
        )
    )
    page.locator("select[name=action]").select_option("suspend")
    page.locator("input[name=facts]").fill("Follower-selling wave of 23 November.")
    page.get_by_role("button", name="Review…").click()

    # Back on the queue: the same boxes, the same choice, and why in the bar.
    errors = bar.locator("#bulk-errors")
    expect(errors).to_contain_text("Days: Say for how many days.")
    kept = sorted(
        int(value)
        for value in page.locator("input[name=cases]:checked").evaluate_all(
            "boxes => boxes.map(box => box.value)"
        )
    )
    assert kept == chosen
    expect(count).to_have_text("4 selected")
    expect(page.locator("select[name=action]")).to_have_value("suspend")
    expect(page.locator("input[name=facts]")).to_have_value("Follower-selling wave of 23 November.")
    screenshot("moderation-queue-bulk-error-kept")
    assert not BulkDecision.objects.exists()

    # Reloaded, the count says what is ticked, whatever the browser kept.
    page.reload()
    page.locator("#bulk-bar").wait_for()
    ticked = page.locator("input[name=cases]:checked").count()
    expect(count).to_have_text(f"{ticked} selected")

    # Corrected, it goes ahead to the confirmation page.
    for box in page.locator("input[name=cases]").all()[:2]:
        box.check()
    page.locator("select[name=action]").select_option("suspend")
    page.locator("input[name=days]").fill("3")
    page.get_by_role("button", name="Review…").click()
    page.get_by_role("button", name="Confirm: decide").wait_for()


def test_a_chinese_moderator_reads_languages_and_categories_in_chinese(
    page, live_server, screenshot
):
    spam = Category.objects.get(slug="spam-solicitation")
    li = make_moderator(team=make_team(spam), username="li", password=PASSWORD)
    author = make_member(display_name="Shop Sam", native_language="ja", learning_languages=["en"])
    content = make_content(author, text="フォロワーを安く売ります", language="ja")
    case = submit_report(
        reporter=make_member(),
        subject=author,
        category=spam,
        content=content,
        reason=spam.reasons.get(slug="advertising"),
    ).case

    sign_in(page, live_server, "li", PASSWORD)
    li.preferred_language = (
        "zh-hans"  # set after signing in, whose pages the helper reads in English
    )
    li.save(update_fields=["preferred_language"])
    page.goto(f"{live_server.url}/moderation/queues/{spam.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("垃圾信息、广告或招揽")
    row = page.locator("table.queue tbody tr").first
    expect(row.locator(".tag.lang")).to_have_text("日语")
    expect(row).to_contain_text("广告或推销")
    screenshot("moderation-queue-chinese")

    page.goto(f"{live_server.url}/moderation/cases/{case.pk}/")
    expect(page.locator(".case-main .tag.lang").first).to_have_text("日语")
    expect(page.locator(".member")).to_contain_text("日语")
    expect(page.locator(".member")).to_contain_text("英语")
    screenshot("moderation-case-chinese")
