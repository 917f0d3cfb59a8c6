"""Translations in the admin: a field per language, never JSON; languages by name, not code."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from reports.models import (
    AuditEvent,
    NotificationTemplate,
    Reason,
    StatementTemplate,
)
from tests.conftest import make_moderator
from tests.reports.test_admin import posted_form

pytestmark = pytest.mark.django_db

OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def category_url(category) -> str:
    return reverse("admin:reports_category_change", args=[category.pk])


def shipped(english: str, code: str) -> str:
    with translation.override(code):
        return translation.gettext(english)


def input_tag(page: str, name: str) -> str:
    match = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page)
    assert match, f"no field {name}"
    return match.group()


def test_the_category_page_has_a_name_and_a_description_field_per_language(
    ts_admin_client, staffed_spam
):
    page = ts_admin_client.get(category_url(staffed_spam)).content.decode()

    assert 'name="translations"' not in page
    assert "{&quot;zh-hans" not in page  # the translations are never shown as JSON
    for code in OTHER_LANGUAGES:
        assert f'name="name_{code.replace("-", "_")}"' in page, code
        assert f'name="description_{code.replace("-", "_")}"' in page, code
    assert '<label for="id_name_ja">Name (日本語 · Japanese):</label>' in page
    assert "Description (العربية · Arabic):" in page
    assert 'dir="rtl"' in input_tag(page, "name_ar")
    # Chinese was translated by whoever shipped the category: the field holds it.
    assert 'value="垃圾信息、广告或招揽"' in input_tag(page, "name_zh_hans")


def test_an_empty_field_shows_what_members_read_instead(ts_admin_client, staffed_spam):
    page = ts_admin_client.get(category_url(staffed_spam)).content.decode()

    name_ja = input_tag(page, "name_ja")
    description_ja = input_tag(page, "description_ja")
    assert "value=" not in name_ja
    assert f'placeholder="{shipped(staffed_spam.name, "ja")}"' in name_ja
    assert f'placeholder="{shipped(staffed_spam.description, "ja")}"' in description_ja.replace(
        "&#x27;", "'"
    )


def test_saving_writes_only_the_filled_in_translations(ts_admin_client, staffed_spam):
    url = category_url(staffed_spam)
    data = posted_form(ts_admin_client.get(url))
    data.update(
        {
            "name_ja": "  スパム・宣伝  ",
            "description_zh_hans": "",  # the shipped Chinese description taken out
            "name_ko": "",
        }
    )

    response = ts_admin_client.post(url, data)

    assert response.status_code == 302
    staffed_spam.refresh_from_db()
    assert staffed_spam.translations == {
        "zh-hans": {"name": "垃圾信息、广告或招揽"},
        "ja": {"name": "スパム・宣伝"},
    }
    event = AuditEvent.objects.get(action="category.changed", category=staffed_spam)
    assert event.after == {"translations": staffed_spam.translations}
    assert set(event.before["translations"]["zh-hans"]) == {"name", "description"}


def test_a_reasons_name_is_translated_on_the_category_page(ts_admin_client, staffed_spam):
    url = category_url(staffed_spam)
    page = ts_admin_client.get(url)
    reasons = next(
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is Reason
    )
    form = reasons.forms[0]
    html = page.content.decode()
    assert f'name="{reasons.prefix}-0-translations"' not in html
    assert f'name="{reasons.prefix}-0-description_ja"' not in html  # names only for reasons
    data = posted_form(page)
    data[f"{reasons.prefix}-0-name_ko"] = "광고 또는 판매"

    assert ts_admin_client.post(url, data).status_code == 302

    form.instance.refresh_from_db()
    assert form.instance.translations["ko"] == {"name": "광고 또는 판매"}
    assert form.instance.translations["zh-hans"] == {"name": "广告或推销"}
    assert AuditEvent.objects.filter(action="reason.changed", target_id=str(form.instance.pk))


def test_a_translation_too_long_is_refused_next_to_its_field(ts_admin_client, staffed_spam):
    url = category_url(staffed_spam)
    data = {**posted_form(ts_admin_client.get(url)), "name_ja": "名" * 81}

    response = ts_admin_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["name_ja"]
    assert "at most 80 characters" in str(errors)
    staffed_spam.refresh_from_db()
    assert "ja" not in staffed_spam.translations


def test_a_moderator_reads_the_translations_as_a_list(client, staffed_spam, spam_team):
    client.force_login(make_moderator(team=spam_team))

    page = client.get(category_url(staffed_spam)).content.decode()

    assert "<li>简体中文 · Simplified Chinese: 垃圾信息、广告或招揽 — " in page
    assert "{&quot;zh-hans" not in page
    assert 'name="name_ja"' not in page


def test_text_templates_name_their_languages(ts_admin_client, staffed_spam):
    StatementTemplate.objects.create(
        category=staffed_spam, action="warn", language="ja", body="警告です。{facts}"
    )
    NotificationTemplate.objects.create(
        event="report.received", language="ko", subject="받았어요", body="신고를 받았어요."
    )

    category_page = ts_admin_client.get(category_url(staffed_spam)).content.decode()
    statements = ts_admin_client.get(reverse("admin:reports_statementtemplate_changelist"))
    notifications = ts_admin_client.get(reverse("admin:reports_notificationtemplate_changelist"))
    new_text = ts_admin_client.get(reverse("admin:reports_notificationtemplate_add"))

    assert '<option value="ja" selected>日本語 · Japanese</option>' in category_page
    assert '<td class="field-language_of">日本語 · Japanese</td>' in statements.content.decode()
    assert "한국어 · Korean" in notifications.content.decode()
    assert '<option value="hi">हिन्दी · Hindi</option>' in new_text.content.decode()
    # The filters name the languages too.
    assert ">日本語 · Japanese</a>" in statements.content.decode()


def test_a_moderator_reads_a_texts_language_by_name(client, staffed_spam, spam_team):
    text = StatementTemplate.objects.create(
        category=staffed_spam, action="warn", language="ja", body="警告です。{facts}"
    )
    client.force_login(make_moderator(team=spam_team))

    page = client.get(reverse("admin:reports_statementtemplate_change", args=[text.pk]))

    assert '<div class="readonly">日本語 · Japanese</div>' in page.content.decode()
