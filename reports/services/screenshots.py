"""Screenshots members attach (to a report or an appeal), written to storage once cleaned."""

from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from reports.evidence import CleanImage, random_name


def store_screenshot(image: CleanImage, stored: list[str]) -> dict[str, Any]:
    """Write a cleaned image and its thumbnail under random names; returns the row's fields.

    Each name written is added to `stored`, so that a caller whose transaction fails deletes
    the files with it: no file without its row.
    """
    today = timezone.now()
    name = default_storage.save(
        f"evidence/{today:%Y/%m}/{random_name(image.extension)}", ContentFile(image.data)
    )
    stored.append(name)
    thumb = default_storage.save(
        f"evidence/thumbs/{today:%Y/%m}/{random_name(image.extension)}",
        ContentFile(image.thumbnail),
    )
    stored.append(thumb)
    return {
        "image": name,
        "thumbnail": thumb,
        "content_type": image.content_type,
        "width": image.width,
        "height": image.height,
        "size_bytes": len(image.data),
        "sha256": image.sha256,
    }
