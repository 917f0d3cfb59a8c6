"""Words for a life that may be at risk: crisis lines as a person reads them, the emergency number
of their country, and what a reporter should do right now.

Call these inside the reader's language (translation.override).
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from reports.models import CrisisResource

# The number that reaches the police, an ambulance and the fire brigade, where one number does
# all three: 112 in the EU and the rest of the EEA (and Switzerland), and the national numbers
# of the other countries whose crisis lines ship. Elsewhere the texts say "your local emergency
# number" rather than guess.
_EEA_AND_CH = (
    "AT BE BG CH CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK"
)
EMERGENCY_NUMBERS = {
    **dict.fromkeys(_EEA_AND_CH.split(), "112"),
    "GB": "999",
    "US": "911",
    "CA": "911",
    "AU": "000",
    "NZ": "111",
}


def emergency_number(country: str) -> str:
    """ "112", or "your local emergency number" for a country without a known one."""
    return EMERGENCY_NUMBERS.get((country or "").upper()) or _("your local emergency number")


def crisis_line(line: CrisisResource) -> str:
    """One line as a person in distress reads it: name, then how to reach it, then when."""
    ways = []
    if line.phone and line.phone == line.text:
        ways.append(_("call or text %(number)s") % {"number": line.phone})
    else:
        if line.phone:
            ways.append(_("call %(number)s") % {"number": line.phone})
        if line.text:
            ways.append(_("text %(number)s") % {"number": line.text})
    if line.url:
        ways.append(line.url)
    if line.hours:
        ways.append(line.hours)
    return f"• {line.name}: {' · '.join(ways)}"


def crisis_lines(lines: Sequence[CrisisResource]) -> str:
    """The lines one to a row; a sentence pointing to a directory when none is configured."""
    if not lines:
        return "• " + _("Find a free helpline in your country at https://findahelpline.com")
    return "\n".join(crisis_line(line) for line in lines)


def right_now(*, country: str, lines: Sequence[CrisisResource]) -> str:
    """What a reporter of a life at risk should do before anything else, as plain text."""
    return "\n\n".join(
        [
            _(
                "If someone's life is in danger right now, call %(emergency)s. We review reports "
                "like yours first, but we cannot send help ourselves."
            )
            % {"emergency": emergency_number(country)},
            _(
                "If you are worried about someone, or about yourself, you can talk to someone now, "
                "free and in confidence:"
            ),
            crisis_lines(lines),
        ]
    )
