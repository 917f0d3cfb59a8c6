"""The member's side of appeals (being written)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404("Not yet.")


ask_for_review = decisions_about_me = decision = appeal_receipt = _missing
