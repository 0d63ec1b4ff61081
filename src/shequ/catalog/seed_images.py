"""Flat illustrated packshots for the demo catalog, drawn with Pillow (no downloads, no fonts beyond Pillow's).

Each picture is a coloured background per category with a simple pack — can, bottle, carton, bag, box, tube
and so on — in the product line's colour, a label in the flavour's colour and the line's Latin initials
(Pillow has no CJK font by default, so no Chinese is drawn). Shapes are drawn at twice the size and reduced,
which anti-aliases their edges cheaply.
"""

from __future__ import annotations

import colorsys
import io
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

FULL = 800
THUMB = 400
_SS = 2  # supersampling factor
_CANVAS = FULL * _SS
_U = _CANVAS / 1000  # drawing unit: shapes are laid out on a 1000 × 1000 grid


@dataclass(frozen=True)
class PackshotSpec:
    shape: str
    colour: str  # the product line's colour
    accent: str  # the flavour's colour (label)
    background: str  # the category's colour
    initials: str
    caption: str = ""  # short Latin text under the initials (e.g. the flavour in English)
    units: int = 1  # a "× 12" badge on the multipack picture


# --- colour helpers ----------------------------------------------------------------------------------------


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def shade(hex_colour: str, factor: float) -> tuple[int, int, int]:
    """Darker (< 1) or lighter (> 1) version of a colour, keeping its hue."""
    r, g, b = (c / 255 for c in _rgb(hex_colour))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    lightness = max(0.0, min(1.0, lightness * factor if factor < 1 else lightness + (1 - lightness) * (factor - 1)))
    r, g, b = colorsys.hls_to_rgb(h, lightness, s)
    return round(r * 255), round(g * 255), round(b * 255)


def _ink(hex_colour: str) -> tuple[int, int, int]:
    """White or near-black text, whichever reads better on the colour."""
    r, g, b = _rgb(hex_colour)
    return (40, 40, 48) if (0.299 * r + 0.587 * g + 0.114 * b) > 170 else (255, 255, 255)


@cache
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow built without FreeType: the small bitmap font
        return ImageFont.load_default()


def _box(x0: float, y0: float, x1: float, y1: float) -> list[float]:
    return [x0 * _U, y0 * _U, x1 * _U, y1 * _U]


def _poly(points) -> list[tuple[float, float]]:
    return [(x * _U, y * _U) for x, y in points]


# --- packs ---------------------------------------------------------------------------------------------------
# Every pack function draws into (x0, y0, x1, y1) on the 1000-grid and returns the label area.


def _can(d, x0, y0, x1, y1, spec):
    body, dark, metal = _rgb(spec.colour), shade(spec.colour, 0.75), (208, 212, 218)
    w = x1 - x0
    d.rounded_rectangle(_box(x0, y0 + 20, x1, y1 - 10), radius=30 * _U, fill=body)
    d.ellipse(_box(x0 + 6, y0, x1 - 6, y0 + 50), fill=metal)
    d.ellipse(_box(x0 + 30, y0 + 10, x1 - 30, y0 + 40), fill=shade("#D0D4DA", 0.85))
    d.rectangle(_box(x0 + 4, y1 - 40, x1 - 4, y1 - 18), fill=metal)
    d.rectangle(_box(x0 + w * 0.12, y0 + 70, x0 + w * 0.2, y1 - 60), fill=shade(spec.colour, 1.25))
    d.rectangle(_box(x0 + w * 0.82, y0 + 70, x0 + w * 0.9, y1 - 60), fill=dark)
    return x0 + 10, y0 + (y1 - y0) * 0.38, x1 - 10, y0 + (y1 - y0) * 0.72


