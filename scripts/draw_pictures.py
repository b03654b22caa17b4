"""Draw the catalogue's illustrations: one calm line style, black on white.

Every picture is drawn here by hand, as coordinates, and written to
``dashboard/drawings/<name>.svg`` (the files the package ships and the catalogue
names). Run ``.venv/bin/python scripts/draw_pictures.py`` after changing a drawing; a test
checks that the shipped files are exactly what this script draws.

The style, kept the same in every drawing so a handout reads as one set:
- side-view figures made of round-capped strokes 7 units wide, the head an open circle;
- panels 400 units wide; a movement with a start and an end position is two panels, one
  above the other, each with a numbered step and a few words (read on paper and on a phone);
- the floor and furniture in thinner strokes, arrows for the direction of a movement;
- no colour and no grey that could vanish on a black-and-white printer.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

OUT = Path(__file__).resolve().parent.parent / "dashboard" / "drawings"

WIDTH = 400
TRUNK = 12  # the trunk: thicker than a limb, so the body reads at a glance
LIMB = 9
THIN = 4  # the floor, furniture, a towel's hems
HEAD = 19
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
HEADING_SIZE = 20
LABEL_SIZE = 19
Point = tuple[float, float]

# Lengths of the side-view body, the same in every drawing.
TRUNK_LENGTH, THIGH, SHIN, ARM = 120, 80, 76, 82


def _pts(points: Sequence[Point]) -> str:
    return " ".join(f"{x:g},{y:g}" for x, y in points)


def limb(*points: Point, width: float = LIMB) -> str:
    return (f'<polyline points="{_pts(points)}" fill="none" stroke="#000" '
            f'stroke-width="{width:g}" stroke-linecap="round" stroke-linejoin="round"/>')


def trunk(*points: Point) -> str:
    return limb(*points, width=TRUNK)


def curve(start: Point, control: Point, end: Point, width: float = TRUNK) -> str:
    """A bent trunk (or a curved arrow's line): one quadratic curve."""
    return (f'<path d="M{start[0]:g},{start[1]:g} Q{control[0]:g},{control[1]:g} '
            f'{end[0]:g},{end[1]:g}" fill="none" stroke="#000" stroke-width="{width:g}" '
            f'stroke-linecap="round"/>')


def head(centre: Point) -> str:
    """An open circle, drawn after the limbs so an arm beside the head passes behind it."""
    return (f'<circle cx="{centre[0]:g}" cy="{centre[1]:g}" r="{HEAD}" fill="#fff" '
            f'stroke="#000" stroke-width="7"/>')


def neck(shoulder: Point, head_at: Point) -> str:
    return limb(shoulder, _towards(shoulder, head_at, HEAD))


def _towards(start: Point, end: Point, short_by: float) -> Point:
    """The point on the way from start to end that stops ``short_by`` before it."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy)
    return (end[0] - dx / length * short_by, end[1] - dy / length * short_by)


def floor(y: float, x0: float = 14, x1: float = 386) -> str:
    return limb((x0, y), (x1, y), width=THIN)


def text(x: float, y: float, words: str, size: float = LABEL_SIZE, anchor: str = "start",
         weight: str = "normal", colour: str = "#000") -> str:
    return (f'<text x="{x:g}" y="{y:g}" font-family="{FONT}" font-size="{size:g}" '
            f'font-weight="{weight}" text-anchor="{anchor}" fill="{colour}">'
            f"{escape(words)}</text>")


def step(number: int, words: str) -> str:
    """A panel's heading: a numbered disc and a few words."""
    return ('<circle cx="22" cy="24" r="15" fill="#000"/>'
            + text(22, 31, str(number), size=HEADING_SIZE, anchor="middle", weight="bold",
                   colour="#fff")
            + text(46, 31, words, size=HEADING_SIZE))


def heading(words: str) -> str:
    """The heading of a picture of one position (no number)."""
    return text(12, 31, words, size=HEADING_SIZE)


def arrowhead(towards: Point, tip: Point, width: float = 5, length: float = 15) -> str:
    """An open arrowhead at ``tip``, pointing the way from ``towards`` to it."""
    angle = math.atan2(tip[1] - towards[1], tip[0] - towards[0])
    wings = [(tip[0] - length * math.cos(angle + s * 0.5),
              tip[1] - length * math.sin(angle + s * 0.5)) for s in (-1, 1)]
    return limb(wings[0], tip, wings[1], width=width)


def arrow(*points: Point, width: float = 5) -> str:
    """A line through the points with an open arrowhead at the last one."""
    return limb(*points, width=width) + arrowhead(points[-2], points[-1], width=width)


def curved_arrow(start: Point, control: Point, end: Point, width: float = 5) -> str:
    """A quadratic curve with an arrowhead along its last tangent (from the control point)."""
    return curve(start, control, end, width=width) + arrowhead(control, end, width=width)


def panel(offset: float, *parts: str) -> str:
    return f'<g transform="translate(0,{offset:g})">{"".join(parts)}</g>'


def svg(title: str, height: float, *parts: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:g}" '
            f'width="{WIDTH}" height="{height:g}" role="img">'
            f"<title>{escape(title)}</title>"
            f'<rect width="{WIDTH}" height="{height:g}" fill="#fff"/>'
            + "".join(parts) + "</svg>\n")


