"""A member reports through the web form at /report/."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from reports.models import Case, Category, Evidence, OutboxMessage, Reason, Report, ReportSource
from reports.services.intake import submit_report
from tests.conftest import image_bytes, make_content, make_member, upload

pytestmark = pytest.mark.django_db

FORM_URL = "/report/"


def nothing_written(media_root) -> bool:
    files = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
    return (
        not Report.objects.exists()
        and not Case.objects.exists()
        and not Evidence.objects.exists()
        and not OutboxMessage.objects.exists()
        and files == []
    )


@pytest.fixture
def signed_in(client, reporter):
    client.force_login(reporter)
    return client


def post(client, **fields):
    return client.post(FORM_URL, fields)


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(FORM_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_app_link_shows_who_and_what_is_reported(signed_in, member):
    content = make_content(member, text="Buy followers <img src=x onerror=alert(1)> cheap")

    response = signed_in.get(FORM_URL, {"member": member.public_id, "content": content.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Reported Rita" in page
    assert member.public_id in page
    assert "Message" in page
    # The snapshot's text stays with moderators: content ids in links are easy to guess.
    assert "Buy followers" not in page
    assert "<img src=x" not in page
    for category in Category.objects.filter(purpose="reports"):
        assert category.name in page
        assert category.description[:40] in page


def test_a_member_reports_with_a_screenshot_and_gets_a_receipt(signed_in, reporter, member, spam):
    content = make_content(member)
    reason = Reason.objects.get(category=spam, slug="off-platform")

    response = signed_in.post(
        FORM_URL,
        {
            "member": member.public_id,
            "content": content.pk,
            "category": spam.pk,
            "reason": reason.pk,
            "description": "Keeps sending his WhatsApp number.",
            "evidence": [upload("chat.png")],
            "also_block": "on",
        },
    )

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:receipt", args=[report.reference])
    assert (report.reporter, report.subject, report.content) == (reporter, member, content)
    assert (report.category, report.reason, report.source) == (spam, reason, ReportSource.WEB)
    assert report.also_blocked
    evidence = report.evidence.get()
    assert (evidence.width, evidence.height) == (640, 400)
    assert "chat" not in evidence.image.name
    topics = set(OutboxMessage.objects.values_list("topic", flat=True))
    assert topics == {"triage_case", "notify_report_received"}

    receipt = signed_in.get(response["Location"]).content.decode()
    assert report.reference in receipt
    assert "What happens next" in receipt

    mine = signed_in.get(reverse("reports:mine")).content.decode()
    assert report.reference in mine
    assert "Being reviewed" in mine


def test_my_reports_never_shows_other_reporters_or_moderators(signed_in, reporter, member, spam):
    signed_in.post(FORM_URL, {"member": member.public_id, "category": spam.pk})
    other = make_member(display_name="Other Reporter Olga")
    theirs = submit_report(reporter=other, subject=member, category=spam)

    mine = signed_in.get(reverse("reports:mine")).content.decode()
    assert Report.objects.get(reporter=reporter).reference in mine
    assert theirs.reference not in mine
    assert "Other Reporter Olga" not in mine


def test_a_receipt_belongs_to_its_reporter_alone(client, reporter, member, spam):
    report = submit_report(reporter=reporter, subject=member, category=spam)
    client.force_login(make_member())

    assert client.get(reverse("reports:receipt", args=[report.reference])).status_code == 404


def test_html_in_details_is_shown_escaped(signed_in, member, spam):
    response = signed_in.post(
        FORM_URL,
        {
            "member": member.public_id,
            "category": spam.pk,
            "description": "<script>alert(1)</script>",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("self", "You cannot report yourself."),
        ("unknown_member", "No member has this id."),
        ("inactive_category", "This category no longer takes reports."),
        ("missing_details", "Please describe what happened for this category."),
        ("details_too_long", "Ensure this value has at most 4000 characters"),
        ("six_files", "Attach at most 5 screenshots."),
        ("twenty_megabytes", "larger than"),
        ("decompression_bomb", "megapixels"),
        ("text_named_jpg", "not a JPEG, PNG, WebP or GIF"),
        ("svg", "not a JPEG, PNG, WebP or GIF"),
        ("truncated_jpeg", "damaged"),
    ],
)
def test_bad_input_is_explained_and_writes_nothing(
    signed_in, reporter, member, spam, _media_root, case, message
):
    fields = {"member": member.public_id, "category": spam.pk, "description": ""}
    if case == "self":
        fields["member"] = reporter.public_id
    elif case == "unknown_member":
        fields["member"] = "NOSUCHID99"
    elif case == "inactive_category":
        spam.is_active = False
        spam.save(update_fields=["is_active"])
    elif case == "missing_details":
        fields["category"] = Category.objects.get(slug="rights-infringement").pk
    elif case == "details_too_long":
        fields["description"] = "x" * 4001
    elif case == "six_files":
        fields["evidence"] = [upload(f"shot{n}.png") for n in range(6)]
    elif case == "twenty_megabytes":
        fields["evidence"] = [upload("huge.jpg", b"\xff\xd8\xff\xe0" + b"\0" * (20 * 1024 * 1024))]
    elif case == "decompression_bomb":
        buffer = io.BytesIO()
        Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")
        fields["evidence"] = [upload("bomb.png", buffer.getvalue())]
    elif case == "text_named_jpg":
        fields["evidence"] = [upload("notes.jpg", b"just some text, honestly")]
    elif case == "svg":
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        fields["evidence"] = [upload("drawing.svg", svg)]
    elif case == "truncated_jpeg":
        jpeg = image_bytes("JPEG", size=(800, 600))
        fields["evidence"] = [upload("cut.jpg", jpeg[: len(jpeg) // 2])]

    response = post(signed_in, **fields)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert nothing_written(_media_root)


@pytest.mark.parametrize(
    "query", ["?member=%00", "?member=AB%00CD&content=1", "?member={id}&content=%C2%B2"]
)
def test_odd_links_show_the_form_not_an_error(signed_in, member, query):
    response = signed_in.get(FORM_URL + query.format(id=member.public_id))

    assert response.status_code == 200


def test_odd_member_ids_posted_are_explained(signed_in, spam):
    response = post(signed_in, member="AB\x00CD", category=spam.pk)

    assert response.status_code == 200
    assert not Report.objects.exists()


def test_the_hourly_limit_says_when_to_try_again(signed_in, reporter, spam, settings, _media_root):
    settings.REPORTS_PER_HOUR = 2
    for _ in range(2):
        assert post(signed_in, member=make_member().public_id, category=spam.pk).status_code == 302

    response = post(signed_in, member=make_member().public_id, category=spam.pk)

    assert response.status_code == 200
    assert "You can send the next one in 60 minutes." in response.content.decode()
    assert Report.objects.count() == 2


def test_a_jpeg_with_gps_is_stored_with_no_exif_at_all(signed_in, member, spam):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    photo = image_bytes("JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(photo)).getexif()  # the upload really carries EXIF

    post(
        signed_in,
        member=member.public_id,
        category=spam.pk,
        evidence=[upload("photo.jpg", photo)],
    )

    stored = Evidence.objects.get()
    with stored.image.open("rb") as file:
        data = file.read()
    image = Image.open(io.BytesIO(data))
    assert not image.getexif()
    assert "exif" not in image.info
    assert b"PhoneMaker" not in data


def test_members_see_the_form_in_chinese(client, member):
    chinese = make_member(preferred_language="zh-hans")
    client.force_login(chinese)

    page = client.get(FORM_URL, {"member": member.public_id}).content.decode()

    assert "举报用户" in page
    assert "垃圾信息、广告或招揽" in page
    assert "发送举报" in page
    assert page.count("最多 5 张图片（JPEG、PNG、WebP 或 GIF），每张不超过 10 MB。") == 1


def test_the_browser_language_is_used_before_sign_in(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()

    assert "登录" in page


def test_a_reason_left_over_from_another_category_is_dropped(signed_in, member, spam, hate):
    leftover = Reason.objects.get(category=hate, slug="rudeness")

    response = post(signed_in, member=member.public_id, category=spam.pk, reason=leftover.pk)

    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.category, report.reason) == (spam, None)


def test_a_suspended_member_is_told_before_any_upload_is_read(client, member, spam, _media_root):
    from django.utils import timezone

    suspended = make_member(status="suspended", suspended_until=timezone.now())
    client.force_login(suspended)
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")

    response = post(
        client,
        member=member.public_id,
        category=spam.pk,
        evidence=[upload("b.png", buffer.getvalue())],
    )

    page = response.content.decode()
    assert "cannot send reports while it is suspended" in page
    assert "megapixels" not in page  # the upload was never decoded
    assert nothing_written(_media_root)


def test_details_that_fill_the_text_box_are_not_refused_for_their_line_breaks(
    signed_in, member, spam
):
    # The box counts each line break once; the browser sends it as two characters.
    lines = ["x" * 99] * 40  # 40 × 99 characters and 39 breaks: 3,999 in the box
    response = signed_in.post(
        reverse("reports:report"),
        {"member": member.public_id, "category": spam.pk, "description": "\r\n".join(lines)},
    )
    assert response.status_code == 302
    assert len(Report.objects.get().description) == 3999