def _bottle(d, x0, y0, x1, y1, spec, *, cap_colour=None, neck=0.32):
    w, h = x1 - x0, y1 - y0
    cx = (x0 + x1) / 2
    neck_w = w * neck
    shoulder = y0 + h * 0.3
    d.rectangle(
        _box(cx - neck_w / 2 - 6, y0, cx + neck_w / 2 + 6, y0 + h * 0.09), fill=cap_colour or shade(spec.colour, 0.6)
    )
    d.rectangle(_box(cx - neck_w / 2, y0 + h * 0.09, cx + neck_w / 2, shoulder), fill=shade(spec.colour, 1.15))
    d.polygon(
        _poly(
            [
                (cx - neck_w / 2, y0 + h * 0.16),
                (cx + neck_w / 2, y0 + h * 0.16),
                (x1, shoulder + 40),
                (x0, shoulder + 40),
            ]
        ),
        fill=_rgb(spec.colour),
    )
    d.rounded_rectangle(_box(x0, shoulder + 20, x1, y1), radius=40 * _U, fill=_rgb(spec.colour))
    d.rectangle(_box(x0 + w * 0.1, shoulder + 50, x0 + w * 0.17, y1 - 40), fill=shade(spec.colour, 1.3))
    return x0, shoulder + h * 0.15, x1, shoulder + h * 0.5


def _pump(d, x0, y0, x1, y1, spec):
    w, h = x1 - x0, y1 - y0
    cx = (x0 + x1) / 2
    top = y0 + h * 0.2
    grey = (235, 235, 240)
    d.rectangle(_box(cx - 12, y0 + 30, cx + 12, top), fill=grey)
    d.rounded_rectangle(_box(cx - 60, y0, cx + 30, y0 + 45), radius=10 * _U, fill=grey)
    d.rectangle(_box(cx - 150, y0 + 8, cx - 50, y0 + 30), fill=grey)
    d.rounded_rectangle(
        _box(cx - w * 0.22, top - 10, cx + w * 0.22, top + 40), radius=10 * _U, fill=shade(spec.colour, 0.6)
    )
    d.rounded_rectangle(_box(x0, top + 30, x1, y1), radius=60 * _U, fill=_rgb(spec.colour))
    d.rectangle(_box(x0 + w * 0.1, top + 90, x0 + w * 0.16, y1 - 60), fill=shade(spec.colour, 1.3))
    return x0 + 20, top + h * 0.28, x1 - 20, top + h * 0.6


def _spray(d, x0, y0, x1, y1, spec):
    w, h = x1 - x0, y1 - y0
    cx = (x0 + x1) / 2
    head = (245, 245, 248)
    d.polygon(
        _poly(
            [
                (cx - 70, y0 + 20),
                (cx + 90, y0 + 20),
                (cx + 90, y0 + 130),
                (cx - 30, y0 + 130),
                (cx - 130, y0 + 60),
                (cx - 130, y0 + 30),
            ]
        ),
        fill=head,
    )
    d.polygon(
        _poly([(cx + 10, y0 + 120), (cx + 60, y0 + 120), (cx + 40, y0 + 230), (cx + 20, y0 + 230)]),
        fill=shade("#F5F5F8", 0.85),
    )
    d.rectangle(_box(cx - 45, y0 + 125, cx + 45, y0 + h * 0.3), fill=shade(spec.colour, 0.65))
    d.rounded_rectangle(_box(x0, y0 + h * 0.28, x1, y1), radius=50 * _U, fill=_rgb(spec.colour))
    d.rectangle(_box(x0 + w * 0.1, y0 + h * 0.34, x0 + w * 0.17, y1 - 50), fill=shade(spec.colour, 1.3))
    return x0 + 15, y0 + h * 0.45, x1 - 15, y0 + h * 0.75