LOW = 210  # a panel for a position on the floor
F = 198  # its floor line
G = F - 7  # where a limb lying on the floor has its centre line
TALL = 330  # a panel for sitting or standing
TF = 318  # its floor line
TG = TF - 7


# --- shared poses -----------------------------------------------------------------------

def hands_and_knees(spine_control: Point, head_at: Point) -> str:
    """On hands and knees, facing right; the spine's curve and the head vary."""
    hip, shoulder = (125, G - THIGH), (125 + TRUNK_LENGTH, G - THIGH)
    return "".join([
        limb((125 - SHIN, G), (125, G), hip),  # shin on the floor, thigh up
        limb(shoulder, (shoulder[0] + 2, G), (shoulder[0] + 20, G)),  # straight arm, hand
        curve(hip, spine_control, shoulder),
        neck(shoulder, head_at), head(head_at),
    ])


def _along(start: Point, towards: Point, *lengths: float) -> list[Point]:
    """Points on the straight line from ``start`` towards a point, at running lengths."""
    dx, dy = towards[0] - start[0], towards[1] - start[1]
    norm = math.hypot(dx, dy)
    out, run = [], 0.0
    for length in lengths:
        run += length
        out.append((start[0] + dx / norm * run, start[1] + dy / norm * run))
    return out


def _seated(hip: Point, shoulder: Point, knee: Point, arm: Sequence[Point]) -> str:
    """Sitting upright facing right, the foot flat on the floor below the knee."""
    head_at = (shoulder[0] + 10, shoulder[1] - HEAD - 18)
    return "".join([
        limb(hip, knee, (knee[0] + 2, TG), (knee[0] + 28, TG)),
        trunk(hip, shoulder), limb(shoulder, *arm),
        neck(shoulder, head_at), head(head_at),
    ])


def chair(seat_y: float, back_x: float, front_x: float, top_y: float) -> str:
    """A plain chair from the side: seat, straight back, two legs."""
    return "".join([
        limb((back_x, seat_y), (front_x, seat_y), width=THIN + 1),
        limb((back_x + 4, TF), (back_x + 4, seat_y), width=THIN),
        limb((front_x - 4, TF), (front_x - 4, seat_y), width=THIN),
        limb((back_x, seat_y), (back_x, top_y), width=THIN + 1),
    ])


def _pack(x: float, y: float, cold: bool, dashed: bool = False) -> str:
    """A pack 90 by 50: heat as wavy lines, cold as a snowflake."""
    dash = ' stroke-dasharray="10 8"' if dashed else ""
    body = (f'<rect x="{x:g}" y="{y:g}" width="90" height="50" rx="12" fill="#fff" '
            f'stroke="#000" stroke-width="5"{dash}/>')
    return body + (snowflake((x + 45, y + 25), 16) if cold else heat_waves(x + 45, y + 40, 28))


