"""Evidence screenshots: refuse anything that is not a small, intact image, re-encode the rest.

Every byte of a screenshot comes from a member, and sometimes from the very member being
reported, so the file is treated as hostile input:

- its type is read from its first bytes, because the name and the declared content type are
  whatever the sender typed;
- it is read with a hard byte limit and its pixel count is checked from the header, before any
  pixel is decoded, so a small file cannot expand into gigabytes of memory;
- what comes out is a new JPEG or PNG built from the decoded pixels alone. Metadata (EXIF with GPS
  and camera serials, XMP, ICC profiles, text chunks, comments) and anything appended after the
  image data (a script, a zip) cannot survive, so moderators and the platform never re-publish a
  reporter's location or a polyglot file.

`clean_image` returns a `CleanImage` or raises `EvidenceError`, whose text can be shown to the
member as it is. Store the result under `random_name(clean.extension)`, never under the uploaded
name.
"""

import hashlib
import io
import struct
import uuid
import warnings
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

# A moderator's case page shows a strip of evidence; 320 px keeps it sharp without sending the
# full screenshot for every row.
THUMBNAIL_MAX_SIDE = 320

# Screenshots are mostly text: below ~80 the letters smear, above ~90 the files grow quickly for
# no visible gain.
JPEG_QUALITY = 85

# Read in modest chunks so that a file on disk (Django's TemporaryUploadedFile) is never pulled
# into memory past the limit in one call.
_READ_CHUNK = 64 * 1024

_KILOBYTE = 1024
_MEGABYTE = 1024 * 1024

# Pillow reports malformed files through many exception types, not only OSError: a broken header
# can surface as SyntaxError, struct.error, IndexError, KeyError or EOFError depending on the
# plugin. All of them mean "damaged" for a member, never a server error.
_DECODE_ERRORS: tuple[type[Exception], ...] = (
    OSError,  # includes Image.UnidentifiedImageError and "image file is truncated"
    SyntaxError,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    EOFError,
    struct.error,
)

# Pillow raises the error above twice its limit and only warns between once and twice; both mean
# the same thing here. Image.DecompressionBombWarning is turned into an exception while decoding.
_BOMB_ERRORS: tuple[type[Exception], ...] = (
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)

# Pillow stores 16-bit greyscale PNGs in these modes; a plain convert("L") clips every value above
# 255 to white, so they are scaled down to 8 bits instead.
_SIXTEEN_BIT_GREY_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})


class EvidenceError(ValueError):
    """A member-facing reason why an upload was refused; str(error) is the message to show.

    `code` names the reason for callers that map it to a form error code or a metric:
    "not_an_image", "too_large", "too_many_pixels" or "damaged".
    """

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CleanImage:
    data: bytes  # the re-encoded image
    thumbnail: bytes  # re-encoded thumbnail, longest side at most 320 px, same format as data
    width: int
    height: int
    format: str  # "jpeg" or "png"
    content_type: str  # "image/jpeg" or "image/png"
    extension: str  # ".jpg" or ".png"
    sha256: str  # hex digest of data


@dataclass(frozen=True)
class _Kind:
    """An accepted input type: how its bytes start and what Pillow must agree it is."""

    pillow_format: str
    # A JPEG carrying several pictures (phones' multi-picture "MPO" files) opens as MPO through
    # the JPEG plugin; its first picture is an ordinary JPEG.
    detected_formats: frozenset[str]


_JPEG = _Kind("JPEG", frozenset({"JPEG", "MPO"}))
_PNG = _Kind("PNG", frozenset({"PNG"}))
_GIF = _Kind("GIF", frozenset({"GIF"}))
_WEBP = _Kind("WEBP", frozenset({"WEBP"}))


@dataclass(frozen=True)
class _Output:
    format: str
    pillow_format: str
    content_type: str
    extension: str


