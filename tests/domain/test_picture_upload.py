"""An admin's own picture: PNG or JPEG up to 2 MB, decoded and written again (no metadata,
upright, a normal size); anything else refused with a plain reason."""

import io
import struct
import zlib

import pytest
from PIL import Image

from dashboard.domain.pictures import (
    LONG_SIDE,
    MAX_UPLOAD_BYTES,
    PictureRefused,
    check_alt,
    clean_upload,
)


def png(size=(400, 300), mode="RGB", colour=(200, 40, 40), **info) -> bytes:
    image = Image.new(mode, size, colour)
    out = io.BytesIO()
    from PIL.PngImagePlugin import PngInfo

    meta = PngInfo()
    for key, value in info.items():
        meta.add_text(key, value)
    image.save(out, "PNG", pnginfo=meta)
    return out.getvalue()


def jpeg_with_exif(size=(640, 480)) -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Ltd"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show upright
    exif[0x9003] = "2026:11:30 04:00:00"  # DateTimeOriginal (in the IFD, kept simple here)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png_bomb(width=40_000, height=40_000) -> bytes:
    """A tiny file whose header claims a huge image (nothing large is ever allocated)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    rows = zlib.compress(b"\x00" * (width + 1) * 4, 9)  # a few rows of zeros
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)
            + chunk(b"IEND", b""))


def test_a_png_is_rewritten_without_its_text_chunks():
    clean = clean_upload(png(Software="Secret editor", Author="Dr Private"))
    assert clean.media_type == "image/png" and (clean.width, clean.height) == (400, 300)
    assert b"Secret editor" not in clean.data and b"Dr Private" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.format == "PNG" and not image.text
        assert image.getpixel((10, 10)) == (200, 40, 40)


def test_a_phone_jpeg_loses_its_exif_and_is_turned_upright():
    clean = clean_upload(jpeg_with_exif())
    assert clean.media_type == "image/jpeg"
    assert (clean.width, clean.height) == (480, 640)  # turned as its orientation said
    assert b"SpyCam" not in clean.data and b"Exif" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as image:
        assert not image.getexif() and "icc_profile" not in image.info


def test_a_large_picture_is_scaled_to_fit_and_transparency_lies_on_white():
    clean = clean_upload(png((3000, 1500), "RGBA", (0, 0, 0, 0)))
    assert (clean.width, clean.height) == (LONG_SIDE, LONG_SIDE // 2)
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.mode == "RGB" and image.getpixel((5, 5)) == (255, 255, 255)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (SVG, "SVG files are not accepted"),
    (b'<?xml version="1.0"?>\n' + SVG, "SVG files are not accepted"),
    (b"<html><body>not a picture</body></html>", "not a PNG or JPEG"),
    (b"GIF89a" + b"\x00" * 100, "not a PNG or JPEG"),  # a real format, not accepted
    (b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, "could not be read"),  # claims to be a PNG
    (b"\xff\xd8\xff\xe0" + b"\x00" * 200, "could not be read"),  # claims to be a JPEG
    (jpeg_with_exif()[:600], "could not be read"),  # cut short
    (png_bomb(8_000, 8_000), "at most 25 million are accepted"),
    (png_bomb(), "at most 25 million are accepted"),  # past Pillow's own guard too
    (png((1, 1)), "at least 150"),
])
def test_anything_else_is_refused_with_a_plain_reason(data, message):
    with pytest.raises(PictureRefused, match=message):
        clean_upload(data)


def test_more_than_2_mb_is_refused_before_decoding():
    too_big = png() + b"\x00" * (MAX_UPLOAD_BYTES + 1 - len(png()))
    with pytest.raises(PictureRefused, match=r"2\.0 MB; pictures may be at most 2 MB"):
        clean_upload(too_big)


def test_words_for_the_picture_are_required_and_plain():
    assert check_alt("  A person   kneels. ") == ("A person kneels.", "")
    assert "Describe the picture" in check_alt("   ")[1]
    assert "At most 1000" in check_alt("x" * 1001)[1]
    assert check_alt("bad\x00words")[1]
