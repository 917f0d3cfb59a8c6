"""Moderator pages speak the moderator's language: category and reason names from their
translations, and languages by name ("日语", "Japanese"), never by code ("ja")."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from reports.services.intake import submit_report
from tests.conftest import make_content, make_member

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def chinese_moderator(spam_moderator):
    spam_moderator.preferred_language = "zh-hans"
    spam_moderator.save(update_fields=["preferred_language"])
    return spam_moderator


@pytest.fixture
def japanese_case(spam):
    author = make_member(
        native_language="ja", learning_languages=["en", "ko"], preferred_language="zh-hans"
    )
    content = make_content(author, text="フォロワー買いませんか", language="ja")
    return submit_report(
        reporter=make_member(),
        subject=author,
        category=spam,
        content=content,
        reason=spam.reasons.get(slug="advertising"),
    ).case


def visible_text(html: str) -> str:
    """The page as read: no tags, no attributes (where codes may stay for scripts)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def chinese_name(row) -> str:
    with translation.override("zh-hans"):
        return row.display_name


def test_a_chinese_moderator_s_queue_names_the_category_and_the_language_in_chinese(
    client, spam, chinese_moderator, japanese_case
):
    category_name = chinese_name(spam)
    assert category_name != spam.name  # the shipped category has its Chinese name
    client.force_login(chinese_moderator)

    response = client.get(reverse("moderation:queue", args=[spam.slug]), **CHINESE)

    text = visible_text(response.content.decode())
    assert category_name in text
    assert chinese_name(japanese_case.reason) in text  # 广告或推销
    assert spam.name not in text
    assert japanese_case.reason.name not in text
    # The language beside the snippet, by name; the snippet keeps its language for the browser.
    assert '<span class="tag lang">日语</span>' in response.content.decode()
    assert 'lang="ja">フォロワー買いませんか' in response.content.decode()
    assert not re.search(r"\bja\b", text)
    # The language filter names languages too.
    assert '<option value="ja">日语</option>' in response.content.decode()


def test_a_chinese_moderator_s_case_page_names_every_language(
    client, spam, chinese_moderator, japanese_case
):
    client.force_login(chinese_moderator)

    response = client.get(reverse("moderation:case", args=[japanese_case.pk]), **CHINESE)

    text = visible_text(response.content.decode())
    assert chinese_name(spam) in text
    assert chinese_name(japanese_case.reason) in text
    assert japanese_case.reason.name not in text
    assert "日语" in text  # the content's language, and the member's own
    assert "英语, 韩语" in text  # the languages they learn
    assert "简体中文" in text  # the language the member reads hellomod in
    for code in ("ja", "en", "ko", "zh-hans"):
        assert not re.search(rf"(?<![\w-]){code}(?![\w-])", text), code
    assert "“zh-hans”" not in text


def test_an_english_moderator_reads_the_same_names_in_english(
    client, spam, spam_moderator, japanese_case
):
    client.force_login(spam_moderator)

    queue = visible_text(client.get(reverse("moderation:queue", args=[spam.slug])).content.decode())
    case = visible_text(
        client.get(reverse("moderation:case", args=[japanese_case.pk])).content.decode()
    )

    assert "Japanese" in queue
    assert spam.name in queue
    assert "speaks Japanese" in case
    assert "learns English, Korean" in case
    assert "The member will read (in Simplified Chinese):" in case


def test_a_case_without_a_known_language_says_so(client, spam, spam_moderator):
    author = make_member()
    content = make_content(author, text="?!", language="")
    case = submit_report(reporter=make_member(), subject=author, category=spam, content=content)
    client.force_login(spam_moderator)

    page = visible_text(
        client.get(reverse("moderation:case", args=[case.case.pk])).content.decode()
    )

    assert "language not known" in page