def snowflake(centre: Point, radius: float) -> str:
    return "".join(limb((centre[0] + radius * math.cos(a), centre[1] + radius * math.sin(a)),
                        (centre[0] - radius * math.cos(a), centre[1] - radius * math.sin(a)),
                        width=THIN) for a in (math.pi / 2, math.pi / 6, 5 * math.pi / 6))


def heat_waves(cx: float, bottom: float, height: float) -> str:
    q = height / 4
    return "".join(f'<path d="M{cx + dx:g},{bottom:g} q-7,{-q:g} 0,{-2 * q:g} '
                   f'q7,{-q:g} 0,{-2 * q:g}" fill="none" stroke="#000" '
                   f'stroke-width="{THIN:g}" stroke-linecap="round"/>' for dx in (-16, 0, 16))


def towel(x: float, y: float, w: float, h: float) -> str:
    """A folded towel: a soft outline with a hem band at each end."""
    return (f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="10" fill="#fff" '
            f'stroke="#000" stroke-width="5"/>'
            + limb((x + 12, y + 4), (x + 12, y + h - 4), width=THIN - 1)
            + limb((x + w - 12, y + 4), (x + w - 12, y + h - 4), width=THIN - 1))


def _wrapping(cold: bool) -> str:
    """Step 1 of heat and cold: the bare pack, then the pack inside a towel."""
    return "".join([
        _pack(20, 80, cold), arrow((124, 105), (170, 105)),
        towel(184, 58, 200, 94), _pack(239, 80, cold, dashed=True),
        text(200, 184, "towel between pack and skin", size=17, anchor="middle"),
    ])


# --- the pictures -----------------------------------------------------------------------

def cat_cow() -> str:
    return svg(
        "Cat-cow stretch: round your back up, then let it sink", 2 * LOW,
        panel(0, step(1, "Round your back, head down"),
              hands_and_knees((185, 40), (286, 146)),
              arrow((185, 164), (185, 110)), floor(F)),
        panel(LOW, step(2, "Let your back sink, head up"),
              hands_and_knees((185, 172), (292, 78)),
              arrow((185, 52), (185, 106)), floor(F)),
    )


def childs_pose() -> str:
    heel, knee, hip, shoulder = (104, G), (188, G), (116, 142), (236, 172)
    return svg(
        "Child's pose: from hands and knees, sit back towards your heels with the arms "
        "stretched forward", 2 * LOW,
        panel(0, step(1, "Start on hands and knees"),
              hands_and_knees((185, 111), (286, 98)), floor(F)),
        panel(LOW, step(2, "Sit back, arms forward"),
              limb(heel, knee, hip),  # shin on the floor, sitting on the heels
              limb(shoulder, (330, G), (350, G)),  # arms along the floor
              trunk(hip, shoulder), neck(shoulder, (270, 172)), head((270, 172)),
              arrow((150, 88), (100, 88)), text(160, 95, "hips back to heels"),
              floor(F)),
    )


def _forearm_plank(shoulder: Point, body: list[Point]) -> str:
    elbow = (shoulder[0], G)
    head_at = _along(shoulder, body[0], -(HEAD + 14))[0]
    return "".join([limb(shoulder, elbow, (elbow[0] + 50, G)),
                    trunk(shoulder, body[0]), limb(*body),
                    neck(shoulder, head_at), head(head_at)])


def plank() -> str:
    shoulder = (306, G - 52)
    knee = (84, G)
    on_knees = [*_along(shoulder, knee, TRUNK_LENGTH), knee, (34, G - 44)]
    ankle = (34, G - 6)
    on_toes = [*_along(shoulder, ankle, TRUNK_LENGTH, THIGH), ankle, (38, G)]
    return svg(
        "Plank on the forearms: on the knees (easier) or on the toes (harder), the body in "
        "a straight line", 2 * LOW,
        panel(0, step(1, "Easier: forearms and knees"),
              _forearm_plank(shoulder, on_knees), floor(F)),
        panel(LOW, step(2, "Harder: forearms and toes"),
              _forearm_plank(shoulder, on_toes),
              text(150, 120, "body in a straight line", anchor="middle"), floor(F)),
    )


