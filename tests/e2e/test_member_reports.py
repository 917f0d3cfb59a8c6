"""A member opens the report form from an app link, reports with a screenshot, and follows up."""

import pytest

from reports.models import Report
from tests.conftest import make_content, make_member
from tests.e2e.test_sign_in_and_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        (
            "en",
            {
                "category": "Spam, advertising or solicitation",
                "reason": "Pushing contact details or other apps",
                "details": "What happened?",
                "screenshots": "Screenshots",
                "block": "Also block this member",
                "send": "Send report",
                "received": "Thank you, we received your report",
                "mine": "See my reports",
                "status": "Being reviewed",
            },
        ),
        (
            "zh-hans",
            {
                "category": "垃圾信息、广告或招揽",
                "reason": "引导至站外联系方式",
                "details": "具体经过",
                "screenshots": "截图",
                "block": "同时屏蔽此用户",
                "send": "发送举报",
                "received": "谢谢，我们已收到你的举报",
                "mine": "查看我的举报",
                "status": "审核中",
            },
        ),
    ],
)
def test_member_reports_from_an_app_link_with_a_screenshot(
    page, live_server, screenshot, language, labels
):
    make_member(username="lin", password="a-long-member-password", preferred_language=language)
    spammer = make_member(display_name="Shop Sam")
    message = make_content(spammer, text="Add me on WhatsApp for cheap followers <b>now</b>!")

    sign_in(page, live_server, "lin", "a-long-member-password")
    # What a member of the app would send as a screenshot: a real capture of a screen.
    capture = page.screenshot()
    page.goto(f"{live_server.url}/report/?member={spammer.public_id}&content={message.pk}")

    page.get_by_text("Shop Sam").wait_for()
    # The snapshot's text is for moderators; the member sees what kind of content it is.
    assert page.locator(".target .tag").inner_text() == ("Message" if language == "en" else "消息")
    assert not page.get_by_text("cheap followers").count()
    page.get_by_text(labels["category"], exact=True).click()
    page.get_by_label(labels["reason"]).check()
    page.get_by_label(labels["details"]).fill("He writes to everyone in the Spanish room.")
    page.get_by_label(labels["screenshots"], exact=True).set_input_files(
        files=[{"name": "screen.png", "mimeType": "image/png", "buffer": capture}]
    )
    page.get_by_label(labels["block"]).check()
    screenshot(f"report-form-{language}")
    page.get_by_role("button", name=labels["send"]).click()

    page.get_by_role("heading", name=labels["received"]).wait_for()
    report = Report.objects.get()
    assert page.get_by_text(report.reference).is_visible()
    assert report.evidence.count() == 1
    assert report.also_blocked
    screenshot(f"report-receipt-{language}")

    page.get_by_role("link", name=labels["mine"]).click()
    row = page.locator("tr", has_text=report.reference)
    assert row.get_by_text(labels["status"]).is_visible()
    screenshot(f"my-reports-{language}")


def test_a_refused_screenshot_is_explained_next_to_the_field(page, live_server, screenshot):
    make_member(username="lin", password="a-long-member-password")
    target = make_member(display_name="Someone")

    sign_in(page, live_server, "lin", "a-long-member-password")
    page.goto(f"{live_server.url}/report/?member={target.public_id}")
    page.get_by_text("Harassment, bullying or stalking", exact=True).click()
    page.get_by_label("Screenshots", exact=True).set_input_files(
        files=[{"name": "evil.svg", "mimeType": "image/svg+xml", "buffer": b"<svg></svg>"}]
    )
    page.get_by_role("button", name="Send report").click()

    assert page.get_by_text(
        "evil.svg: This file is not a JPEG, PNG, WebP or GIF image."
    ).is_visible()
    assert page.get_by_label("Harassment, bullying or stalking").is_checked()
    assert not Report.objects.exists()
    screenshot("report-form-error")
