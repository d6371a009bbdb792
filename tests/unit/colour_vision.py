"""How two colours look to a colour-blind reader, and how far apart they are.

- ``simulate``: the colour as seen with protanopia or deuteranopia, by the
  model of G. M. Machado, M. M. Oliveira and L. A. F. Fernandes, "A
  Physiologically-based Model for Simulation of Color Vision Deficiency",
  IEEE TVCG 15(6), 2009: a 3x3 matrix at severity 1.0 (the complete
  deficiency, the harshest case) applied to linear-light sRGB, then encoded
  back to sRGB and clipped to the display's gamut.
- ``lab``: sRGB (D65) to CIELAB; ``delta_e_2000``: the CIEDE2000 colour
  difference, as Sharma, Wu and Dalal (2005) give it (checked against their
  test data in tests/fixtures/colour).

Plain Python (no colour-science package is installed); the tracker itself
never needs it.
"""

from __future__ import annotations

import math

# Machado et al. (2009), the matrices for severity 1.0 from the paper's table, rows applied to linear (R, G, B).
MACHADO_2009 = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
}
# sRGB's primaries to CIE XYZ under D65 (IEC 61966-2-1).
_RGB_TO_XYZ = (
    (0.4124564, 0.3575761, 0.1804375),
    (0.2126729, 0.7151522, 0.0721750),
    (0.0193339, 0.1191920, 0.9503041),
)
_WHITE = tuple(sum(row) for row in _RGB_TO_XYZ)

RGB = tuple[float, float, float]
Lab = tuple[float, float, float]


def parse(colour: str) -> tuple[RGB, float]:
    """``#0072B2``, ``white`` or ``rgba(230, 159, 0, 0.35)`` as sRGB in 0..1 and its opacity."""
    colour = colour.strip().lower()
    if colour == "white":
        return (1.0, 1.0, 1.0), 1.0
    if colour == "black":
        return (0.0, 0.0, 0.0), 1.0
    if colour.startswith("#") and len(colour) == 7:
        return (int(colour[1:3], 16) / 255, int(colour[3:5], 16) / 255, int(colour[5:7], 16) / 255), 1.0
    if colour.startswith(("rgb(", "rgba(")):
        parts = [float(p) for p in colour[colour.index("(") + 1 : colour.index(")")].split(",")]
        alpha = parts[3] if len(parts) == 4 else 1.0
        return (parts[0] / 255, parts[1] / 255, parts[2] / 255), alpha
    raise ValueError(f"a colour this check cannot read: {colour!r}")


def on_white(colour: str) -> RGB:
    """The colour as drawn over the white page: a see-through one blended with white."""
    (r, g, b), alpha = parse(colour)
    return (alpha * r + 1 - alpha, alpha * g + 1 - alpha, alpha * b + 1 - alpha)


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _encoded(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _apply(matrix, vector) -> RGB:
    return tuple(sum(m * v for m, v in zip(row, vector)) for row in matrix)  # type: ignore[return-value]


def simulate(rgb: RGB, deficiency: str | None) -> RGB:
    """``rgb`` as a reader with ``deficiency`` (``protanopia``, ``deuteranopia``) sees it; None: as it is."""
    if deficiency is None:
        return rgb
    seen = _apply(MACHADO_2009[deficiency], [_linear(c) for c in rgb])
    return tuple(_encoded(c) for c in seen)  # type: ignore[return-value]


def lab(rgb: RGB) -> Lab:
    """sRGB (0..1) as CIELAB under D65."""
    xyz = _apply(_RGB_TO_XYZ, [_linear(c) for c in rgb])

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = (f(v / w) for v, w in zip(xyz, _WHITE))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e_2000(first: Lab, second: Lab) -> float:
    """The CIEDE2000 difference of two CIELAB colours (kL = kC = kH = 1)."""
    (l1, a1, b1), (l2, a2, b2) = first, second
    mean_c = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(mean_c**7 / (mean_c**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    if c1p * c2p == 0:
        dh = 0.0
    else:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh) / 2)
    mean_l, mean_cp = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        mean_h = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        mean_h = (h1p + h2p) / 2
    else:
        mean_h = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(mean_h - 30))
        + 0.24 * math.cos(math.radians(2 * mean_h))
        + 0.32 * math.cos(math.radians(3 * mean_h + 6))
        - 0.20 * math.cos(math.radians(4 * mean_h - 63))
    )
    rotation = 30 * math.exp(-(((mean_h - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(mean_cp**7 / (mean_cp**7 + 25**7))
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / math.sqrt(20 + (mean_l - 50) ** 2)
    s_c, s_h = 1 + 0.045 * mean_cp, 1 + 0.015 * mean_cp * t
    r_t = -math.sin(math.radians(2 * rotation)) * r_c
    return math.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h))


def difference(first: str, second: str, deficiency: str | None) -> float:
    """CIEDE2000 between two colours (as drawn on white) as a reader with ``deficiency`` sees them."""
    return delta_e_2000(lab(simulate(on_white(first), deficiency)), lab(simulate(on_white(second), deficiency)))


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours as drawn on white."""

    def luminance(colour: str) -> float:
        r, g, b = (_linear(c) for c in on_white(colour))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