def _jug(d, x0, y0, x1, y1, spec):
    w, h = x1 - x0, y1 - y0
    body = _rgb(spec.colour)
    d.rectangle(_box(x0 + w * 0.18, y0, x0 + w * 0.42, y0 + 70), fill=shade(spec.colour, 0.6))
    d.rounded_rectangle(_box(x0, y0 + 50, x1, y1), radius=60 * _U, fill=body)
    d.rounded_rectangle(
        _box(x0 + w * 0.6, y0 + 100, x1 - 40, y0 + h * 0.33), radius=30 * _U, fill=_rgb(spec.background)
    )
    d.rectangle(_box(x0 + w * 0.07, y0 + 130, x0 + w * 0.13, y1 - 60), fill=shade(spec.colour, 1.3))
    return x0 + 20, y0 + h * 0.42, x1 - 20, y0 + h * 0.8


def _carton(d, x0, y0, x1, y1, spec, *, gable=False):
    w, h = x1 - x0, y1 - y0
    side = w * 0.22
    front = _rgb(spec.colour)
    top = y0 + (h * 0.22 if gable else 40)
    d.polygon(_poly([(x1 - side, top), (x1, top - 30), (x1, y1 - 30), (x1 - side, y1)]), fill=shade(spec.colour, 0.72))
    d.rectangle(_box(x0, top, x1 - side, y1), fill=front)
    if gable:
        d.polygon(
            _poly(
                [(x0, top), (x1 - side, top), (x1 - side - (w - side) * 0.1, y0 + 40), (x0 + (w - side) * 0.1, y0 + 40)]
            ),
            fill=shade(spec.colour, 1.2),
        )
        d.polygon(
            _poly(
                [(x1 - side, top), (x1, top - 30), (x1 - side * 0.45, y0 + 30), (x1 - side - (w - side) * 0.1, y0 + 40)]
            ),
            fill=shade(spec.colour, 0.85),
        )
        d.rectangle(
            _box(x0 + (w - side) * 0.08, y0, x1 - side - (w - side) * 0.08, y0 + 42), fill=shade(spec.colour, 1.1)
        )
        d.ellipse(_box(x0 + (w - side) * 0.55, top - 95, x0 + (w - side) * 0.78, top - 35), fill=(250, 250, 250))
    else:
        d.polygon(
            _poly([(x0, top), (x0 + 25, top - 30), (x1, top - 30), (x1 - side, top)]), fill=shade(spec.colour, 1.2)
        )
        d.ellipse(_box(x1 - side - 70, top - 28, x1 - side - 30, top - 8), fill=(250, 250, 250))
    return x0, top + (y1 - top) * 0.35, x1 - side, top + (y1 - top) * 0.72


def _cup(d, x0, y0, x1, y1, spec):
    w = x1 - x0
    d.polygon(_poly([(x0, y0 + 40), (x1, y0 + 40), (x1 - w * 0.12, y1), (x0 + w * 0.12, y1)]), fill=_rgb(spec.colour))
    d.ellipse(_box(x0 - 10, y0, x1 + 10, y0 + 80), fill=(225, 228, 235))
    d.ellipse(_box(x0 + 20, y0 + 12, x1 - 20, y0 + 66), fill=_rgb(spec.accent))
    return x0 + w * 0.06, y0 + (y1 - y0) * 0.4, x1 - w * 0.06, y0 + (y1 - y0) * 0.78


def _tin(d, x0, y0, x1, y1, spec):
    h = y1 - y0
    d.rectangle(_box(x0, y0 + 40, x1, y1 - 30), fill=_rgb(spec.colour))
    d.ellipse(_box(x0, y1 - 60, x1, y1), fill=_rgb(spec.colour))
    d.rectangle(_box(x0, y0 + 40, x1, y0 + h * 0.2), fill=shade(spec.colour, 0.65))
    d.ellipse(_box(x0, y0, x1, y0 + 80), fill=shade(spec.colour, 0.8))
    d.ellipse(_box(x0 + 25, y0 + 12, x1 - 25, y0 + 68), fill=shade(spec.colour, 0.9))
    return x0, y0 + h * 0.36, x1, y0 + h * 0.74


