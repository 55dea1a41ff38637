"""Write only the cells that changed, with the fewest colour codes: less traffic over SSH.

Textual repaints whole regions: a widget that refreshes has every one of its
lines written again, and each run of text is wrapped in its full colour code and
a reset (``ESC[38;2;r;g;b;48;2;r;g;bm text ESC[0m``). A streaming answer that
grows by a word, or a level meter that moves by a cell, costs whole lines.

`ShadowScreen` remembers what the terminal shows (one cell: character and
style) and turns each partial update of the compositor into writes of the cells
that differ, changing only the colour attributes that differ from the previous
cell's. Full updates (start, resize, a screen pushed) are written as Textual
writes them and only recorded. The app routes its updates through it
(`LiveTuiApp.frame`, ui/textual_internals.py); nothing else writes cells to the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.strip import SGR_STYLES, Strip

from .textual_internals import (
    ChopsUpdate,
    CompositorUpdate,
    LayoutUpdate,
    attribute_bits,
    color_system,
)

GAP = 6  # unchanged cells between two changed runs written over rather than jumped (a move costs ~7 bytes)


class Sgr(NamedTuple):
    """A style as the terminal needs it: attribute codes, foreground, background, all of it."""

    attrs: frozenset[str]
    fg: str
    bg: str
    full: str


PLAIN = Sgr(frozenset(), "", "", "")
UNKNOWN = object()  # a cell whose content on the terminal is not known: always written


def _sgr(style: Style | None, colors: ColorSystem, cache: dict) -> Sgr:
    if style is None:
        return PLAIN
    found = cache.get(style)
    if found is None:
        bits = attribute_bits(style)
        attrs = [SGR_STYLES[i] for i in range(bits.bit_length()) if bits & (1 << i)]
        fg = ";".join(style.color.downgrade(colors).get_ansi_codes()) if style.color is not None else ""
        bg = ";".join(style.bgcolor.downgrade(colors).get_ansi_codes(False)) if style.bgcolor is not None else ""
        found = cache[style] = Sgr(frozenset(attrs), fg, bg, ";".join([*attrs, *([fg] if fg else []), *([bg] if bg else [])]))
    return found


def transition(old: Sgr, new: Sgr) -> str:
    """The shortest SGR sequence that turns `old` into `new` (a reset only when something must go)."""
    if old is new or old == new:
        return ""
    if not old.attrs <= new.attrs or (old.fg and not new.fg) or (old.bg and not new.bg):
        return f"\x1b[0;{new.full}m" if new.full else "\x1b[0m"
    codes = sorted(new.attrs - old.attrs)
    if new.fg != old.fg:
        codes.append(new.fg)
    if new.bg != old.bg:
        codes.append(new.bg)
    return f"\x1b[{';'.join(codes)}m"


Cell = tuple  # (text, Sgr, width): width 2 for a wide character, 0 for the cell it covers


class ShadowScreen:
    """What the terminal shows, cell by cell, and the updates that change only what differs."""

    def __init__(self) -> None:
        self.rows: list[list] = []
        self._styles: dict[Style, Sgr] = {}

    def _row(self, y: int, width: int) -> list:
        while len(self.rows) <= y:
            self.rows.append([])
        row = self.rows[y]
        if len(row) < width:
            row.extend([UNKNOWN] * (width - len(row)))
        return row

    def _cells(self, strip: Strip | Iterable[Segment], colors: ColorSystem) -> list[Cell] | None:
        """The strip as cells; None when it holds what cells cannot say (control codes, links)."""
        cells: list[Cell] = []
        styles = self._styles
        for text, style, control in strip:
            if control or (style is not None and style.link):
                return None
            sgr = _sgr(style, colors, styles)
            if text.isascii():
                cells.extend([(ch, sgr, 1) for ch in text])
                continue
            for ch in text:
                width = Segment(ch).cell_length
                if width == 2:
                    cells.append((ch, sgr, 2))
                    cells.append(("", sgr, 0))
                elif width == 1:
                    cells.append((ch, sgr, 1))
                elif cells:  # a combining mark rides on the previous cell
                    prev_text, prev_sgr, prev_width = cells[-1 if cells[-1][2] else -2]
                    cells[-1 if cells[-1][2] else -2] = (prev_text + ch, prev_sgr, prev_width)
        return cells

    def invalidate(self) -> None:
        """Forget what the terminal shows (it was cleared, resized, or written by someone else)."""
        self.rows = []

    def record_full(self, update: LayoutUpdate, colors: ColorSystem) -> None:
        """A full update is written as it is; remember what it put where."""
        self.rows = []
        region = update.region
        for y, line in enumerate(update.strips, region.y):
            row = self._row(y, region.right)
            x = region.x
            for strip in line:
                cells = self._cells(strip, colors)
                length = strip.cell_length
                row[x : x + length] = cells if cells is not None and len(cells) == length else [UNKNOWN] * length
                x += length

    def render_partial(self, update: ChopsUpdate, console: Console) -> str:
        """The terminal sequences for a partial update: changed cells only."""
        colors = color_system(console)
        out: list[str] = []
        state = PLAIN  # every update starts and ends with the attributes reset
        for x, y, strip in _pieces(update):
            cells = self._cells(strip, colors)
            length = strip.cell_length
            row = self._row(y, x + length)
            if cells is None or len(cells) != length:  # as Textual writes it
                if state is not PLAIN:
                    out.append("\x1b[0m")
                    state = PLAIN
                out.append(f"\x1b[{y + 1};{x + 1}H")
                out.append(strip.render(console))
                # What it covers is not known for sure (a crop can leave more text than its
                # length says): the rest of the line is written again next time.
                row[x:] = [UNKNOWN] * (len(row) - x)  # (it ends reset: PLAIN again)
                continue
            old = row[x : x + length]
            changed = [i for i in range(length) if old[i] != cells[i]]
            if not changed:
                continue
            # A wide character is written whole, and so is one being overwritten.
            wide = set(changed)
            for i in changed:
                for cell in (old[i], cells[i]):
                    if cell is not UNKNOWN and cell[2] == 0 and i > 0:
                        wide.add(i - 1)
                    elif cell is not UNKNOWN and cell[2] == 2 and i + 1 < length:
                        wide.add(i + 1)
            changed = sorted(wide)
            runs: list[list[int]] = []
            for i in changed:
                if runs and i - runs[-1][1] <= GAP:
                    runs[-1][1] = i
                else:
                    runs.append([i, i])
            for start, end in runs:
                if cells[start][2] == 0 and start > 0:
                    start -= 1
                out.append(f"\x1b[{y + 1};{x + start + 1}H")
                for text, sgr, width in cells[start : end + 1]:
                    if width == 0:
                        continue
                    if sgr is not state:
                        out.append(transition(state, sgr))
                        state = sgr
                    out.append(text)
            row[x : x + length] = cells
        if state is not PLAIN:
            out.append("\x1b[0m")
        return "".join(out)


def _pieces(update: ChopsUpdate) -> Iterable[tuple[int, int, Strip]]:
    """(x, y, strip) for what a ChopsUpdate writes, cropped exactly as its own render_segments does."""
    chops, chop_ends = update.chops, update.chop_ends
    for y, x1, x2 in update.spans:
        for end, (x, strip) in zip(chop_ends[y], chops[y].items()):
            if strip is None or x > x2 or end <= x1:
                continue
            if x2 > x >= x1 and end <= x2:
                yield x, y, strip
            else:
                yield x, y, strip.crop(0, min(end, x2) - x)


class DiffUpdate(CompositorUpdate):
    """A compositor update that writes through a ShadowScreen."""

    def __init__(self, update: CompositorUpdate, shadow: ShadowScreen) -> None:
        self.update = update
        self.shadow = shadow

    def render_segments(self, console: Console) -> str:
        update, shadow = self.update, self.shadow
        if isinstance(update, ChopsUpdate):
            return shadow.render_partial(update, console)
        text = update.render_segments(console)
        if isinstance(update, LayoutUpdate):
            shadow.record_full(update, color_system(console))
        else:
            shadow.invalidate()
        return text
