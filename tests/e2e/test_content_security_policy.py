"""Every page works under the strict Content-Security-Policy: Chromium reports no violation while a
member, a moderator and an admin go through their pages, and the pages' scripts still work."""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from reports.effects.notifications import notify
from reports.evidence import clean_image
from reports.models import Category, Channel, NotificationTemplate
from tests.conftest import (
    image_bytes,
    make_content,
    make_member,
    make_moderator,
    make_report,
    make_team,
    upload,
)
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Runs in every page before its own scripts: hands each violation to the test.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolation({
    page: document.location.pathname + document.location.search,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});
"""

INJECT_INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injectedScriptRan = true;";
  document.body.append(script);
}"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation and every document's policy header recorded."""
    violations, documents = [], []
    page.expose_function("cspViolation", lambda violation: violations.append(violation))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            violations.append({"console": message.text})
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            documents.append((response.url, response.headers.get("content-security-policy")))
            if response.request.resource_type == "document"
            else None
        ),
    )
    page.violations = violations
    page.documents = documents
    return page


def visit(page, url: str):
    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    return response


def test_every_page_runs_under_the_policy_with_its_scripts_working(
    browser, watched, live_server, screenshot
):
    page = watched
    base = live_server.url
    spam = Category.objects.get(slug="spam-solicitation")
    lin = make_member(username="lin", password="a-long-member-password")
    make_moderator(
        team=make_team(spam, name="Spam team"), username="mo", password="a-long-moderator-pass"
    )
    make_moderator(role="Trust & Safety admin", username="tessa", password="a-long-admin-pass")
    spammer = make_member(display_name="Shop Sam")
    spammer.avatar.save("avatar.png", ContentFile(image_bytes()))
    message = make_content(spammer, text="Cheap followers, add me elsewhere")
    earlier = make_report(
        reporter=make_member(),
        subject=spammer,
        category=spam,
        content=message,
        description="He sends this to everyone.",
        evidence=[clean_image(upload())],
    )
    template = NotificationTemplate.objects.create(
        event="report_received",
        language="en",
        subject="We received your report {reference}",
        body="Thank you.\nWe will look at {reference} soon.",
    )

    # Anyone: the sign-in page. First, the watch itself: an injected inline script is refused
    # and reported.
    visit(page, f"{base}/accounts/login/")
    page.evaluate(INJECT_INLINE_SCRIPT)
    for _ in range(40):
        if any("directive" in each for each in page.violations):
            break
        page.wait_for_timeout(50)
    assert page.evaluate("() => window.injectedScriptRan") is None
    assert [each["directive"] for each in page.violations if "directive" in each] == [
        "script-src-elem"
    ]
    page.violations.clear()
    screenshot("csp-sign-in")

    # A member: the report form and its script, the receipt, my reports, the inbox.
    sign_in(page, live_server, "lin", "a-long-member-password")
    page.get_by_label("Language").select_option("zh-hans")  # submits by itself
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_label("语言").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    visit(page, f"{base}/report/?member={spammer.public_id}&content={message.pk}")
    expect(page.locator(".target img.avatar")).to_have_js_property("complete", True)
    assert page.locator(".target img.avatar").evaluate("img => img.naturalWidth") > 0
    page.get_by_text("Spam, advertising or solicitation", exact=True).click()
    reason = page.get_by_label("Pushing contact details or other apps")
    reason.check()
    # Choosing another category clears the reason: report-form.js at work.
    page.get_by_text("Harassment, bullying or stalking", exact=True).click()
    expect(reason).not_to_be_checked()
    page.get_by_text("Spam, advertising or solicitation", exact=True).click()
    reason.check()
    page.get_by_label("What happened?").fill("He writes to everyone in the Spanish room.")
    screenshot("csp-report-form")
    page.get_by_role("button", name="Send report").click()
    page.get_by_role("heading", name="Thank you, we received your report").wait_for()
    screenshot("csp-receipt")
    page.get_by_role("link", name="See my reports").click()
    page.get_by_role("heading", name="My reports").wait_for()
    screenshot("csp-my-reports")
    notify(
        recipient=lin,
        event="test",
        key="csp",
        subject="Your report was received",
        body="We will look at it soon.",
        channels=[Channel.IN_APP],
    )
    visit(page, f"{base}/notifications/")
    screenshot("csp-inbox")
    page.get_by_role("link", name="Your report was received").click()
    page.get_by_text("We will look at it soon.").wait_for()
    screenshot("csp-inbox-message")

    # The API's documentation, drawn by Swagger UI from the app's own files.
    visit(page, f"{base}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("hellomod API")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    operations.first.locator(".opblock-summary").click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    screenshot("csp-api-docs")

    # A moderator: home, queue, the case page and its keyboard.
    page.context.clear_cookies()
    sign_in(page, live_server, "mo", "a-long-moderator-pass")
    visit(page, f"{base}/moderation/")
    screenshot("csp-moderation-home")
    visit(page, f"{base}/moderation/queues/{spam.slug}/")
    screenshot("csp-moderation-queue")
    visit(page, f"{base}/moderation/cases/{earlier.case_id}/")
    thumb = page.locator(".evidence .thumb img")
    expect(thumb).to_have_js_property("complete", True)
    assert thumb.evaluate("img => img.naturalWidth") > 0
    assert "blur" in thumb.evaluate("img => getComputedStyle(img).filter")
    page.keyboard.press("?")
    expect(page.locator("#keys")).to_be_visible()
    screenshot("csp-moderation-keys")
    page.keyboard.press("Escape")
    expect(page.locator("#keys")).to_be_hidden()
    page.keyboard.press("5")  # suspend: the cursor moves to the number of days
    page.keyboard.type("7")
    expect(page.locator("#statement")).to_contain_text("suspended for 7 days")
    screenshot("csp-moderation-case")

    # An admin: the index, a list, the category page, a notification text and its preview.
    page.context.clear_cookies()
    sign_in(page, live_server, "tessa", "a-long-admin-pass")
    visit(page, f"{base}/admin/")
    screenshot("csp-admin-index")
    visit(page, f"{base}/admin/reports/category/")
    expect(page.locator("#result_list tbody tr")).to_have_count(10)  # nine, and misuse
    screenshot("csp-admin-categories")
    visit(page, f"{base}/admin/reports/category/{spam.pk}/change/")
    reasons = page.locator("#reasons-group .inline-related.dynamic-reasons")
    before = reasons.count()
    page.locator("#reasons-group summary").first.click()  # the Reasons section opens
    page.get_by_role("button", name="Add another Reason").click()  # the admin's inlines.js
    expect(reasons).to_have_count(before + 1)
    screenshot("csp-admin-category")
    visit(page, f"{base}/admin/reports/notificationtemplate/{template.pk}/change/")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview-body")
    expect(preview).to_contain_text("We will look at")
    # The panel's styles come from the app's stylesheet now.
    assert preview.evaluate("node => getComputedStyle(node).whiteSpace") == "pre-wrap"
    screenshot("csp-admin-text-preview")

    assert page.violations == []
    unprotected = [url for url, policy in page.documents if not policy]
    assert unprotected == []
    assert all("unsafe-inline" not in policy for _url, policy in page.documents)
