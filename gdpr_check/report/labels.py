"""Labels that fit their box: text wrapped to a width in pixels, without a browser.

The flow map's boxes are drawn on the server (the HTML report must work offline, printed
and without script), so the width of a label has to be estimated before any font is
known. The estimate is deliberately generous: per-character advances of DejaVu Sans Bold,
the widest of the sans-serif faces the report's font stack falls back to (Linux's
default; system-ui on macOS and Windows is narrower), rounded up. A label wrapped by it
fits in any of those fonts; tests/browser/ measures that it does in Chromium.
"""
from __future__ import annotations

import unicodedata

# Advances in em (DejaVu Sans Bold, rounded up); anything not listed is `_DEFAULT`.
_NARROW = dict.fromkeys("iljI.,:;'|!`", 0.36)
_SEMI = dict.fromkeys("frt()[]{}-/\\ \"*", 0.50)
_WIDE = dict.fromkeys("mwMW@%&", 1.06)
_ADVANCE = {**_NARROW, **_SEMI, **_WIDE, "…": 1.0, "·": 0.40, "⚠": 1.12, "→": 0.90}
_UPPER = 0.84
_DEFAULT = 0.72
_FULL_WIDTH = 1.02   # CJK and other wide characters


def width(text: str, size: float) -> float:
    """The width in px of `text` at `size` px, estimated on the generous side."""
    return size * sum(_advance(c) for c in text)


def _advance(char: str) -> float:
    if char in _ADVANCE:
        return _ADVANCE[char]
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return _FULL_WIDTH
    return _UPPER if char.isupper() else _DEFAULT


def wrap(text: str, limit: float, size: float, max_lines: int, sep: str = " ") -> list[str]:
    """`text` in lines of at most `limit` px: broken between words (or at `sep`, which
    the break replaces), inside a word only when the word alone is too long (an id such
    as `bookkeeping_by_accountants`). Past `max_lines` the last line ends with an
    ellipsis; the full text stays in the box's hover title and the flow table."""
    lines: list[str] = []
    words = text.split() if sep == " " else [w for w in text.split(sep) if w]
    for word in words:
        for piece in _pieces(word, limit, size):
            if lines and width(f"{lines[-1]}{sep}{piece}", size) <= limit:
                lines[-1] = f"{lines[-1]}{sep}{piece}"
            else:
                lines.append(piece)
    if len(lines) <= max_lines:
        return lines or [""]
    kept = lines[:max_lines]
    last = kept[-1]
    while last and width(last + "…", size) > limit:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return kept


def _pieces(word: str, limit: float, size: float) -> list[str]:
    """A word as it is, or cut into pieces that each fit."""
    if width(word, size) <= limit:
        return [word]
    pieces, current = [], ""
    for char in word:
        if current and width(current + char, size) > limit:
            pieces.append(current)
            current = ""
        current += char
    return pieces + [current] if current else pieces
