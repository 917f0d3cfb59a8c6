"""Languages in words, in the reader's language, wherever a moderator's page shows one.

Content, team and member languages are ISO 639-1 codes (accounts.languages); the language a
member reads hellomod in is one of settings.LANGUAGES ("zh-hans"). A page names both: "Japanese",
or 日语 for a moderator who reads Chinese, never "ja".
"""

from collections.abc import Iterable

from django.utils.translation import get_language_info, gettext, gettext_noop

from accounts.languages import LANGUAGE_NAMES

# Django's own catalogues name every language of LANGUAGE_NAMES in the staff languages but this
# one, which ours translates.
gettext_noop("Chinese")


def language_name(code: str | None, *, empty: str = "—") -> str:
    """A language code in words, in the active language; `empty` for no language."""
    if not code:
        return empty
    code = code.lower()
    if code in LANGUAGE_NAMES:
        return gettext(LANGUAGE_NAMES[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code  # a code nobody knows is still better shown than hidden


def language_names(codes: Iterable[str] | None) -> str:
    """Several languages in words, separated by commas."""
    return ", ".join(language_name(code) for code in codes or () if code)
