"""The strategy catalogue and plan templates as read from the TOML files under ``data/``."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard.domain.dose import LIMITS, Dose, validate_dose


class CatalogueError(ValueError):
    """The catalogue file is not usable; the message says where."""


# The drawings the package ships (drawn by scripts/draw_pictures.py), named by the catalogue.
DRAWINGS = Path(__file__).resolve().parent.parent / "drawings"
DRAWING_NAME = re.compile(r"[a-z0-9_]{1,60}\.svg")
MAX_ALT = 1000


def content_hash(data: bytes) -> str:
    """A picture's identity: the SHA-256 of its bytes, so the same picture is stored once and
    a plan can name exactly the picture it was given with."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class PictureSpec:
    """A catalogue drawing: its file, its bytes, and the words that describe it."""

    filename: str
    alt: str
    media_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return content_hash(self.data)


@dataclass(frozen=True)
class PartSpec:
    key: str
    name: str
    instructions: str
    cautions: str
    dose: Dose
    picture: PictureSpec | None = None
    max_minutes: int | None = None  # the part's safe ceiling for one application


@dataclass(frozen=True)
class StrategySpec:
    key: str
    name: str
    summary: str
    parts: tuple[PartSpec, ...]


@dataclass(frozen=True)
class TemplateItemSpec:
    part_key: str
    dose: Dose | None


@dataclass(frozen=True)
class TemplateSpec:
    key: str
    name: str
    description: str
    review_interval_days: int
    items: tuple[TemplateItemSpec, ...]


def _dose(raw: dict[str, Any], where: str, max_minutes: int | None = None) -> Dose:
    try:
        dose = Dose(**raw)
    except TypeError as exc:
        raise CatalogueError(f"{where}: {exc}") from exc
    problems = validate_dose(dose, max_minutes=max_minutes)
    if problems:
        raise CatalogueError(f"{where}: " + "; ".join(problems.values()))
    return dose


def _picture(part: dict[str, Any], where: str, drawings: Path) -> PictureSpec | None:
    filename, alt = part.get("picture", ""), " ".join(part.get("picture_alt", "").split())
    if not filename:
        if alt:
            raise CatalogueError(f"{where}: picture_alt without a picture")
        return None
    if not DRAWING_NAME.fullmatch(filename):
        raise CatalogueError(f"{where}: picture must name an .svg file in {drawings.name}/")
    if not alt or len(alt) > MAX_ALT:
        raise CatalogueError(f"{where}: picture_alt must describe the picture in words "
                             f"(1 to {MAX_ALT} characters)")
    try:
        data = (drawings / filename).read_bytes()
    except FileNotFoundError as exc:
        raise CatalogueError(f"{where}: no drawing {filename} in {drawings}") from exc
    return PictureSpec(filename, alt, "image/svg+xml", data)


def parse_strategies(text: str, drawings: Path = DRAWINGS) -> tuple[StrategySpec, ...]:
    data = tomllib.loads(text)
    strategies = []
    seen: set[str] = set()
    for raw in data.get("strategy", []):
        parts = []
        for part in raw.get("part", []):
            where = f"part {part.get('key', '?')!r}"
            if part["key"] in seen:
                raise CatalogueError(f"{where}: key used twice")
            seen.add(part["key"])
            ceiling = part.get("max_minutes")
            if ceiling is not None and (not isinstance(ceiling, int) or isinstance(
                    ceiling, bool) or not 1 <= ceiling <= LIMITS["minutes_max"][1]):
                raise CatalogueError(f"{where}: max_minutes must be a whole number of minutes")
            parts.append(PartSpec(
                key=part["key"], name=part["name"],
                instructions=part["instructions"].strip(),
                cautions=part.get("cautions", "").strip(),
                dose=_dose(part["dose"], where, ceiling),
                picture=_picture(part, where, drawings),
                max_minutes=ceiling,
            ))
        strategies.append(StrategySpec(raw["key"], raw["name"], raw.get("summary", ""),
                                       tuple(parts)))
    if not strategies:
        raise CatalogueError("the catalogue has no strategies")
    return tuple(strategies)


def parse_templates(text: str, known_parts: set[str],
                    ceilings: dict[str, int | None] | None = None) -> tuple[TemplateSpec, ...]:
    data = tomllib.loads(text)
    templates = []
    for raw in data.get("template", []):
        items = []
        for item in raw["items"]:
            if item["part"] not in known_parts:
                raise CatalogueError(f"template {raw['key']!r}: unknown part {item['part']!r}")
            dose = _dose(item["dose"], f"template {raw['key']!r}",
                         (ceilings or {}).get(item["part"])) if "dose" in item else None
            items.append(TemplateItemSpec(item["part"], dose))
        templates.append(TemplateSpec(raw["key"], raw["name"], raw.get("description", ""),
                                      int(raw.get("review_interval_days", 14)), tuple(items)))
    return tuple(templates)


def read_catalogue(data_dir: Path) -> tuple[tuple[StrategySpec, ...], tuple[TemplateSpec, ...]]:
    strategies = parse_strategies((data_dir / "strategies.toml").read_text(encoding="utf-8"))
    ceilings = {p.key: p.max_minutes for s in strategies for p in s.parts}
    templates = parse_templates((data_dir / "templates.toml").read_text(encoding="utf-8"),
                                set(ceilings), ceilings)
    return strategies, templates