def _bag(d, x0, y0, x1, y1, spec):
    w, h = x1 - x0, y1 - y0
    teeth = 9
    top = [(x0 + w * i / teeth, y0 + (0 if i % 2 else 18)) for i in range(teeth + 1)]
    bottom = [(x1 - w * i / teeth, y1 - (0 if i % 2 else 18)) for i in range(teeth + 1)]
    left = [(x0 - 18, y0 + h * 0.3), (x0 - 24, y0 + h * 0.5), (x0 - 18, y0 + h * 0.7)]
    right = [(x1 + 18, y0 + h * 0.7), (x1 + 24, y0 + h * 0.5), (x1 + 18, y0 + h * 0.3)]
    d.polygon(_poly([*top, *reversed(right), *bottom, *reversed(left)]), fill=_rgb(spec.colour))
    d.rectangle(_box(x0, y0 + 18, x1, y0 + 60), fill=shade(spec.colour, 0.75))
    d.rectangle(_box(x0, y1 - 60, x1, y1 - 18), fill=shade(spec.colour, 0.75))
    d.ellipse(_box(x0 + w * 0.12, y0 + h * 0.58, x1 - w * 0.12, y1 - 90), fill=_rgb(spec.accent))
    return x0 + 10, y0 + h * 0.2, x1 - 10, y0 + h * 0.5


def _pouch(d, x0, y0, x1, y1, spec):
    w, h = x1 - x0, y1 - y0
    d.polygon(_poly([(x0 + 20, y0), (x1 - 20, y0), (x1, y1 - 40), (x0, y1 - 40)]), fill=_rgb(spec.colour))
    d.ellipse(_box(x0, y1 - 80, x1, y1), fill=_rgb(spec.colour))
    d.rectangle(_box(x0 + 20, y0, x1 - 20, y0 + 40), fill=shade(spec.colour, 0.7))
    d.line(_poly([(x0 + 24, y0 + 70), (x1 - 24, y0 + 70)]), fill=shade(spec.colour, 0.8), width=int(6 * _U))
    d.ellipse(_box(x0 + w * 0.25, y0 + h * 0.6, x1 - w * 0.25, y1 - 70), fill=_rgb(spec.accent))
    return x0 + 12, y0 + h * 0.22, x1 - 12, y0 + h * 0.52


def _box3d(d, x0, y0, x1, y1, spec):
    w, h = x1 - x0, y1 - y0
    side, depth = w * 0.2, 45
    d.polygon(
        _poly([(x0, y0 + depth), (x0 + side * 0.6, y0), (x1, y0), (x1 - side, y0 + depth)]),
        fill=shade(spec.colour, 1.2),
    )
    d.polygon(
        _poly([(x1 - side, y0 + depth), (x1, y0), (x1, y1 - depth), (x1 - side, y1)]), fill=shade(spec.colour, 0.7)
    )
    d.rectangle(_box(x0, y0 + depth, x1 - side, y1), fill=_rgb(spec.colour))
    d.rectangle(_box(x0, y1 - h * 0.18, x1 - side, y1), fill=_rgb(spec.accent))
    return x0, y0 + depth + h * 0.2, x1 - side, y0 + depth + h * 0.55


def _bar(d, x0, y0, x1, y1, spec):
    w, h = x1 - x0, y1 - y0
    d.polygon(_poly([(x0, y0 + 20), (x0 + 60, y0), (x0 + 60, y1), (x0, y1 - 20)]), fill=(200, 204, 212))
    d.rounded_rectangle(_box(x0 + 50, y0, x1, y1), radius=12 * _U, fill=_rgb(spec.colour))
    d.rectangle(_box(x1 - w * 0.25, y0, x1 - w * 0.18, y1), fill=_rgb(spec.accent))
    return x0 + 90, y0 + h * 0.2, x1 - w * 0.3, y1 - h * 0.2


