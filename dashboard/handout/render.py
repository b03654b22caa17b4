"""Render a handout: plain data in, HTML (for the screen and the browser's print) and PDF out.

Jinja2 autoescapes every value, so a name or note holding HTML or a script prints as those
characters and is never interpreted, in the preview and in the PDF alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from dashboard.db.pictures import PictureFile
from dashboard.domain.dates import template_filters
from dashboard.domain.handout import HandoutData
from dashboard.handout import content
from dashboard.handout.pictures import PictureFetcher

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_SIZES = {"a4": "A4", "letter": "letter"}
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Shared by every paper the app prints (handout, discharge summary, client's copy).
TEMPLATE_ENV = Environment(loader=FileSystemLoader(TEMPLATES),
                           autoescape=select_autoescape(["html"]),
                           trim_blocks=True, lstrip_blocks=True)
TEMPLATE_ENV.filters.update(template_filters())


def _groupby_in_order(items, attribute: str) -> list[tuple[object, list]]:
    """Items grouped by an attribute, groups in order of first appearance (Jinja's own
    groupby sorts them by name)."""
    groups: dict[object, list] = {}
    for item in items:
        groups.setdefault(getattr(item, attribute), []).append(item)
    return list(groups.items())


TEMPLATE_ENV.filters["groupby_in_order"] = _groupby_in_order


def render_html(data: HandoutData, page_size: str = "a4") -> str:
    template = TEMPLATE_ENV.get_template("handout.html")
    css = (TEMPLATES / "handout.css").read_text(encoding="utf-8")
    return template.render(
        h=data, css=css, page_size=PAGE_SIZES.get(page_size, "A4"), days=DAYS,
        urgent=content.URGENT_CARE, soon=content.SEE_DOCTOR_SOON,
        not_a_replacement=content.NOT_A_REPLACEMENT,
        tracker=[p.name for s in data.strategies for p in s.parts if p.ticked],
    )


NO_PICTURES: Mapping[str, PictureFile] = {}


def html_to_pdf(html: str, pictures: Mapping[str, PictureFile] = NO_PICTURES) -> bytes:
    """A tagged PDF (readable by screen readers) with title, author and language set; each
    picture a Figure carrying its alt text."""
    # Imported here: WeasyPrint loads pango at import, which the rest of the app never needs.
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES),
                url_fetcher=PictureFetcher(pictures)).write_pdf(pdf_tags=True)


def render_document(html: str, pictures: Mapping[str, PictureFile] = NO_PICTURES) -> Any:
    """A laid-out WeasyPrint document, to write alone or to merge with others."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES),
                url_fetcher=PictureFetcher(pictures)).render()


def write_documents(documents: list[Any]) -> bytes:
    """Several handouts in one PDF; each keeps its own "Page 1 of 2" numbering."""
    pages = [page for d in documents for page in d.pages]
    return documents[0].copy(pages).write_pdf(pdf_tags=True)


def render_pdf(data: HandoutData, page_size: str = "a4",
               pictures: Mapping[str, PictureFile] = NO_PICTURES) -> bytes:
    return html_to_pdf(render_html(data, page_size), pictures)