_JPEG_OUTPUT = _Output("jpeg", "JPEG", "image/jpeg", ".jpg")
_PNG_OUTPUT = _Output("png", "PNG", "image/png", ".png")
_EXTENSIONS = frozenset({_JPEG_OUTPUT.extension, _PNG_OUTPUT.extension})


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def clean_image(
    upload: _Readable, *, max_bytes: int | None = None, max_pixels: int | None = None
) -> CleanImage:
    """upload: a file-like object (Django UploadedFile or BytesIO). Defaults come from
    settings.EVIDENCE_MAX_BYTES (10 MB) and settings.EVIDENCE_MAX_PIXELS (40 MP)."""
    if max_bytes is None:
        max_bytes = settings.EVIDENCE_MAX_BYTES
    if max_pixels is None:
        max_pixels = settings.EVIDENCE_MAX_PIXELS
    pixel_limit = _effective_pixel_limit(max_pixels)

    data = _read_at_most(upload, max_bytes + 1)
    if len(data) > max_bytes:
        raise EvidenceError(
            _("This file is larger than %(limit)s.") % {"limit": _human_size(max_bytes)},
            code="too_large",
        )
    kind = _sniff(data)
    if kind is None:
        raise _not_an_image()

    decoded = _decode(data, kind, pixel_limit)
    try:
        _turn_upright(decoded)
        pixels, output = _pixels_only(decoded)
    finally:
        # Frees the decoded pixels now rather than whenever the garbage collector gets to them:
        # a 40 MP screenshot is 120-160 MB per copy.
        decoded.close()

    encoded = _encode(pixels, output)
    thumbnail = _encode(_thumbnail(pixels), output)
    return CleanImage(
        data=encoded,
        thumbnail=thumbnail,
        width=pixels.width,
        height=pixels.height,
        format=output.format,
        content_type=output.content_type,
        extension=output.extension,
        sha256=hashlib.sha256(encoded).hexdigest(),
    )


def random_name(extension: str) -> str:
    """A random file name (uuid4 hex + extension), never derived from the uploaded name."""
    # Only the extensions clean_image produces: a caller passing the uploaded extension through
    # (".html", ".svg") would otherwise get a file the web server serves as something else.
    if extension not in _EXTENSIONS:
        raise ValueError(f"Evidence is stored as .jpg or .png, not {extension!r}.")
    return uuid.uuid4().hex + extension