def _tube(d, x0, y0, x1, y1, spec):
    w, h = x1 - x0, y1 - y0
    cx = (x0 + x1) / 2
    d.rectangle(_box(x0 - 10, y0, x1 + 10, y0 + 40), fill=shade(spec.colour, 0.8))
    d.polygon(
        _poly([(x0, y0 + 40), (x1, y0 + 40), (cx + w * 0.28, y1 - 90), (cx - w * 0.28, y1 - 90)]),
        fill=_rgb(spec.colour),
    )
    d.rounded_rectangle(_box(cx - w * 0.3, y1 - 95, cx + w * 0.3, y1), radius=14 * _U, fill=(245, 245, 248))
    d.polygon(
        _poly(
            [(x0 + w * 0.08, y0 + 70), (x0 + w * 0.16, y0 + 70), (cx - w * 0.16, y1 - 120), (cx - w * 0.22, y1 - 120)]
        ),
        fill=shade(spec.colour, 1.3),
    )
    return x0 + w * 0.06, y0 + h * 0.2, x1 - w * 0.06, y0 + h * 0.48


def _tissue(d, x0, y0, x1, y1, spec):
    w, h = x1 - x0, y1 - y0
    d.polygon(_poly([(x0, y0 + 60), (x0 + 60, y0), (x1, y0), (x1 - 60, y0 + 60)]), fill=shade(spec.colour, 1.25))
    d.polygon(_poly([(x1 - 60, y0 + 60), (x1, y0), (x1, y1 - 60), (x1 - 60, y1)]), fill=shade(spec.colour, 0.7))
    d.rectangle(_box(x0, y0 + 60, x1 - 60, y1), fill=_rgb(spec.colour))
    cx = (x0 + x1 - 60) / 2 + 30
    d.ellipse(_box(cx - w * 0.25, y0 + 12, cx + w * 0.2, y0 + 48), fill=shade(spec.colour, 0.6))
    d.polygon(
        _poly([(cx - 60, y0 + 30), (cx - 10, y0 - 90), (cx + 40, y0 - 40), (cx + 70, y0 + 30)]), fill=(252, 252, 252)
    )
    return x0 + 20, y0 + 60 + h * 0.2, x1 - 80, y1 - h * 0.15


def _roll(d, x0, y0, x1, y1, spec):
    h = y1 - y0
    d.rectangle(_box(x0 + h * 0.2, y0, x1 - h * 0.2, y1), fill=_rgb(spec.colour))
    d.ellipse(_box(x0, y0, x0 + h * 0.4, y1), fill=shade(spec.colour, 0.8))
    d.ellipse(_box(x1 - h * 0.4, y0, x1, y1), fill=shade(spec.colour, 1.15))
    d.ellipse(_box(x1 - h * 0.3, y0 + h * 0.3, x1 - h * 0.1, y1 - h * 0.3), fill=(245, 245, 245))
    return x0 + h * 0.35, y0 + h * 0.2, x1 - h * 0.45, y1 - h * 0.2


def _jar(d, x0, y0, x1, y1, spec):
    h = y1 - y0
    d.rounded_rectangle(_box(x0, y0 + 70, x1, y1), radius=50 * _U, fill=_rgb(spec.colour))
    d.rounded_rectangle(_box(x0 + 20, y0, x1 - 20, y0 + 90), radius=18 * _U, fill=shade(spec.colour, 0.6))
    return x0, y0 + h * 0.35, x1, y0 + h * 0.75


