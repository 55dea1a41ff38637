"""The changed-cells writer (ui/terminal.py) must leave the terminal exactly as Textual's own writes would."""

from __future__ import annotations

import random

import pyte
import pytest
from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

from livetui.ui.terminal import PLAIN, DiffUpdate, ShadowScreen, _sgr, transition
from livetui.ui.textual_internals import ChopsUpdate, LayoutUpdate

W, H = 30, 6
STYLES = [
    None,
    Style(color="red"),
    Style(color="#102030", bgcolor="#121212"),
    Style(bold=True, color="green", bgcolor="#121212"),
    Style(dim=True, italic=True),
    Style(bgcolor="blue"),
    Style(strike=True, color="#ff8800"),
    Style(reverse=True, bold=True),
]
TEXTS = ["a", "bc", "hello", " ", "····", "▮▮▮", "界", "x界y", "──", "e\u0301"]


def random_strip(rng: random.Random, width: int) -> Strip:
    segments: list[Segment] = []
    used = 0
    while used < width:
        text = rng.choice(TEXTS)
        if used + Segment(text).cell_length > width:
            text = " " * (width - used)
        segments.append(Segment(text, rng.choice(STYLES)))
        used += Segment(text).cell_length
    return Strip(segments, width)


def random_chops(rng: random.Random) -> ChopsUpdate:
    """Two side-by-side widgets per line (a cut at x=cut), some lines updated, some spans partial."""
    cut = 18
    chops, ends, spans = [], [], []
    for y in range(H):
        chops.append({0: random_strip(rng, cut), cut: random_strip(rng, W - cut)})
        ends.append([cut, W])
        if rng.random() < 0.6:
            x1 = rng.choice([0, 0, 3, cut])
            x2 = rng.choice([W, W, cut + 5, cut])
            if x2 > x1:
                spans.append((y, x1, x2))
    if not spans:
        spans.append((0, 0, W))
    return ChopsUpdate(chops, spans, ends)


class Terminal:
    def __init__(self) -> None:
        self.screen = pyte.Screen(W, H)
        self.stream = pyte.ByteStream(self.screen)
        self.stream.feed(b"\x1b[?7l")  # no auto-wrap, as Textual sets it

    def feed(self, text: str) -> list[list[tuple[str, str, str, bool, bool]]]:
        self.stream.feed(text.encode())
        buffer = self.screen.buffer
        return [[(c.data, c.fg, c.bg, c.bold, c.strikethrough) for c in (buffer[y][x] for x in range(W))] for y in range(H)]


@pytest.mark.parametrize("seed", range(8))
def test_changed_cells_draw_what_textual_draws(seed: int):
    rng = random.Random(seed)
    console = Console(color_system="truecolor", force_terminal=True, width=W)
    shadow = ShadowScreen()
    ours, textual = Terminal(), Terminal()
    full = LayoutUpdate([[random_strip(rng, W)] for _ in range(H)], Region(0, 0, W, H))
    ours.feed(DiffUpdate(full, shadow).render_segments(console))
    textual.feed(full.render_segments(console))
    for _ in range(60):
        update = random_chops(rng)
        assert ours.feed(DiffUpdate(update, shadow).render_segments(console)) == textual.feed(update.render_segments(console))


def test_an_unchanged_update_writes_nothing():
    console = Console(color_system="truecolor", force_terminal=True, width=W)
    shadow = ShadowScreen()
    strips = [random_strip(random.Random(y), W) for y in range(H)]
    DiffUpdate(LayoutUpdate([[s] for s in strips], Region(0, 0, W, H)), shadow).render_segments(console)
    same = ChopsUpdate([{0: s} for s in strips], [(y, 0, W) for y in range(H)], [[W] for _ in range(H)])
    assert DiffUpdate(same, shadow).render_segments(console) == ""
    shadow.invalidate()  # forgotten: written again
    assert DiffUpdate(same, shadow).render_segments(console) != ""


def test_colour_changes_name_only_what_changes():
    cache: dict = {}
    bg = Style(bgcolor="#121212")
    fg_on_bg = Style(color="#ff0000", bgcolor="#121212")
    bold = Style(bold=True, color="#ff0000", bgcolor="#121212")
    a, b, c = (_sgr(s, ColorSystem.TRUECOLOR, cache) for s in (bg, fg_on_bg, bold))
    assert transition(a, b) == "\x1b[38;2;255;0;0m"  # the background stays
    assert transition(b, c) == "\x1b[1m"
    assert transition(c, b).startswith("\x1b[0;")  # bold must go: reset, then the rest
    assert transition(b, PLAIN) == "\x1b[0m"
