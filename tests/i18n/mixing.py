"""Telling whether a text written for one language carries words of another.

Two checks, as a reader would notice: in a language written in another script (Russian,
Japanese, Korean, Chinese, Arabic, Hindi) no Latin word is left once addresses, references and
the time zone are set aside; in a language written in Latin letters, no clause of the English
text of the same message appears in it, and no English value stands where the reader's belongs.
"""

import re

NON_LATIN = {"ru", "ja", "ko", "zh-hans", "zh-hant", "ar", "hi"}
# What every language writes the same: web addresses, references, the time zone, the product,
# and the proper names of the international crisis line.
# (Bounded by letters, not \b: a Chinese character is a word character too.)
NEUTRAL = re.compile(
    r"https?://[!-~]+|(?<![A-Za-z])(?:[RA]-[0-9A-Z]{4}-[0-9A-Z]{4}|UTC|hellomod)(?![A-Za-z])"
    r"|Find A Helpline"
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CLAUSE = re.compile(r"[.!?:;\n“”\"()«»„]+")


def latin_words(text: str) -> list[str]:
    return LATIN_WORD.findall(NEUTRAL.sub(" ", text))


def english_clauses(english: str) -> list[str]:
    """The clauses of an English text that would give it away: three words or more."""
    clauses = (c.strip(" ,") for c in CLAUSE.split(NEUTRAL.sub("\n", english)))
    return [c for c in clauses if len(LATIN_WORD.findall(c)) >= 3]


def foreign_parts(text: str, *, language: str, english: str, english_values=()) -> list[str]:
    """What in `text` (written for `language`) is not in that language; [] when nothing is.

    `english` is the same text as an English reader gets it; `english_values` the English forms
    of the values placed into it, which must not appear when the reader's differ from them.
    """
    if language == "en":
        return []
    if language in NON_LATIN:
        return latin_words(text)
    found = [clause for clause in english_clauses(english) if clause in text]
    found += [value for value in english_values if value and value in text]
    return found