def _on_back(hip: Point, knee: Point) -> str:
    """Lying on the back, head to the left, knees bent and feet flat."""
    shoulder, ankle = (104, G - 2), (304, G)
    return "".join([
        limb(hip, knee, ankle, (326, G)),
        trunk(shoulder, hip),
        limb(shoulder, (184, G + 1)),  # the arm by the side, on the floor
        neck(shoulder, (66, G - 14)), head((66, G - 14)),
    ])


def bridge() -> str:
    knee_up = (280, 118)
    hip_up = _along((104, G - 2), knee_up, TRUNK_LENGTH)[0]
    return svg(
        "Bridge: lie on your back with knees bent and feet flat, lift your hips until the body "
        "is straight from shoulders to knees, then lower them", 2 * LOW,
        panel(0, step(1, "Lie on your back, knees bent"),
              _on_back((222, G - 2), (268, 126)), floor(F)),
        panel(LOW, step(2, "Lift your hips, lower slowly"),
              _on_back(hip_up, knee_up), arrow((hip_up[0], hip_up[1] - 24),
                                               (hip_up[0], hip_up[1] - 74)),
              floor(F)),
    )


def breathing() -> str:
    hip, shoulder = (150, 232), (156, 112)
    return svg(
        "Slow breathing: sit upright on a chair with feet flat and a hand on your belly; "
        "breathe in for a count of four and out for a count of six", TALL,
        heading("Sit tall, breathe slowly"),
        chair(240, 134, 236, 130),
        _seated(hip, shoulder, (236, 234), [(190, 160), (170, 192)]),
        curved_arrow((262, 60), (236, 50), (206, 66)), text(272, 68, "in: 4"),
        curved_arrow((206, 96), (236, 112), (262, 102)), text(272, 110, "out: 6"),
        floor(TF),
    )


def _standing_front(x: float, arms: Sequence[Sequence[Point]]) -> str:
    """Standing, seen from the front, knees soft; arm points are offsets from the middle."""
    def at(dx: float, y: float) -> Point:
        return (x + dx, y)
    parts = [trunk(at(0, 92), at(0, 200)), limb(at(-34, 104), at(34, 104)),
             limb(at(-18, 200), at(18, 200))]
    for side in (-1, 1):
        parts.append(limb(at(18 * side, 200), at(26 * side, 258), at(20 * side, TG),
                          at(40 * side, TG)))
        parts += [limb(at(34 * side, 104), *(at(dx * side, y) for dx, y in arm))
                  for arm in arms]
    return "".join([*parts, head(at(0, 66))])


def gentle_movement() -> str:
    return svg(
        "Gentle movement such as tai chi: stand tall with soft knees, float the arms up "
        "slowly as you breathe in and lower them as you breathe out", TALL,
        heading("Knees soft, arms float up"),
        _standing_front(96, [[(44, 160), (40, 214)]]),
        arrow((150, 250), (226, 250)),
        _standing_front(300, [[(66, 96), (96, 80)]]),
        curved_arrow((248, 204), (212, 150), (226, 106)),
        floor(TF),
    )


