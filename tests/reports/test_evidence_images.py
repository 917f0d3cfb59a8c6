"""Evidence images: what a member uploads is refused or re-encoded, pixels only.

Every image here is generated with Pillow at test time; the hostile ones (bombs, polyglots,
lying headers) are built byte by byte the way an attacker would.
"""

import hashlib
import io
import struct
import warnings
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, ImageOps, PngImagePlugin

from reports.evidence import CleanImage, EvidenceError, clean_image, random_name

NOT_AN_IMAGE = "This file is not a JPEG, PNG, WebP or GIF image."
DAMAGED = "This image is damaged or incomplete."
TOO_LARGE_10_MB = "This file is larger than 10 MB."
TOO_MANY_PIXELS_40_MP = "This image has more than 40 megapixels."

MEGABYTE = 1024 * 1024
RED = (255, 0, 0)
BLUE = (0, 0, 255)
GREEN = (0, 255, 0)


# --- helpers -------------------------------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def upload(data: bytes, name: str = "screenshot.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def refusal(data: bytes, **limits) -> EvidenceError:
    """The error clean_image raises for these bytes; fails if it returns anything instead."""
    result = None
    with pytest.raises(EvidenceError) as caught:
        result = clean_image(upload(data), **limits)
    assert result is None
    return caught.value


