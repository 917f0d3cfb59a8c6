"""Content negotiation that answers an unknown `?format=` with 406, as it does an Accept header.

DRF answers 404 for a format it cannot render, which reads as "no such report" to a caller.
"""

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class UnknownFormatIsNotAcceptable(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            raise NotAcceptable(available_renderers=renderers)
        return matching
