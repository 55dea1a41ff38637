"""Regenerate screenshots/*.svg and screenshots/*.png from the app states the tests use.

    make screenshots                       # or:
    .venv/bin/python scripts/screenshots.py [--out DIR] [STATE ...]

Each picture runs the real app headless against a fresh `livetui-sim` process, drives it
by keys with the state's `run_before` from tests/ui/states.py (the same code the snapshot
tests run), exports an SVG with `App.export_screenshot()` and converts it to PNG with
`rsvg-convert` (package librsvg2-bin), then shrinks the PNG with `pngquant` when it is
installed.

Two things rsvg-convert does differently from a browser, corrected in the copy it is given
(the .svg kept next to the .png is Textual's own):
- it drops leading non-breaking spaces unless the document says xml:space="preserve",
  which shifts right-aligned columns (the token counter, the help table) to the left;
- it ignores `textLength`, so a long run of text in a font narrower than Rich's 0.61 em
  grid falls short of the next run: box corners no longer meet their sides. The PNG is
  drawn in DejaVu Sans Mono (0.602 em), spaced out to the grid with letter-spacing.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ui.states import BY_NAME, STATES, State, make_app, sim_backend

BIG, SMALL = (120, 40), (80, 24)
# Every state at 120x40, and the idle console at 80x24 as well.
SHOTS: list[tuple[State, tuple[int, int]]] = [(state, BIG) for state in STATES] + [(BY_NAME["idle"], SMALL)]

FONT = "DejaVu Sans Mono"
FONT_ADVANCE_EM = 1233 / 2048  # DejaVu Sans Mono's advance width
GRID_EM = 0.61  # Rich's SVG export: char width = 0.61 * font size
FONT_SIZE_PX = 20
PNG_FIX = (
    "<style>\n"
    f"    .terminal-matrix text {{ font-family: \"{FONT}\", monospace;"
    f" letter-spacing: {(GRID_EM - FONT_ADVANCE_EM) * FONT_SIZE_PX:.3f}px; }}\n"
)


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


def to_png(svg: str, png: Path) -> None:
    fixed = svg.replace("<svg ", '<svg xml:space="preserve" ', 1).replace("<style>\n", PNG_FIX, 1)
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
