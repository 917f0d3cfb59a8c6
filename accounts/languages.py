"""The languages members speak and learn, as ISO 639-1 codes.

Content language, team languages and member languages all use these codes; the interface itself
is translated into the smaller set in settings.LANGUAGES.
"""

from django.conf import settings
from django.utils import translation

LANGUAGE_CHOICES = [
    ("ar", "Arabic"),
    ("de", "German"),
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("hi", "Hindi"),
    ("id", "Indonesian"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("pt", "Portuguese"),
    ("ru", "Russian"),
    ("th", "Thai"),
    ("tr", "Turkish"),
    ("vi", "Vietnamese"),
    ("zh", "Chinese"),
]
LANGUAGE_CODES = frozenset(code for code, _ in LANGUAGE_CHOICES)
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


def supported_language(language: str | None) -> str:
    """The site language (settings.LANGUAGES) a text is written in for someone who reads
    `language`.

    "zh-Hans" and "zh-hans" are one language, "zh" and "zh-cn" read Simplified Chinese,
    "pt-br" reads Portuguese; a language the site does not offer reads the site's default.
    """
    try:
        return translation.get_supported_language_variant(language or "").lower()
    except LookupError:
        return settings.LANGUAGE_CODE


def reader_language(person) -> str:
    """The language of everything hellomod shows or sends this person."""
    return supported_language(getattr(person, "preferred_language", None))


def staff_language(language: str) -> str:
    """The language a staff page is written in for someone who reads `language`.

    Moderators' pages and the admin are translated into settings.STAFF_LANGUAGES only: a reader
    of Traditional Chinese reads them in Simplified Chinese, anyone else in English, so that no
    staff page mixes two languages.
    """
    if language in settings.STAFF_LANGUAGES:
        return language
    if language.startswith("zh-") and "zh-hans" in settings.STAFF_LANGUAGES:
        return "zh-hans"
    return settings.LANGUAGE_CODE
