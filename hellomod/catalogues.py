"""Which of the catalogues' texts members read.

Members read hellomod in every language of settings.LANGUAGES; moderators and admins in
settings.STAFF_LANGUAGES. A text is member-facing when it comes from one of the sources below:
the pages, e-mails and inbox messages members read, the forms they fill in and the errors those
forms give, the statements of reasons and their values, the names of the shipped categories.
Every language's catalogue translates all of these (tests/i18n checks it); the staff languages'
catalogues translate everything.
"""

from collections.abc import Iterable

# Source files, or folders ending in "/", as the catalogues' "#:" references name them.
MEMBER_FACING = (
    "templates/base.html",
    "templates/home.html",
    "templates/403_csrf.html",
    "templates/registration/",
    "templates/emails/",
    "templates/notifications/",
    "templates/reports/",
    "reports/texts/",
    "reports/web/forms/member.py",
    "reports/web/forms/appeals_member.py",
    "reports/web/views/member.py",
    "reports/web/views/member_appeals.py",
    "reports/web/views/inbox.py",
    "reports/services/intake.py",
    "reports/services/content.py",
    "reports/services/appeals/filing.py",
    "reports/selectors/appeals.py",
    "reports/ratelimit.py",
    "reports/evidence.py",
    "reports/storable.py",
    "reports/models/choices.py",
    "reports/models/appeals.py",
    "accounts/lockout.py",
)


def is_member_facing(sources: Iterable[str]) -> bool:
    """Whether a text found in `sources` (paths relative to the project) is read by members."""
    return any(
        source == known or (known.endswith("/") and source.startswith(known))
        for source in sources
        for known in MEMBER_FACING
    )
