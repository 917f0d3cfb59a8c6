"""What the language menu offers: every language of the site on members' pages, the staff
languages on staff pages (which are written in those alone: /moderation/, /admin/ and the pages
accounts.views marks as staff pages)."""

from django.conf import settings
from django.http import HttpRequest

from accounts.middleware import STAFF_PATHS


def languages(request: HttpRequest) -> dict:
    if request.path_info.startswith(STAFF_PATHS) or getattr(request, "staff_page", False):
        staff = set(settings.STAFF_LANGUAGES)
        return {"menu_languages": [(c, n) for c, n in settings.LANGUAGES if c in staff]}
    return {"menu_languages": settings.LANGUAGES}
