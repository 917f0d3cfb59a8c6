"""Images that came from members, served only to those who may see them.

Nothing a member uploaded is ever reachable under MEDIA_URL: these views check the viewer,
then serve the re-encoded file with headers that stop a browser from guessing its type or
running anything in it.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from accounts.models import User
from reports.permissions import get_evidence_for_viewer

# Avatars come from the platform; serve only the types a browser renders as plain images.
_IMAGE_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def _protected(file, *, content_type: str, filename: str) -> FileResponse:
    response = FileResponse(file, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def serve_screenshot(screenshot, *, size: str, name: str) -> FileResponse:
    """A member's cleaned screenshot (or its thumbnail), once the caller has checked the viewer."""
    field = screenshot.thumbnail if size == "thumb" else screenshot.image
    if not field:
        raise Http404("No such evidence.")
    extension = "png" if screenshot.content_type == "image/png" else "jpg"
    return _protected(
        field.open("rb"),
        content_type=screenshot.content_type,
        filename=f"{name}-{screenshot.pk}{'-thumb' if size == 'thumb' else ''}.{extension}",
    )


@login_required
@require_GET
def evidence_image(request: HttpRequest, evidence_id: int, size: str = "full") -> FileResponse:
    evidence = get_evidence_for_viewer(request.user, evidence_id)
    return serve_screenshot(evidence, size=size, name="evidence")


def protected_image(field, *, name: str) -> FileResponse:
    """A stored image from the platform, served only when it really is a JPEG or a PNG."""
    file = field.open("rb")
    head = file.read(8)
    file.seek(0)
    content_type = next((t for magic, t in _IMAGE_MAGIC.items() if head.startswith(magic)), None)
    if content_type is None:
        file.close()
        raise Http404("No image.")
    return _protected(file, content_type=content_type, filename=name)


@login_required
@require_GET
def member_avatar(request: HttpRequest, public_id: str) -> FileResponse:
    """A member's avatar, shown on the report form; avatars are public on the app as well."""
    member = get_object_or_404(User, public_id=public_id, is_active=True)
    if not member.avatar:
        raise Http404("No avatar.")
    return protected_image(member.avatar, name=f"avatar-{public_id}")
