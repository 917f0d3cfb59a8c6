"""The translation catalogues are complete where people read them, and every translation keeps
its source's placeholders (a placeholder lost or misspelt is a text with a hole in it)."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

from hellomod.catalogues import is_member_facing

MEMBER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
STAFF_LANGUAGES = [code for code in settings.STAFF_LANGUAGES if code != "en"]
# How many plural forms each language's catalogue has: Django's own catalogues' (makemessages
# copies their header), so that the two merge without a surprise.
PLURAL_FORMS = {
    "es": 3, "fr": 2, "de": 2, "it": 2, "pt": 2, "ru": 4, "ja": 1, "ko": 1,
    "zh-hans": 1, "zh-hant": 1, "ar": 6, "hi": 2,
}  # fmt: skip
# %(name)s, %s, %d, %(n)d … and {name}.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


def catalogue(code: str) -> polib.POFile:
    path = Path(settings.BASE_DIR) / "locale" / to_locale(code) / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(path))


def _sources(entry: polib.POEntry) -> list[str]:
    return [path for path, _line in entry.occurrences]


def _missing(entries) -> list[str]:
    return [
        entry.msgid
        for entry in entries
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]


def test_every_language_of_the_site_has_a_catalogue():
    assert sorted(PLURAL_FORMS) == sorted(MEMBER_LANGUAGES)
    for code in MEMBER_LANGUAGES:
        assert len(catalogue(code)) > 400, code


@pytest.mark.parametrize("code", MEMBER_LANGUAGES)
def test_members_read_every_text_in_their_language(code):
    member_facing = [entry for entry in catalogue(code) if is_member_facing(_sources(entry))]
    assert len(member_facing) > 400
    assert _missing(member_facing) == []


@pytest.mark.parametrize("code", STAFF_LANGUAGES)
def test_staff_read_every_text_in_their_language(code):
    assert _missing(catalogue(code)) == []


@pytest.mark.parametrize("code", MEMBER_LANGUAGES)
def test_plural_forms_are_the_languages_own(code):
    header = catalogue(code).metadata["Plural-Forms"]
    assert f"nplurals={PLURAL_FORMS[code]};" in header.replace(" ", "")
    for entry in catalogue(code):
        if entry.msgid_plural and entry.translated():
            assert len(entry.msgstr_plural) == PLURAL_FORMS[code], entry.msgid


@pytest.mark.parametrize("code", MEMBER_LANGUAGES)
def test_translations_keep_their_placeholders(code):
    wrong = []
    for entry in catalogue(code):
        if entry.obsolete or not entry.translated():
            continue
        if entry.msgid_plural:
            expected = set(PLACEHOLDER.findall(entry.msgid_plural))
            # A language's "one" form may say the number in words ("一天"), never a new name.
            forms = entry.msgstr_plural.values()
            if any(not set(PLACEHOLDER.findall(form)) <= expected for form in forms) or (
                set(PLACEHOLDER.findall(list(forms)[-1])) != expected
            ):
                wrong.append(entry.msgid)
        elif sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(entry.msgstr)):
            wrong.append(entry.msgid)
    assert wrong == []
