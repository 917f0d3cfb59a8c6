"""The floor of a request on this stack: DRF with the API's own authentication, parsing and
rendering, and one INSERT into a plain table. Intake is measured beside it."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from bench.models import FloorRow


class FloorView(APIView):
    def post(self, request):
        row = FloorRow.objects.create(member_id=request.user.pk, body=request.data)
        return Response({"id": row.pk}, status=status.HTTP_201_CREATED)
