"""The README's pictures: every box closes on its right side.

At 120x40 the PNGs showed a stray vertical bar one column right of each chat box and
Markdown table. Textual's SVG and the terminal were right (each ╮ above its │); the
PNG was not: rsvg-convert ignores textLength, so a long run of ─ drawn in the font's
own widths ended short of its cells while the │ of the rows between, one glyph a run,
stood at the right cell. scripts/screenshots.py now places each glyph at its cell."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from scripts.screenshots import CELL_PX, png_svg

SNAPSHOTS = Path(__file__).parent / "ui" / "__snapshots__" / "test_snapshots"
PICTURES = sorted(SNAPSHOTS.glob("*120x40*.svg"))
TEXT = re.compile(r'<text class="[^"]*" x="([0-9.]+)" y="([0-9.]+)" textLength="([0-9.]+)"[^>]*>([^<]*)</text>')


def grid(svg: str) -> dict[tuple[int, int], str]:
    """(row, column) -> glyph, each run's glyphs laid on the cells its x starts at."""
    cells: dict[tuple[int, int], str] = {}
    rows: dict[str, int] = {}
    for x, y, _, text in TEXT.findall(svg):
        row = rows.setdefault(y, len(rows))
        col = round(float(x) / CELL_PX)
        for i, char in enumerate(html.unescape(text)):
            cells[(row, col + i)] = char
    return cells


def open_sides(cells: dict[tuple[int, int], str]) -> list[str]:
    """Each ╮ whose column, going down, meets something other than │ before its ╯."""
    wrong = []
    for (row, col), char in cells.items():
        if char != "╮":
            continue
        below = row + 1
        while (found := cells.get((below, col), " ")) == "│":
            below += 1
        if found != "╯" and found not in "▔▁▂▃▄▅▆▇█╭╮":  # a box ends, or another starts under it
            wrong.append(f"row {below}, column {col}: {found!r} under the ╮ of row {row}")
    return wrong


@pytest.mark.parametrize("picture", PICTURES, ids=lambda p: p.stem)
def test_textuals_svg_closes_every_box(picture: Path) -> None:
    assert open_sides(grid(picture.read_text())) == []


@pytest.mark.parametrize("picture", PICTURES, ids=lambda p: p.stem)
def test_the_png_copy_places_every_glyph_at_its_cell(picture: Path) -> None:
    """A renderer that ignores textLength draws each run from its x in the font's widths:
    with one glyph a run, nothing can drift. The cells are those of Textual's SVG."""
    svg = picture.read_text()
    copy = png_svg(svg)
    runs = TEXT.findall(copy)
    assert runs and all(len(html.unescape(text)) == 1 for _, _, _, text in runs)
    assert grid(copy) == grid(svg)


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert (librsvg2-bin) is not installed")
def test_rsvg_draws_a_box_corner_above_its_side(tmp_path: Path) -> None:
    """The PNG itself: a long top border's ╮ and the │ under it in the same pixel column."""
    run = "─" * 85 + "╮"
    svg = (
        '<svg class="rich-terminal" viewBox="0 0 1100 100" xmlns="http://www.w3.org/2000/svg"><style>\n'
        "text { font-size: 20px; fill: #000; } </style><g class=\"terminal-matrix\">"
        f'<text class="r1" x="0" y="40" textLength="{86 * CELL_PX:.1f}" clip-path="url(#l0)">{run}</text>'
        f'<text class="r1" x="{85 * CELL_PX:.1f}" y="64.4" textLength="{CELL_PX}" clip-path="url(#l1)">│</text>'
        "</g></svg>"
    )
    png = tmp_path / "box.png"
    subprocess.run(["rsvg-convert", "--background-color", "white", "--output", str(png)], input=png_svg(svg).encode(), check=True)
    corner, side = dark_columns(png, 41), dark_columns(png, 58)
    assert corner and side and corner == side, (corner, side)


def dark_columns(png: Path, y: int) -> list[int]:
    """The x's of the dark pixels on row `y` of an 8-bit RGB(A) PNG (no imaging library)."""
    import struct
    import zlib

    data = png.read_bytes()
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, _, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
    raw, bpp = zlib.decompress(idat), {6: 4, 2: 3}[colour]
    stride, prev, i = width * bpp, bytearray(width * bpp), 0
    for row in range(height):
        kind_, line = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
            if kind_ == 1:
                line[x] = (line[x] + a) & 255
            elif kind_ == 2:
                line[x] = (line[x] + b) & 255
            elif kind_ == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind_ == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if row == y:
            return [x for x in range(width) if line[x * bpp] < 128]
        prev = line
    return []
