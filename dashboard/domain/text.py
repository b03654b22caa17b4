"""Characters refused in typed or imported text: the one validator for every text field.

Refused rather than stored:
- C0 and C1 control characters and DEL: PostgreSQL cannot store NUL at all (the save would
  fail with a server error), and the others (escape, backspace, U+0085, U+009B) hide or
  garble what a reader sees on screen, in a CSV or on a printed handout. Tabs and line
  breaks are allowed where a field has several lines.
- Lone surrogates (U+D800-U+DFFF on their own, which JSON's ``\\ud800`` can carry): not text
  at all, they cannot be encoded as UTF-8 and the database refuses them.
- Bidirectional embeddings and overrides (U+202A-U+202E): ``Ann\\u202Eadams`` shows as
  another name ("Annsmada"), the "Trojan Source" trick; never wanted, in prose either.
- In names and identifiers (single-line fields) also the bidirectional marks and isolates
  (U+200E, U+200F, U+061C, U+2066-U+2069) and zero-width characters (U+200B-U+200D,
  U+2060, U+FEFF): a name must look like what it is, so "Ann" and "An\\u200Bn" cannot be
  two different clients who look the same. Prose (notes, addresses, reasons) keeps them:
  right-to-left languages need the marks and isolates, Persian and Indic scripts the
  zero-width joiners.
"""

from __future__ import annotations

import re
import unicodedata

_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e"
_SINGLE_LINE = re.compile(f"[{_ALWAYS}\t\n\r\u200b-\u200f\u061c\u2060\u2066-\u2069\ufeff]")
_MULTI_LINE = re.compile(f"[{_ALWAYS}]")
CONTROL_MESSAGE = ("Remove the invisible control characters from this text (including "
                   "direction and zero-width marks).")


def has_control(value: object, *, multiline: bool = False) -> bool:
    """Whether text holds a character it must not: ``multiline`` for prose, else a name."""
    if not isinstance(value, str):
        return False
    return bool((_MULTI_LINE if multiline else _SINGLE_LINE).search(value))


def search_text(raw: object, *, limit: int = 100) -> str:
    """What a search box sent, as text to look for: characters a name cannot hold are
    dropped (a lone surrogate cannot even reach the database), spaces collapsed."""
    if not isinstance(raw, str):
        return ""
    return " ".join(_SINGLE_LINE.sub("", raw).split())[:limit]


def folded(text: str) -> str:
    """Text as names are matched: lower case, accents dropped ("Zoë", "ZOE" -> "zoe")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold())
                   if not unicodedata.combining(c))


def folded_name(given: str, family: str) -> str:
    """The one searchable form of a person's name, kept beside it in the database (SQL's
    ``lower`` neither folds accents nor, in SQLite, lowers anything but ASCII)."""
    return folded(f"{given} {family}")


def search_words(text: str, *, most: int = 5) -> list[str]:
    """The words of a name search, folded as names are, punctuation around them dropped
    ("Taylor, Zoë" -> ["taylor", "zoe"]): each is then looked for in the folded name, so
    "Zoë" finds Zoe and "zoe" finds Zoë."""
    words = [folded(word).strip(",.;:()\"'") for word in text.split()]
    return [w for w in words if w][:most]
