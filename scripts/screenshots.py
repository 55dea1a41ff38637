"""Regenerate screenshots/*.svg and screenshots/*.png from the app states the tests use.

    make screenshots                       # or:
    .venv/bin/python scripts/screenshots.py [--out DIR] [STATE ...]

Each picture runs the real app headless against a fresh `livetui-sim` process, drives it
by keys with the state's `run_before` from tests/ui/states.py (the same code the snapshot
tests run), exports an SVG with `App.export_screenshot()` and converts it to PNG with
`rsvg-convert` (package librsvg2-bin), then shrinks the PNG with `pngquant` when it is
installed.

Two things rsvg-convert does differently from a browser, corrected in the copy it is given
(the .svg kept next to the .png is Textual's own, right in a browser and in a terminal):
- it drops leading non-breaking spaces unless the document says xml:space="preserve",
  which shifts right-aligned columns (the token counter, the help table) to the left;
- it ignores `textLength`, so a long run of text in a font narrower than Rich's 0.61 em
  grid falls short of its cells: a box's top and bottom runs ended a column or so early,
  and its sides, drawn one glyph a run at the right cell, stood apart from them like a
  stray bar right of the box (the same beside every Markdown table). Spacing the font
  out with letter-spacing fell short too. So every glyph is placed at its own cell
  (`on_grid`), and the font (DejaVu Sans Mono) no longer decides where a cell is.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.cells import cell_len  # noqa: E402 - after the path is set, as the import below

from tests.ui.states import BY_NAME, STATES, State, make_app, sim_backend

BIG, SMALL = (120, 40), (80, 24)
# Every state at 120x40, and the idle console at 80x24 as well.
SHOTS: list[tuple[State, tuple[int, int]]] = [(state, BIG) for state in STATES] + [(BY_NAME["idle"], SMALL)]

FONT = "DejaVu Sans Mono"
GRID_EM = 0.61  # Rich's SVG export: char width = 0.61 * font size
FONT_SIZE_PX = 20
CELL_PX = GRID_EM * FONT_SIZE_PX  # one terminal cell's width in Textual's SVG
PNG_FIX = "<style>\n" f"    .terminal-matrix text {{ font-family: \"{FONT}\", monospace; }}\n"
# One run of cells in Textual's SVG: <text class=… x=… y=… textLength=… clip-path=…>text</text>
RUN = re.compile(r'(<text class="[^"]*" x=")([0-9.]+)("[^>]*\btextLength="[^>]*>)([^<]*)(</text>)')


def name_of(state: State, size: tuple[int, int]) -> str:
    return f"{state.name}-{size[0]}x{size[1]}"


async def take(state: State, size: tuple[int, int]) -> str:
    """The SVG of `state` at `size`, as the snapshot test sees it."""
    with sim_backend() as backend:
        app = make_app(backend)
        async with app.run_test(size=size) as pilot:
            await state.run_before(pilot)
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            return app.export_screenshot(title=f"livetui · {state.caption}", simplify=True)


def on_grid(svg: str) -> str:
    """Each glyph of each run in a <text> of its own, at its cell's x: where a renderer
    that ignores textLength would draw a run in the font's own widths. (A list of x's on
    the run, one a glyph, is what SVG offers for this; rsvg-convert 2.54 drifts from it
    along a long run all the same.)"""

    def split(run: re.Match[str]) -> str:
        start, col, glyphs = float(run.group(2)), 0, []
        length = re.compile(r'textLength="[0-9.]+"')
        for char in html.unescape(run.group(4)):
            cells = cell_len(char)
            rest = length.sub(f'textLength="{max(cells, 1) * CELL_PX:.1f}"', run.group(3), count=1)
            glyphs.append(f"{run.group(1)}{start + col * CELL_PX:.1f}{rest}{html.escape(char, quote=False)}{run.group(5)}")
            col += cells
        return "".join(glyphs) or run.group(0)

    return RUN.sub(split, svg)


def png_svg(svg: str) -> str:
    """The copy of Textual's SVG that rsvg-convert is given (see the notes at the top)."""
    return on_grid(svg.replace("<svg ", '<svg xml:space="preserve" ', 1).replace("<style>\n", PNG_FIX, 1))


def to_png(svg: str, png: Path) -> None:
    fixed = png_svg(svg)
    subprocess.run(["rsvg-convert", "--format", "png", "--output", str(png)], input=fixed.encode(), check=True)
    if shutil.which("pngquant"):
        # A terminal has few colours: a palette of 64 keeps the text crisp at a third of the size.
        subprocess.run(
            ["pngquant", "--force", "--skip-if-larger", "--strip", "--speed", "1", "--output", str(png), "64", "--", str(png)],
            check=False,
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "screenshots", help="directory for the .svg and .png files")
    p.add_argument("states", nargs="*", metavar="STATE", help=f"only these ({', '.join(BY_NAME)}); default: all")
    args = p.parse_args(argv)
    unknown = sorted(set(args.states) - set(BY_NAME))
    if unknown:
        p.error(f"unknown state(s): {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    if not shutil.which("rsvg-convert"):
        print("screenshots: rsvg-convert is missing: apt-get install -y librsvg2-bin", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for state, size in SHOTS:
        if args.states and state.name not in args.states:
            continue
        name = name_of(state, size)
        started = time.monotonic()
        svg = asyncio.run(take(state, size))
        (args.out / f"{name}.svg").write_text(svg, encoding="utf-8")
        png = args.out / f"{name}.png"
        to_png(svg, png)
        print(f"{png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}  {png.stat().st_size // 1024} KB  ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