def _read_at_most(upload: _Readable, limit: int) -> bytes:
    # Django's form validation may already have read the file; start from its first byte.
    seek = getattr(upload, "seek", None)
    seekable = getattr(upload, "seekable", None)
    if callable(seek) and callable(seekable) and seekable():
        seek(0)
    buffer = bytearray()
    while len(buffer) < limit:
        chunk = upload.read(min(_READ_CHUNK, limit - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    return bytes(buffer)


def _sniff(data: bytes) -> _Kind | None:
    if data.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _PNG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return _GIF
    # RIFF is a container (WAV and AVI too); only the WEBP form type is an image.
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _WEBP
    return None


def _decode(data: bytes, kind: _Kind, pixel_limit: int) -> Image.Image:
    """Open with the one plugin the magic named, check the size from the header, then decode."""
    # catch_warnings changes process-wide state and is not thread-safe; the explicit pixel check
    # below is the real guard, the warning filter only makes Pillow's own check fatal as well.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # formats= stops Pillow from trying its other plugins (EPS, PSD, ...) on our bytes.
            image = Image.open(io.BytesIO(data), formats=[kind.pillow_format])
        except _BOMB_ERRORS as error:
            raise _too_many_pixels(pixel_limit) from error
        except _DECODE_ERRORS as error:
            raise _damaged() from error
        if image.format not in kind.detected_formats:
            image.close()
            raise _not_an_image()
        # Image.open has read the header only: refuse before a single pixel is decompressed.
        _check_pixels(image, pixel_limit)
        try:
            # The first frame of an animation is the one load() decodes.
            image.load()
        except _BOMB_ERRORS as error:
            image.close()
            raise _too_many_pixels(pixel_limit) from error
        except _DECODE_ERRORS as error:
            image.close()
            raise _damaged() from error
        _check_pixels(image, pixel_limit)
    return image


def _check_pixels(image: Image.Image, pixel_limit: int) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        image.close()
        raise _damaged()
    if width * height > pixel_limit:
        image.close()
        raise _too_many_pixels(pixel_limit)


def _turn_upright(image: Image.Image) -> None:
    try:
        # In place: one fewer full-size copy alive at a time.
        ImageOps.exif_transpose(image, in_place=True)
    except _DECODE_ERRORS:
        # Orientation is only a display hint: a screenshot whose EXIF cannot be parsed is still
        # evidence, shown the way its pixels are stored.
        return


def _pixels_only(image: Image.Image) -> tuple[Image.Image, _Output]:
    """A new image holding the pixels alone, in the mode its output format needs."""
    if image.mode in _SIXTEEN_BIT_GREY_MODES:
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.has_transparency_data:
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        lowest_alpha, _highest = rgba.getchannel("A").getextrema()
        # An alpha channel that is opaque everywhere (common in phone screenshots) is no reason
        # to keep a PNG; only real transparency is.
        if lowest_alpha < 255:
            return _fresh(rgba), _PNG_OUTPUT
        image = rgba
    return _fresh(image if image.mode == "RGB" else image.convert("RGB")), _JPEG_OUTPUT


def _fresh(image: Image.Image) -> Image.Image:
    # convert() and copy() carry image.info (EXIF, ICC, XMP, comments) along, and Pillow's
    # encoders read some of it back when saving; a new image starts with none of it.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def _thumbnail(image: Image.Image) -> Image.Image:
    longest = max(image.size)
    if longest <= THUMBNAIL_MAX_SIDE:
        return image
    scale = THUMBNAIL_MAX_SIDE / longest
    size = (
        min(THUMBNAIL_MAX_SIDE, max(1, round(image.width * scale))),
        min(THUMBNAIL_MAX_SIDE, max(1, round(image.height * scale))),
    )
    # reducing_gap first shrinks by whole factors, which is much faster on a 40 MP screenshot
    # and indistinguishable at thumbnail size.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: Image.Image, output: _Output) -> bytes:
    buffer = io.BytesIO()
    if output is _JPEG_OUTPUT:
        image.save(buffer, output.pillow_format, quality=JPEG_QUALITY)
    else:
        image.save(buffer, output.pillow_format)
    return buffer.getvalue()


def _effective_pixel_limit(max_pixels: int) -> int:
    # Pillow refuses (by warning, made fatal above) anything over its own limit whatever our
    # setting says; the message should name the limit that actually applied.
    pillow_limit = Image.MAX_IMAGE_PIXELS
    if pillow_limit is None:
        return max_pixels
    return min(max_pixels, pillow_limit)


def _not_an_image() -> EvidenceError:
    return EvidenceError(_("This file is not a JPEG, PNG, WebP or GIF image."), code="not_an_image")


def _damaged() -> EvidenceError:
    return EvidenceError(_("This image is damaged or incomplete."), code="damaged")


def _too_many_pixels(pixel_limit: int) -> EvidenceError:
    return EvidenceError(
        _("This image has more than %(limit)s megapixels.")
        % {"limit": _decimal(pixel_limit / 1_000_000)},
        code="too_many_pixels",
    )


def _human_size(size: int) -> str:
    if size >= _MEGABYTE:
        return f"{_decimal(size / _MEGABYTE)} MB"
    return f"{_decimal(size / _KILOBYTE)} KB"


def _decimal(value: float) -> str:
    # "10", "2.5", "0.01": limits written the way people write them, not 10.0 or 1e+01.
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"