def heat() -> str:
    mat_top = F - 12
    body = mat_top - 7  # the centre line of a limb lying on the mat
    # Lying face down: the back rises over the shoulder blades, dips at the lower back
    # (where the pack rests) and rises again over the buttocks.
    back = (f'<path d="M104,{body - 3:g} Q150,{body - 17:g} 188,{body - 3:g} '
            f'Q220,{body - 26:g} 252,{body - 3:g}" fill="none" stroke="#000" '
            f'stroke-width="{TRUNK:g}" stroke-linecap="round"/>')
    return svg(
        "Heat: wrap the heat pack in a towel, then lie on your front and rest it on the sore "
        "part of your back", 2 * LOW,
        panel(0, step(1, "Wrap the pack in a towel"), _wrapping(cold=False)),
        panel(LOW, step(2, "Rest it on the sore area"),
              f'<rect x="14" y="{mat_top:g}" width="372" height="12" rx="6" fill="#fff" '
              f'stroke="#000" stroke-width="{THIN:g}"/>',  # a mat or a bed
              limb((252, body - 3), (318, body), (374, body), (384, body - 13)),  # legs
              limb((30, body), (98, body)),  # the forearms, folded under the head
              back, neck((104, body - 3), (64, body - HEAD - 8)), head((64, body - HEAD - 8)),
              towel(152, body - 48, 70, 34), heat_waves(187, body - 58, 40)),
    )


def cold() -> str:
    seated_hip, seated_shoulder = (170, 232), (176, 112)
    return svg(
        "Cold: wrap the ice pack in a towel, then sit and hold it on your lower back",
        LOW + TALL,
        panel(0, step(1, "Wrap the ice in a towel"), _wrapping(cold=True)),
        panel(LOW - 10, step(2, "Hold it on your lower back"),
              chair(240, 100, 256, 150),
              towel(118, 166, 44, 62),
              _seated(seated_hip, seated_shoulder, (256, 234), [(150, 168), (150, 194)]),
              snowflake((86, 196), 14),
              floor(TF)),
    )


def ergonomics() -> str:
    height = 340
    floor_y = height - 22
    ground = floor_y - 7
    hip, shoulder = (100, 208), (106, 96)
    head_at = (116, 60)
    eye_y = 58
    return svg(
        "Workspace set-up: the chair supports the lower back, the top of the screen is at eye "
        "level, and the feet are flat on the floor", height,
        # the chair, its back shaped to the lower back
        limb((64, 216), (164, 216), width=THIN + 1),
        limb((68, floor_y), (68, 216), width=THIN), limb((160, floor_y), (160, 216), width=THIN),
        '<path d="M64,216 L64,190 Q92,170 64,148 L64,100" fill="none" stroke="#000" '
        f'stroke-width="{THIN + 1:g}" stroke-linecap="round" stroke-linejoin="round"/>',
        # the desk and the screen
        limb((196, 172), (388, 172), width=THIN + 1),
        limb((376, 172), (376, floor_y), width=THIN),
        limb((318, eye_y), (318, 140), width=LIMB + 3), limb((322, 140), (322, 172), width=THIN),
        limb((302, 172), (342, 172), width=LIMB - 2),
        # the person
        limb(hip, (184, 210), (186, ground), (212, ground)),
        trunk(hip, shoulder), limb(shoulder, (120, 156), (206, 160)),
        neck(shoulder, head_at), head(head_at),
        # what to notice
        f'<line x1="{head_at[0] + 14:g}" y1="{eye_y:g}" x2="308" y2="{eye_y:g}" '
        f'stroke="#000" stroke-width="3" stroke-dasharray="9 7"/>',
        text(148, 36, "top of screen at eye level"),
        text(8, 262, "back"), text(8, 283, "supported"),
        arrow((38, 244), (66, 186), width=THIN),
        text(222, ground - 18, "feet flat"),
        floor(floor_y),
    )


PICTURES = {
    "breathing": breathing,
    "gentle_movement": gentle_movement,
    "cat_cow": cat_cow,
    "childs_pose": childs_pose,
    "plank": plank,
    "bridge": bridge,
    "heat": heat,
    "cold": cold,
    "ergonomics": ergonomics,
}


def drawn() -> dict[str, str]:
    """Each picture's file name and SVG text."""
    return {f"{name}.svg": draw() for name, draw in PICTURES.items()}


def main(argv: Sequence[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    for filename, text_ in drawn().items():
        (out / filename).write_text(text_, encoding="utf-8")
    print(f"{len(PICTURES)} pictures drawn in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
