"""Pictures of plan parts as pages and papers name them: by the content hash of the bytes.

One address per picture, ``/pictures/<sha256>`` (served by dashboard/handout/pictures.py):
it never changes what it shows, so a browser may keep it for a year, and a handout's HTML
names exactly the pictures it prints.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from dashboard.domain.text import CONTROL_MESSAGE, has_control

PICTURES_PATH = "/pictures/"


@dataclass(frozen=True)
class PictureRef:
    """What a page needs to show a part's picture: where it is and the words describing it."""

    url: str
    alt: str


def picture_url(sha256: str) -> str:
    return f"{PICTURES_PATH}{sha256}"


def picture_ref(sha256: str | None, alt: str) -> PictureRef | None:
    """A part's picture for a page, or None if it has none.

    Pass a plan item's ``picture_sha256`` and ``picture_alt`` (the picture it was given
    with, never today's catalogue) and write ``<img src="{{ ref.url }}" alt="{{ ref.alt }}">``.
    """
    return PictureRef(picture_url(sha256), alt) if sha256 else None


# --- a clinic's own picture, uploaded by an admin -------------------------------------------

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# Checked from the file's header before anything is decoded: a small file that would
# decode to a huge image (a "decompression bomb") is refused without being decoded.
MAX_PIXELS = 25_000_000
MIN_SIDE = 150  # smaller than this cannot show a movement
LONG_SIDE = 1200  # every picture is scaled to fit 1200 x 1200 (a handout needs ~760 px)
MAX_ALT = 1000
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


class PictureRefused(ValueError):
    """The upload is not a picture the clinic may use; the message says why, plainly."""


@dataclass(frozen=True)
class CleanPicture:
    """An upload decoded and written again: only pixels, no metadata, a normal size."""

    data: bytes
    media_type: str
    width: int
    height: int


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def clean_upload(data: bytes) -> CleanPicture:
    """Decode an uploaded PNG or JPEG with Pillow and encode it again.

    Whatever the file's name or declared type, its bytes decide: SVG (which can carry
    script), GIF, HTML or anything else is refused, and so is a file that starts like a
    picture but does not decode. Re-encoding keeps the pixels only: EXIF (camera, place,
    time), text chunks and colour profiles are dropped; a phone photo is turned upright
    first. The result fits within LONG_SIDE pixels; transparency is laid on white, as
    paper is.
    """
    # Imported here: only this admin action decodes images.
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise PictureRefused("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise PictureRefused(f"The file is {_megabytes(len(data))}; pictures may be at most "
                             f"2 MB. Save it smaller and try again.")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in head:
        raise PictureRefused("SVG files are not accepted (they can carry script): "
                             "upload a PNG or JPEG.")
    if not data.startswith((PNG_MAGIC, JPEG_MAGIC)):
        raise PictureRefused("This file is not a PNG or JPEG picture, whatever its name "
                             "says. Upload a PNG or JPEG.")
    too_many = PictureRefused(f"The picture has too many pixels: at most "
                              f"{MAX_PIXELS // 1_000_000} million are accepted.")
    try:
        with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise too_many
            source_format = image.format or ""
            image.load()
            upright = ImageOps.exif_transpose(image)
    except PictureRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many from exc  # Pillow's own guard, met while reading the header
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PictureRefused("The file could not be read as a picture (it may be damaged). "
                             "Upload a PNG or JPEG.") from exc
    if min(upright.size) < MIN_SIDE:
        raise PictureRefused(f"The picture is {upright.width} × {upright.height} pixels; it "
                             f"needs at least {MIN_SIDE} on each side to be seen.")
    if upright.mode in ("RGBA", "LA", "P", "PA") or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = upright.convert("RGB")
    flat.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    flat.info = {}  # nothing of the original's metadata goes with it
    out = io.BytesIO()
    if source_format == "JPEG":
        flat.save(out, "JPEG", quality=85, optimize=True)
    else:
        flat.save(out, "PNG", optimize=True)
    return CleanPicture(out.getvalue(), FORMATS.get(source_format, "image/png"),
                        flat.width, flat.height)


def check_alt(raw: object) -> tuple[str, str]:
    """(the words describing a picture, a message if they will not do)."""
    text = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not text:
        return "", ("Describe the picture in words for anyone who cannot see it "
                    "(read aloud by screen readers, kept in the PDF).")
    if len(text) > MAX_ALT:
        return text, f"At most {MAX_ALT} characters ({len(text)} now)."
    if has_control(text):
        return text, CONTROL_MESSAGE
    return text, ""
