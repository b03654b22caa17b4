"""Serving catalogue pictures: ``/pictures/<sha256>`` for pages, and from memory to
WeasyPrint for papers (addresses from dashboard/domain/pictures.py).

The route is public, like the app's assets: catalogue pictures are the clinic's
illustrations, not a client's record, and the client's own page (no login) shows them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import Blueprint, Response, abort
from weasyprint.urls import URLFetcher, URLFetcherResponse

from dashboard.context import current_db
from dashboard.db.pictures import PictureFile, get_picture
from dashboard.domain.pictures import PICTURES_PATH

PICTURE_PATH = re.compile(r"/pictures/([0-9a-f]{64})$")

blueprint = Blueprint("pictures", __name__)


@blueprint.get(f"{PICTURES_PATH}<sha256>")
def picture(sha256: str) -> Response:
    with current_db().read() as db:
        found = get_picture(db, sha256)
    if found is None or found.sha256 != sha256:
        abort(404)
    response = Response(found.data, mimetype=found.media_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    # Shown as an image only: were an SVG opened on its own, nothing in it could run.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src " \
        "'unsafe-inline'; sandbox"
    return response


class PictureFetcher(URLFetcher):
    """Hands WeasyPrint the handout's own pictures from memory, and nothing else: laying out
    a handout reads no file, no database and no network."""

    def __init__(self, pictures: Mapping[str, PictureFile]) -> None:
        super().__init__()
        self._pictures = pictures

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        match = PICTURE_PATH.search(url)
        found = self._pictures.get(match.group(1)) if match else None
        if found is None:
            raise ValueError(f"not one of this paper's pictures: {url[:80]}")
        return URLFetcherResponse(url, found.data, {"Content-Type": found.media_type})
