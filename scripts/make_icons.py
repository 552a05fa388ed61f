"""Draws the app icons in ``assets/`` (a white cross on teal), with the standard library only.

- ``icon-192.png`` / ``icon-512.png``: purpose ``any`` (a rounded-corner-free teal square with a
  thin transparent margin, as the original 192 px icon).
- ``icon-maskable-512.png``: purpose ``maskable``: teal to the edges, the cross well inside the
  central safe circle (radius 40 %), so any launcher mask (circle, squircle...) keeps it whole.

Run ``python scripts/make_icons.py`` from the repository root; the PNGs are committed.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

TEAL = (13, 148, 136, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)
ASSETS = Path(__file__).resolve().parent.parent / "assets"


def _png(size: int, pixel) -> bytes:
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(size)) for y in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def _cross(u: float, v: float, half_arm: float, half_width: float) -> bool:
    du, dv = abs(u - 0.5), abs(v - 0.5)
    return (du <= half_width and dv <= half_arm) or (dv <= half_width and du <= half_arm)


def any_icon(size: int) -> bytes:
    margin = 8 / 192

    def pixel(x: int, y: int):
        u, v = (x + 0.5) / size, (y + 0.5) / size
        if not (margin <= u <= 1 - margin and margin <= v <= 1 - margin):
            return CLEAR
        return WHITE if _cross(u, v, half_arm=62 / 192, half_width=24 / 192) else TEAL

    return _png(size, pixel)


def maskable_icon(size: int) -> bytes:
    def pixel(x: int, y: int):
        u, v = (x + 0.5) / size, (y + 0.5) / size
        return WHITE if _cross(u, v, half_arm=0.22, half_width=0.085) else TEAL

    return _png(size, pixel)


def main() -> None:
    (ASSETS / "icon-512.png").write_bytes(any_icon(512))
    (ASSETS / "icon-maskable-512.png").write_bytes(maskable_icon(512))
    (ASSETS / "icon-maskable-192.png").write_bytes(maskable_icon(192))


if __name__ == "__main__":
    main()