_SHAPES = {
    "can": (_can, (0.26, 0.52)),
    "bottle": (_bottle, (0.26, 0.66)),
    "pump": (_pump, (0.3, 0.64)),
    "spray": (_spray, (0.3, 0.64)),
    "jug": (_jug, (0.42, 0.56)),
    "carton": (_carton, (0.34, 0.56)),
    "gable": (lambda d, *box, spec: _carton(d, *box, spec, gable=True), (0.34, 0.66)),
    "cup": (_cup, (0.4, 0.4)),
    "tin": (_tin, (0.38, 0.5)),
    "bag": (_bag, (0.4, 0.58)),
    "pouch": (_pouch, (0.4, 0.58)),
    "box": (_box3d, (0.44, 0.54)),
    "bar": (_bar, (0.7, 0.3)),
    "tube": (_tube, (0.26, 0.62)),
    "tissue": (_tissue, (0.66, 0.36)),
    "roll": (_roll, (0.66, 0.34)),
    "jar": (_jar, (0.38, 0.44)),
}
SHAPES = tuple(_SHAPES)


def _pack(d, spec: PackshotSpec, cx: float, bottom: float, scale: float = 1.0, *, label: bool = True) -> None:
    draw, (width, height) = _SHAPES.get(spec.shape, _SHAPES["box"])
    w, h = width * 1000 * scale, height * 1000 * scale
    x0, y0, x1, y1 = cx - w / 2, bottom - h, cx + w / 2, bottom
    d.ellipse(
        _box(x0 - 30 * scale, bottom - 22 * scale, x1 + 30 * scale, bottom + 22 * scale),
        fill=shade(spec.background, 0.86),
    )
    lx0, ly0, lx1, ly1 = draw(d, x0, y0, x1, y1, spec=spec)
    if not label:
        return
    d.rectangle(_box(lx0, ly0, lx1, ly1), fill=_rgb(spec.accent))
    ink = _ink(spec.accent)
    size = int(min((ly1 - ly0) * 0.55, (lx1 - lx0) * 0.42) * _U)
    middle = (ly0 + ly1) / 2
    d.text(((lx0 + lx1) / 2 * _U, middle * _U), spec.initials, font=_font(max(size, 8)), anchor="mm", fill=ink)
    if spec.caption and scale >= 0.9 and (ly1 - ly0) > 120:
        caption = spec.caption[:16]
        csize = int(min((ly1 - ly0) * 0.14, (lx1 - lx0) * 1.6 / max(len(caption), 1)) * _U)
        d.text(
            ((lx0 + lx1) / 2 * _U, (ly1 - (ly1 - ly0) * 0.12) * _U),
            caption,
            font=_font(max(csize, 8)),
            anchor="mm",
            fill=ink,
        )


def _canvas(spec: PackshotSpec, background: str | None = None) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (_CANVAS, _CANVAS), _rgb(background or spec.background))
    return image, ImageDraw.Draw(image)


def draw_packshot(spec: PackshotSpec) -> Image.Image:
    """The main picture: one pack in front of a soft disc."""
    image, d = _canvas(spec)
    d.ellipse(_box(150, 110, 850, 810), fill=shade(spec.background, 0.94))
    d.ellipse(_box(640, 120, 760, 240), fill=shade(spec.accent, 1.1))
    _pack(d, spec, 500, 860)
    return image


def draw_multipack(spec: PackshotSpec) -> Image.Image:
    """A second picture: three packs side by side and a "× N" badge for the pack count."""
    image, d = _canvas(spec, background=_hex(shade(spec.background, 0.97)))
    wide = _SHAPES.get(spec.shape, _SHAPES["box"])[1][0] > 0.5
    if wide:
        _pack(d, spec, 500, 520, 0.75, label=False)
        _pack(d, spec, 500, 880, 0.75)
    else:
        _pack(d, spec, 280, 820, 0.72, label=False)
        _pack(d, spec, 720, 820, 0.72, label=False)
        _pack(d, spec, 500, 880, 0.8)
    badge = f"x{spec.units}" if spec.units > 1 else "NEW"
    d.ellipse(_box(730, 70, 930, 270), fill=_rgb(spec.colour))
    d.text((830 * _U, 170 * _U), badge, font=_font(int(70 * _U)), anchor="mm", fill=_ink(spec.colour))
    return image


