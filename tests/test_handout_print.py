"""The handout is large print (issue 19): body text at least 16 pt, the tracker and the
footer at least 14 pt, measured on the laid-out pages; a usual plan fits 3-4 A4 pages."""

from dashboard.db.handouts import handout_data, plan_version_for
from dashboard.db.models import Client
from dashboard.handout.render import render_document, render_html

PX_PER_PT = 96 / 72


def text_sizes(document) -> dict[str, float]:
    """The smallest font size (pt) of the text laid out in each kind of place."""
    smallest: dict[str, float] = {}

    def walk(box, place: str) -> None:
        tag = getattr(box, "element_tag", "") or ""
        classes = (box.element.get("class") or "") if getattr(box, "element", None) is not None \
            else ""
        if "tracker" in classes:
            place = "tracker"
        elif tag == "footer" or type(box).__name__ == "MarginBox":  # page number, title
            place = "footer"
        if type(box).__name__ == "TextBox" and box.text.strip():
            size = round(box.style["font_size"] / PX_PER_PT, 2)
            smallest[place] = min(size, smallest.get(place, size))
        for child in getattr(box, "children", []) or []:
            walk(child, place)

    for page in document.pages:
        walk(page._page_box, "body")
    return smallest


def test_the_handout_is_large_print_and_fits_four_pages(db, planned):
    with db.read() as s:
        client = s.get(Client, planned)
        html = render_html(handout_data(s, client, plan_version_for(s, client, None)))
    document = render_document(html)
    sizes = text_sizes(document)
    assert sizes["body"] >= 16, sizes
    assert sizes["tracker"] >= 14 and sizes["footer"] >= 14, sizes
    assert 1 <= len(document.pages) <= 4