def near(actual, expected, tolerance: int = 40) -> bool:
    """JPEG is lossy: a colour survives as "close to", never as exactly."""
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def jpeg_markers(data: bytes) -> list[int]:
    """The JPEG segment markers up to the start of the scan (where metadata lives)."""
    assert data[:2] == b"\xff\xd8"
    markers, position = [], 2
    while position < len(data):
        assert data[position] == 0xFF
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: compressed pixels follow
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunks.append(data[position + 4 : position + 8])
        position += 12 + length
    return chunks


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int) -> bytes:
    """A real, valid 1-bit PNG of zeros: kilobytes on disk, width*height bytes once decoded."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def halves(left, right, size=(128, 64)) -> Image.Image:
    image = Image.new("RGB", size, left)
    image.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return image


def noise(size=(256, 256)) -> Image.Image:
    # Noise does not compress, so cutting the file in half really cuts the pixel data.
    return Image.effect_noise(size, 64).convert("RGB")


def first_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def srgb_icc_profile() -> bytes:
    # A real profile, so that the PNG encoder writes an iCCP chunk into the input.
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS 5D Mark IV"
    exif[ExifTags.Base.BodySerialNumber] = "SERIAL-0123456789"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.0)
    gps[ExifTags.GPS.GPSAltitude] = 35.0
    return exif


def assert_no_metadata(data: bytes) -> None:
    image = reopen(data)
    assert len(image.getexif()) == 0
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "photoshop"):
        assert key not in image.info
    for secret in (b"Exif", b"Canon", b"SERIAL", b"secret", b"<x:xmpmeta"):
        assert secret not in data


# --- metadata never survives ---------------------------------------------------------------------


def test_gps_and_camera_exif_are_gone():
    original = encode(Image.new("RGB", (64, 48), "teal"), "JPEG", exif=gps_exif())
    # The input really carries what must disappear.
    assert reopen(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude]
    assert reopen(original).getexif()[ExifTags.Base.Make] == "Canon"

    clean = clean_image(upload(original))

    assert clean.format == "jpeg"
    for data in (clean.data, clean.thumbnail):
        assert_no_metadata(data)
        # Nothing but JFIF, tables and the frame header before the pixels: no APP1 (EXIF, XMP),
        # APP2 (ICC), APP13 (Photoshop) or COM segment.
        assert set(jpeg_markers(data)) <= {0xE0, 0xDB, 0xC0, 0xC4, 0xDA}


def test_exif_orientation_is_applied_then_dropped():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90° clockwise to display"
    original = encode(halves(RED, BLUE, size=(128, 64)), "JPEG", exif=exif, quality=95)

    clean = clean_image(upload(original))

    assert (clean.width, clean.height) == (64, 128)
    result = reopen(clean.data).convert("RGB")
    assert result.size == (64, 128)
    # Turned clockwise, the left half (red) is on top and the right half (blue) below.
    assert near(result.getpixel((32, 20)), RED)
    assert near(result.getpixel((32, 108)), BLUE)
    assert ExifTags.Base.Orientation not in result.getexif()


def test_the_orientation_is_applied_to_the_thumbnail_too():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 8  # "rotate 90° counter-clockwise to display"
    original = encode(halves(RED, BLUE, size=(800, 400)), "JPEG", exif=exif, quality=95)
    assert ImageOps.exif_transpose(reopen(original)).size == (400, 800)

    clean = clean_image(upload(original))

    thumbnail = reopen(clean.thumbnail)
    assert thumbnail.size == (160, 320)
    # Turned counter-clockwise, the right half (blue) is on top.
    assert near(thumbnail.getpixel((80, 40)), BLUE)
    assert near(thumbnail.getpixel((80, 280)), RED)


def test_a_screenshot_with_unreadable_exif_is_kept_without_it():
    # An EXIF block whose first directory claims 65535 entries and then stops.
    broken_exif = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff\x01\x12"
    original = encode(Image.new("RGB", (30, 20), RED), "JPEG", exif=broken_exif)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Pillow's "Corrupt EXIF data"
        clean = clean_image(upload(original))

    assert (clean.width, clean.height) == (30, 20)
    assert_no_metadata(clean.data)


def test_icc_xmp_comments_and_text_chunks_are_gone():
    jpeg = encode(
        Image.new("RGB", (40, 40), "orange"),
        "JPEG",
        icc_profile=b"secret icc profile",
        xmp=b"<x:xmpmeta>secret location</x:xmpmeta>",
        comment=b"secret comment",
        exif=gps_exif(),
    )
    assert {"icc_profile", "xmp", "comment", "exif"} <= set(reopen(jpeg).info)

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "secret author")
    text.add_text("Comment", "secret comment", zip=True)
    text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret</x:xmpmeta>")
    png = encode(
        Image.new("RGBA", (40, 40), (0, 128, 0, 100)),
        "PNG",
        pnginfo=text,
        exif=gps_exif(),
        dpi=(300, 300),
        icc_profile=srgb_icc_profile(),
    )
    assert {"Author", "Comment", "xmp", "exif", "icc_profile", "dpi"} <= set(reopen(png).info)

    clean_jpeg = clean_image(upload(jpeg))
    clean_png = clean_image(upload(png, name="screenshot.png", content_type="image/png"))

    for data in (clean_jpeg.data, clean_jpeg.thumbnail, clean_png.data, clean_png.thumbnail):
        assert_no_metadata(data)
    assert set(jpeg_markers(clean_jpeg.data)) <= {0xE0, 0xDB, 0xC0, 0xC4, 0xDA}
    for data in (clean_png.data, clean_png.thumbnail):
        assert set(png_chunks(data)) <= {b"IHDR", b"IDAT", b"IEND"}


def test_bytes_appended_after_the_image_do_not_survive():
    payload = b"<script>alert(document.cookie)</script>PK\x03\x04evil.zip"
    original = encode(Image.new("RGB", (32, 32), "white"), "JPEG") + payload

    clean = clean_image(upload(original))

    assert b"<script>" not in clean.data
    assert b"PK\x03\x04" not in clean.data
    assert clean.data.endswith(b"\xff\xd9")


# --- accepted formats ----------------------------------------------------------------------------


def test_png_with_alpha_stays_png_with_alpha():
    image = Image.new("RGBA", (60, 30), (255, 0, 0, 255))
    image.paste((0, 0, 255, 0), (0, 0, 20, 30))  # fully transparent
    image.paste((0, 255, 0, 128), (20, 0, 40, 30))  # half transparent

    clean = clean_image(upload(encode(image, "PNG"), name="a.png", content_type="image/png"))

    assert (clean.format, clean.content_type, clean.extension) == ("png", "image/png", ".png")
    result = reopen(clean.data)
    assert (result.format, result.mode, result.size) == ("PNG", "RGBA", (60, 30))
    assert result.getpixel((10, 15))[3] == 0
    assert result.getpixel((30, 15)) == (0, 255, 0, 128)
    assert result.getpixel((50, 15)) == (255, 0, 0, 255)
    thumbnail = reopen(clean.thumbnail)
    assert (thumbnail.format, thumbnail.mode) == ("PNG", "RGBA")


def test_png_whose_alpha_is_opaque_everywhere_becomes_jpeg():
    image = Image.new("RGBA", (40, 40), (10, 20, 200, 255))

    clean = clean_image(upload(encode(image, "PNG"), name="a.png", content_type="image/png"))

    assert (clean.format, clean.content_type, clean.extension) == ("jpeg", "image/jpeg", ".jpg")
    result = reopen(clean.data)
    assert (result.format, result.mode) == ("JPEG", "RGB")
    assert near(result.getpixel((20, 20)), (10, 20, 200))


def test_webp_is_accepted():
    opaque = encode(halves(RED, BLUE), "WEBP", quality=95)
    transparent = encode(Image.new("RGBA", (40, 40), (0, 0, 255, 60)), "WEBP", lossless=True)
    assert reopen(opaque).format == "WEBP"

    clean_opaque = clean_image(upload(opaque, name="a.webp", content_type="image/webp"))
    clean_transparent = clean_image(upload(transparent, name="b.webp", content_type="image/webp"))

    assert clean_opaque.format == "jpeg"
    result = reopen(clean_opaque.data)
    assert result.size == (128, 64)
    assert near(result.getpixel((10, 32)), RED)
    assert near(result.getpixel((118, 32)), BLUE)
    assert clean_transparent.format == "png"
    assert reopen(clean_transparent.data).getpixel((20, 20)) == (0, 0, 255, 60)


def test_animated_gif_keeps_only_its_first_frame():
    frames = [Image.new("RGB", (40, 40), colour) for colour in (RED, GREEN, BLUE)]
    original = encode(
        frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0
    )
    assert reopen(original).n_frames == 3

    clean = clean_image(upload(original, name="a.gif", content_type="image/gif"))

    assert clean.format == "jpeg"
    result = reopen(clean.data)
    assert getattr(result, "n_frames", 1) == 1
    assert not getattr(result, "is_animated", False)
    assert near(result.convert("RGB").getpixel((20, 20)), RED)


def test_gif_with_a_transparent_colour_becomes_png():
    image = Image.new("P", (20, 20), 0)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    image.paste(1, (10, 0, 20, 20))
    original = encode(image, "GIF", transparency=0, comment=b"secret comment")

    clean = clean_image(upload(original, name="a.gif", content_type="image/gif"))

    assert clean.format == "png"
    result = reopen(clean.data)
    assert result.getpixel((5, 5))[3] == 0
    assert result.getpixel((15, 5)) == (200, 0, 0, 255)
    assert "comment" not in result.info


def image_in_mode(mode: str) -> bytes:
    """A 16x16 image stored in `mode` by the format that produces it."""
    if mode == "CMYK":
        return encode(Image.new("CMYK", (16, 16), (0, 255, 255, 0)), "JPEG")
    if mode == "I;16":
        return encode(Image.new("I;16", (16, 16), 32768), "PNG")
    if mode in ("P", "P+transparency"):
        image = Image.new("P", (16, 16), 0)
        image.putpalette(bytes(RED) * 256)
        extra = {"transparency": 0} if mode == "P+transparency" else {}
        return encode(image, "PNG", **extra)
    colours = {"1": 1, "L": 128, "LA": (128, 100), "RGB": RED, "RGBA": (255, 0, 0, 100)}
    return encode(Image.new(mode, (16, 16), colours[mode]), "PNG")


MODE_CASES = [
    ("1", "jpeg", (255, 255, 255)),
    ("L", "jpeg", (128, 128, 128)),
    ("P", "jpeg", RED),
    ("RGB", "jpeg", RED),
    ("CMYK", "jpeg", RED),
    # 16-bit grey is scaled to 8 bits, not clipped to white.
    ("I;16", "jpeg", (128, 128, 128)),
    ("LA", "png", (128, 128, 128, 100)),
    ("RGBA", "png", (255, 0, 0, 100)),
    ("P+transparency", "png", (255, 0, 0, 0)),
]


@pytest.mark.parametrize(
    ("mode", "expected_format", "expected_pixel"),
    MODE_CASES,
    ids=[mode for mode, _format, _pixel in MODE_CASES],
)
def test_every_colour_mode_is_converted_sensibly(mode, expected_format, expected_pixel):
    data = image_in_mode(mode)
    assert reopen(data).mode == mode.removesuffix("+transparency")

    clean = clean_image(upload(data, name="any", content_type="application/octet-stream"))

    assert clean.format == expected_format
    result = reopen(clean.data)
    pixel = result.getpixel((8, 8))
    if expected_format == "png":
        assert result.mode == "RGBA"
        assert pixel[3] == expected_pixel[3]
        if expected_pixel[3]:  # a fully transparent pixel's colour is not worth comparing
            assert pixel == expected_pixel
    else:
        assert result.mode == "RGB"
        assert near(pixel, expected_pixel, tolerance=8)


def test_multi_picture_jpeg_from_a_phone_is_accepted_as_its_first_picture():
    first, second = Image.new("RGB", (32, 32), RED), Image.new("RGB", (32, 32), BLUE)
    original = encode(first, "MPO", save_all=True, append_images=[second])
    assert reopen(original).format == "MPO"

    clean = clean_image(upload(original))

    result = reopen(clean.data)
    assert (result.format, getattr(result, "n_frames", 1)) == ("JPEG", 1)
    assert near(result.getpixel((16, 16)), RED)


def test_type_comes_from_the_bytes_not_the_name_or_content_type():
    png = encode(Image.new("RGBA", (20, 20), (0, 0, 0, 0)), "PNG")
    jpeg = encode(Image.new("RGB", (20, 20), RED), "JPEG")

    from_png = clean_image(upload(png, name="holiday.jpg", content_type="image/jpeg"))
    from_jpeg = clean_image(upload(jpeg, name="notes.txt", content_type="text/plain"))

    assert (from_png.format, from_png.extension) == ("png", ".png")
    assert (from_jpeg.format, from_jpeg.extension) == ("jpeg", ".jpg")


def test_an_upload_already_read_by_form_validation_is_read_from_its_start():
    screenshot = upload(encode(Image.new("RGB", (20, 10), RED), "JPEG"))
    screenshot.read(100)

    clean = clean_image(screenshot)

    assert (clean.width, clean.height) == (20, 10)


def test_a_plain_bytes_stream_is_accepted():
    clean = clean_image(io.BytesIO(encode(Image.new("RGB", (20, 10), RED), "PNG")))

    assert isinstance(clean, CleanImage)
    assert (clean.format, clean.width, clean.height) == ("jpeg", 20, 10)


@pytest.mark.parametrize(
    ("size", "thumbnail_size"),
    [((1000, 500), (320, 160)), ((300, 1200), (80, 320)), ((320, 320), (320, 320))],
    ids=lambda size: "x".join(map(str, size)),
)
def test_thumbnail_longest_side_is_at_most_320(size, thumbnail_size):
    for mode, output in (("RGB", "JPEG"), ("RGBA", "PNG")):
        image = Image.new(mode, size, (255, 0, 0, 100) if mode == "RGBA" else RED)

        clean = clean_image(upload(encode(image, "PNG")))

        assert (clean.width, clean.height) == size
        thumbnail = reopen(clean.thumbnail)
        assert (thumbnail.format, thumbnail.size) == (output, thumbnail_size)


def test_a_small_image_is_not_enlarged_for_its_thumbnail():
    clean = clean_image(upload(encode(Image.new("RGB", (100, 50), RED), "JPEG")))

    assert reopen(clean.thumbnail).size == (100, 50)


def test_sha256_is_the_digest_of_the_stored_data():
    clean = clean_image(upload(encode(noise((64, 64)), "PNG")))

    assert clean.sha256 == hashlib.sha256(clean.data).hexdigest()
    assert len(clean.sha256) == 64


# --- random names --------------------------------------------------------------------------------


def test_random_name_never_contains_the_uploaded_name_and_differs_every_time():
    screenshot = upload(encode(Image.new("RGB", (8, 8), RED), "JPEG"), name="alice-home.jpg")
    clean = clean_image(screenshot)

    names = {random_name(clean.extension) for _ in range(50)}

    assert len(names) == 50
    for name in names:
        assert "alice" not in name and "home" not in name
        assert name.endswith(".jpg")
        assert len(name) == 32 + len(".jpg")
        int(name.removesuffix(".jpg"), 16)  # only hex digits before the extension


@pytest.mark.parametrize("extension", [".html", ".svg", "jpg", ".jpg/../../x", ""])
def test_random_name_refuses_extensions_evidence_is_never_stored_with(extension):
    with pytest.raises(ValueError, match="stored as"):
        random_name(extension)


# --- refused: not an image -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Just some text, honestly a photo.\n" * 10, id="text named .jpg"),
        pytest.param(
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10"><script>alert(1)</script></svg>',
            id="svg",
        ),
        pytest.param(
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", id="html"
        ),
        pytest.param(encode(Image.new("RGB", (10, 10), RED), "PDF"), id="pdf"),
        pytest.param(encode(Image.new("RGB", (10, 10), RED), "BMP"), id="bmp"),
        pytest.param(encode(Image.new("RGB", (10, 10), RED), "TIFF"), id="tiff"),
        pytest.param(encode(Image.new("RGB", (16, 16), RED), "ICO"), id="ico"),
        pytest.param(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40), id="wav (RIFF, not WebP)"),
        pytest.param(b"", id="empty"),
    ],
)
def test_files_that_are_not_accepted_images_are_refused(data):
    error = refusal(data)

    assert str(error) == NOT_AN_IMAGE
    assert error.code == "not_an_image"


# --- refused: damaged ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(first_half(encode(noise(), "JPEG")), id="jpeg cut"),
        pytest.param(encode(noise(), "PNG")[:20_000], id="png cut"),
        pytest.param(encode(noise(), "WEBP")[:2_000], id="webp cut"),
        pytest.param(encode(noise().convert("P"), "GIF")[:3_000], id="gif cut"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"<html>not a jpeg</html>", id="jpeg magic, html"),
        pytest.param(b"GIF89a<script>alert(1)</script>", id="gif magic, script"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, id="png magic, zeros"),
    ],
)
def test_damaged_or_incomplete_images_are_refused(data):
    error = refusal(data)

    assert str(error) == DAMAGED
    assert error.code == "damaged"


def test_a_jpeg_cut_in_half_is_refused():
    whole = encode(noise(), "JPEG")
    assert reopen(whole).size == (256, 256)

    error = refusal(first_half(whole))

    assert str(error) == DAMAGED


# --- refused: too many bytes ---------------------------------------------------------------------


def test_a_20_mb_file_is_refused_with_the_10_mb_default():
    twenty_megabytes = b"\xff\xd8\xff\xe0" + bytes(20 * MEGABYTE)

    error = refusal(twenty_megabytes)

    assert str(error) == TOO_LARGE_10_MB
    assert error.code == "too_large"


class EndlessUpload:
    """A stream that never ends, counting what the reader asked for."""

    def __init__(self) -> None:
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "read without a limit"
        chunk = (b"\xff\xd8\xff" + bytes(size))[:size] if self.bytes_read == 0 else bytes(size)
        self.bytes_read += size
        return chunk


def test_no_more_than_the_limit_plus_one_byte_is_ever_read():
    stream = EndlessUpload()
    result = None

    with pytest.raises(EvidenceError) as caught:
        result = clean_image(stream, max_bytes=MEGABYTE)

    assert result is None
    assert str(caught.value) == "This file is larger than 1 MB."
    assert stream.bytes_read == MEGABYTE + 1


def test_the_byte_limit_comes_from_settings_and_is_inclusive(settings):
    data = encode(noise((64, 64)), "PNG")
    settings.EVIDENCE_MAX_BYTES = len(data)
    assert clean_image(upload(data)).width == 64

    settings.EVIDENCE_MAX_BYTES = len(data) - 1
    error = refusal(data)
    assert error.code == "too_large"

    settings.EVIDENCE_MAX_BYTES = 2 * MEGABYTE
    assert str(refusal(b"\xff\xd8\xff" + bytes(3 * MEGABYTE))) == "This file is larger than 2 MB."
    settings.EVIDENCE_MAX_BYTES = 1536
    assert str(refusal(data + bytes(2000))) == "This file is larger than 1.5 KB."


# --- refused: too many pixels (decompression bombs) ----------------------------------------------


@pytest.mark.parametrize(
    "side",
    [
        pytest.param(7_000, id="49 MP: over our 40 MP, under Pillow's limit"),
        pytest.param(10_000, id="100 MP: in Pillow's warning range"),
        pytest.param(20_000, id="400 MP: over Pillow's error limit"),
    ],
)
def test_decompression_bombs_are_refused_from_the_header(side, monkeypatch):
    bomb = png_bomb(side, side)
    assert len(bomb) < 100_000  # kilobytes on disk...
    assert side * side > 40_000_000  # ...tens of megapixels once decoded
    limit_before, filters_before = Image.MAX_IMAGE_PIXELS, list(warnings.filters)

    # Proof that the refusal comes from the header: decoding would fail this test loudly.
    def never_decode(self):
        raise AssertionError("pixel data was decoded")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", never_decode)

    error = refusal(bomb)

    assert str(error) == TOO_MANY_PIXELS_40_MP
    assert error.code == "too_many_pixels"
    assert limit_before == Image.MAX_IMAGE_PIXELS  # unchanged
    assert warnings.filters == filters_before


def test_a_header_that_lies_about_its_size_is_refused():
    # A 16x16 JPEG whose frame header claims 65000x65000.
    data = bytearray(encode(Image.new("RGB", (16, 16), RED), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 65_000, 65_000)

    error = refusal(bytes(data))

    assert str(error) == TOO_MANY_PIXELS_40_MP


def test_the_pixel_limit_comes_from_settings_or_the_argument(settings):
    data = encode(Image.new("RGB", (200, 100), RED), "PNG")
    settings.EVIDENCE_MAX_PIXELS = 10_000

    assert str(refusal(data)) == "This image has more than 0.01 megapixels."
    assert clean_image(upload(data), max_pixels=20_000).width == 200
    assert str(refusal(data, max_pixels=19_999)) == "This image has more than 0.02 megapixels."


def test_a_pixel_setting_above_pillows_own_limit_is_capped_by_it():
    error = refusal(png_bomb(10_000, 10_000), max_pixels=200_000_000)

    assert str(error) == "This image has more than 89.48 megapixels."
