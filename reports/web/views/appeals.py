"""The seniors' appeals: the queues, the appeal page and its outcome (being written)."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404("Not yet.")


overview = queue = next_appeal = appeal_detail = decide = take = release = lease = _missing
evidence_image = _missing
