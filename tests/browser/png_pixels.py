"""The pixels of a PNG screenshot (Chromium's: 8 bits a channel, RGB or RGBA,
not interlaced), read with zlib and numpy."""

from __future__ import annotations

import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {2: 3, 6: 4}  # colour type: channels (RGB, RGBA)


def pixels(png: bytes) -> np.ndarray:
    """The RGB of each pixel: an array of height x width x 3."""
    if not png.startswith(_SIGNATURE):
        raise ValueError("not a PNG")
    at, data, header = len(_SIGNATURE), b"", None
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        at += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            data += body
    if header is None:
        raise ValueError("a PNG without a header")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in _CHANNELS or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
    step = _CHANNELS[colour]
    raw = np.frombuffer(zlib.decompress(data), dtype=np.uint8).reshape(height, width * step + 1)
    image = np.zeros((height, width * step), dtype=np.uint8)
    above = np.zeros(width * step, dtype=np.uint8)
    for y in range(height):
        image[y] = _unfilter(int(raw[y, 0]), raw[y, 1:], above, step)
        above = image[y]
    return image.reshape(height, width, step)[:, :, :3]


def _unfilter(kind: int, row: np.ndarray, above: np.ndarray, step: int) -> np.ndarray:
    """One row as it was before the PNG filter ``kind`` (the spec's section 9)."""
    if kind == 0:
        return row
    if kind == 1:  # each byte plus the one a pixel to its left: a running sum per channel
        return (row.reshape(-1, step).cumsum(axis=0, dtype=np.uint64) & 0xFF).astype(np.uint8).reshape(-1)
    if kind == 2:
        return row + above  # uint8 wraps at 256, as the filter does
    out = bytearray(row.tobytes())
    up = above.tobytes()
    for i in range(len(out)):
        left = out[i - step] if i >= step else 0
        corner = up[i - step] if i >= step else 0
        if kind == 3:
            out[i] = (out[i] + (left + up[i]) // 2) & 0xFF
        elif kind == 4:
            guess = left + up[i] - corner
            near = min((abs(guess - left), 0), (abs(guess - up[i]), 1), (abs(guess - corner), 2))[1]
            out[i] = (out[i] + (left, up[i], corner)[near]) & 0xFF
        else:
            raise ValueError(f"unknown PNG filter {kind}")
    return np.frombuffer(bytes(out), dtype=np.uint8)