def draw_detail(spec: PackshotSpec) -> Image.Image:
    """A third picture: the flavour's colour as a pattern of fruit-like circles and the caption."""
    image, d = _canvas(spec, background=_hex(shade(spec.accent, 1.55)))
    for index, (x, y, r) in enumerate(
        ((250, 300, 150), (700, 260, 110), (560, 620, 190), (220, 700, 90), (820, 740, 70))
    ):
        d.ellipse(_box(x - r, y - r, x + r, y + r), fill=shade(spec.accent, 1.0 if index % 2 else 0.88))
        d.ellipse(_box(x - r * 0.35, y - r * 0.7, x + r * 0.05, y - r * 0.45), fill=shade(spec.accent, 1.35))
    d.polygon(_poly([(250, 150), (320, 90), (300, 170)]), fill=shade(spec.colour, 1.0))
    text = (spec.caption or spec.initials)[:18]
    size = int(min(110, 1500 / max(len(text), 1)) * _U)
    d.rounded_rectangle(_box(90, 860, 910, 960), radius=30 * _U, fill=_rgb(spec.colour))
    d.text(
        (500 * _U, 910 * _U),
        text,
        font=_font(size if size < 60 * _U else int(60 * _U)),
        anchor="mm",
        fill=_ink(spec.colour),
    )
    return image


def draw_logo(*, colour: str, initials: str, size: int = 256) -> bytes:
    """A round brand logo with the initials (PNG)."""
    big = size * _SS
    image = Image.new("RGB", (big, big), (255, 255, 255))
    d = ImageDraw.Draw(image)
    d.ellipse([big * 0.04, big * 0.04, big * 0.96, big * 0.96], fill=_rgb(colour))
    d.text((big / 2, big / 2), initials, font=_font(int(big * 0.36)), anchor="mm", fill=_ink(colour))
    out = io.BytesIO()
    image.reduce(_SS).save(out, format="PNG", optimize=True)
    return out.getvalue()


def draw_banner(*, colour: str, specs: list[PackshotSpec], title: str = "") -> bytes:
    """A wide home banner (1200 × 480 JPEG) with a few packs on the right."""
    width, height = 1200 * _SS, 480 * _SS
    image = Image.new("RGB", (width, height), _rgb(colour))
    d = ImageDraw.Draw(image)
    d.ellipse([-height * 0.4, height * 0.55, height * 0.6, height * 1.6], fill=shade(colour, 1.12))
    # Packs are drawn on the 1000-grid of a square canvas, so draw them onto one and paste it in.
    tile = Image.new("RGB", (_CANVAS, _CANVAS), _rgb(colour))
    td = ImageDraw.Draw(tile)
    td.ellipse(_box(40, 40, 960, 960), fill=shade(colour, 0.9))
    for spec, (cx, bottom, scale) in zip(specs, ((290, 860, 0.78), (710, 860, 0.78), (500, 930, 0.88)), strict=False):
        _pack(td, PackshotSpec(**{**spec.__dict__, "background": _hex(shade(colour, 0.9))}), cx, bottom, scale)
    tile = tile.resize((height, height), Image.Resampling.BILINEAR)
    image.paste(tile, (width - height - 40 * _SS, 0))
    if title:
        d.text((80 * _SS, height / 2), title[:22], font=_font(56 * _SS), anchor="lm", fill=_ink(colour))
    return _jpeg(image.reduce(_SS))


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


DRAWINGS = (draw_packshot, draw_multipack, draw_detail)


def render(spec: PackshotSpec, kind: int = 0) -> tuple[bytes, bytes]:
    """The web-sized picture (800 px) and its 400 px thumbnail, as JPEG bytes."""
    full = DRAWINGS[kind % len(DRAWINGS)](spec).reduce(_SS)
    return _jpeg(full), _jpeg(full.reduce(FULL // THUMB))
