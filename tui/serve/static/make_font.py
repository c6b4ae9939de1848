"""Writes fonts/gdlab-glyphs.ttf: the glyphs a browser may lack for gdlab's screen.

Textual's header shows ⭘ (U+2B58), which neither Roboto Mono (textual-serve's
terminal font) nor common Linux fonts have, so a browser drew an empty box.
The page lists this font after Roboto Mono for just those code points
(``unicode-range``), so nothing else changes. Drawn here, not copied, so it
carries no third-party licence. Needs fontTools (``pip install fonttools``),
only to regenerate the file:

    python tui/serve/static/make_font.py
"""

from __future__ import annotations

import math
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

EM = 2048
ADVANCE = 1229  # Roboto Mono's advance: 0.6 em
ASCENT, DESCENT = 2146, -555  # Roboto Mono's hhea metrics, so lines keep their height


def _circle(pen: TTGlyphPen, cx: float, cy: float, r: float, clockwise: bool) -> None:
    """A circle from 8 quadratic arcs (off-curve points at the octagon's corners)."""
    steps = 8
    sign = -1 if clockwise else 1
    points = []
    for i in range(steps):
        a = sign * 2 * math.pi * i / steps
        b = sign * 2 * math.pi * (i + 0.5) / steps
        k = r / math.cos(math.pi / steps)
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
        points.append((cx + k * math.cos(b), cy + k * math.sin(b)))
    pen.moveTo(tuple(round(v) for v in points[0]))
    for i in range(steps):
        off = tuple(round(v) for v in points[2 * i + 1])
        on = tuple(round(v) for v in points[(2 * i + 2) % (2 * steps)])
        pen.qCurveTo(off, on)
    pen.closePath()


def ring(outer: float, inner: float) -> object:
    pen = TTGlyphPen(None)
    cx, cy = ADVANCE / 2, 760  # centred on the lowercase letters' middle
    _circle(pen, cx, cy, outer, clockwise=True)
    _circle(pen, cx, cy, inner, clockwise=False)
    return pen.glyph()


def build(target: Path) -> None:
    names = [".notdef", "heavycircle"]
    builder = FontBuilder(EM, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({0x2B58: "heavycircle"})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "heavycircle": ring(520, 360)})
    builder.setupHorizontalMetrics({name: (ADVANCE, 0) for name in names})
    builder.setupHorizontalHeader(ascent=ASCENT, descent=DESCENT)
    builder.setupNameTable({"familyName": "gdlab glyphs", "styleName": "Regular"})
    builder.setupOS2(
        sTypoAscender=ASCENT, sTypoDescender=DESCENT, usWinAscent=ASCENT, usWinDescent=-DESCENT
    )
    builder.setupPost()
    builder.save(str(target))


if __name__ == "__main__":
    build(Path(__file__).with_name("fonts") / "gdlab-glyphs.ttf")
