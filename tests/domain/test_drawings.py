"""The catalogue's drawings: one for every part with a movement, posture or set-up to copy,
each with words describing it, shipped exactly as scripts/draw_pictures.py draws them."""

import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dashboard.cli import DATA_DIR
from dashboard.domain.catalogue import DRAWINGS, CatalogueError, parse_strategies, read_catalogue

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "draw_pictures.py"
SVG = "{http://www.w3.org/2000/svg}"
# Parts a client copies with their body or their room (issue 25's list).
MOVEMENT_PARTS = {"breathing", "gentle_movement", "cat_cow", "childs_pose", "plank", "bridge",
                  "heat", "cold", "ergonomics"}


def _parts():
    strategies, _ = read_catalogue(DATA_DIR)
    return {p.key: p for s in strategies for p in s.parts}


def test_every_movement_part_has_a_drawing_with_words_describing_it():
    parts = _parts()
    pictured = {key for key, part in parts.items() if part.picture is not None}
    assert pictured == MOVEMENT_PARTS
    # Any part with a timed or exercise dose is something done with the body: a new one
    # added to the catalogue without a picture fails here.
    assert {k for k, p in parts.items() if p.dose.kind != "advice"} <= pictured
    for key in MOVEMENT_PARTS:
        picture = parts[key].picture
        assert picture.media_type == "image/svg+xml"
        assert len(picture.alt.split()) >= 12, key  # a description, not a label
        assert "\n" not in picture.alt and "  " not in picture.alt
    # start and end positions are described for the two-position movements
    for key in ("cat_cow", "childs_pose", "bridge", "plank", "heat", "cold"):
        assert "First" in parts[key].picture.alt and "Second" in parts[key].picture.alt


def test_shipped_drawings_are_exactly_what_the_script_draws():
    spec = importlib.util.spec_from_file_location("draw_pictures", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    drawn = module.drawn()
    shipped = {p.name: p.read_text(encoding="utf-8") for p in DRAWINGS.glob("*.svg")}
    assert shipped == drawn


@pytest.mark.parametrize("path", sorted(DRAWINGS.glob("*.svg")), ids=lambda p: p.stem)
def test_drawings_are_plain_black_and_white_svg_with_a_title(path):
    text = path.read_text(encoding="utf-8")
    root = ET.fromstring(text)  # noqa: S314 (our own files, checked here)
    assert root.tag == f"{SVG}svg" and root.get("viewBox", "").startswith("0 0 400 ")
    assert root.find(f"{SVG}title").text.strip()
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= {"svg", "title", "rect", "circle", "polyline", "path", "line", "text", "g"}
    for el in root.iter():
        assert not any(a.startswith("on") or "href" in a for a in el.attrib), el.attrib
    # black and white only: nothing a black-and-white printer could lose as pale grey
    assert set(re.findall(r'(?:fill|stroke)="([^"]+)"', text)) <= {"#000", "#fff", "none"}


def test_picture_needs_its_words_and_a_drawing_that_exists(tmp_path):
    (tmp_path / "ok.svg").write_text("<svg/>")
    template = """
[[strategy]]
key = "s"
name = "S"
  [[strategy.part]]
  key = "p"
  name = "P"
  instructions = "Do it."
  dose = {{ kind = "advice" }}
  {extra}
"""
    ok = parse_strategies(template.format(extra='picture = "ok.svg"\n  picture_alt = "A '
                                          'person  sits."'), tmp_path)
    assert ok[0].parts[0].picture.alt == "A person sits."
    for extra, message in (
        ('picture = "ok.svg"', "picture_alt must describe"),
        ('picture_alt = "words"', "without a picture"),
        ('picture = "missing.svg"\n  picture_alt = "x"', "no drawing missing.svg"),
        ('picture = "../secret.svg"\n  picture_alt = "x"', "must name an .svg file"),
        ('picture = "photo.png"\n  picture_alt = "x"', "must name an .svg file"),
    ):
        with pytest.raises(CatalogueError, match=message):
            parse_strategies(template.format(extra=extra), tmp_path)
