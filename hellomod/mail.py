"""E-mail in the quick start: each message written to a file under var/mail/, one line logged.

Django's console backend prints every message whole, HTML part included, into the log that the
web server, the workers and beat share: a seeded demo buries everything else under e-mails.
Here each message goes to a file of Django's file-based backend (EMAIL_FILE_PATH, var/mail/ by
default) and the log gets one line saying to whom and where.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend

logger = logging.getLogger("hellomod.mail")


class FileAndLogLineBackend(EmailBackend):
    def write_message(self, message):
        super().write_message(message)
        logger.info(
            "e-mail to %s written to %s", ", ".join(message.recipients()), _shown(self._fname)
        )


def _shown(filename: str) -> str:
    """The file's path from the project's folder when it lies inside it (var/mail/…)."""
    path = Path(filename)
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)
