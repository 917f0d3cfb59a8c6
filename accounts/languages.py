"""The languages members speak and learn, as ISO 639-1 codes.

Content language, team languages and member languages all use these codes; the interface itself
is translated into the smaller set in settings.LANGUAGES.
"""

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
