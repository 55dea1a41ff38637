"""The screen writer's last line of defence (ui/safescreen.py): whatever text a frame holds,
only the console's own sequences reach the terminal, and the text shows as safe_text shows it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.geometry import Region
from textual.strip import Strip

from livetui.core.sanitize import safe_text, screen_text
from livetui.core.settings import Settings
from livetui.ui.app import LiveTuiApp
from livetui.ui.safescreen import safe_update
from livetui.ui.terminal import DiffUpdate, ShadowScreen
from livetui.ui.textual_internals import ChopsUpdate, LayoutUpdate
from tests.faults.helpers import foreign_sequences
from tests.faults.hostile import hostile_text

STYLES = [None, Style(color="red"), Style(bold=True, color="#102030", bgcolor="#121212")]
OWN = re.compile(r"\x1b\[[0-9;]*[mH]")  # what is left once foreign_sequences found nothing


def strip(texts: list[str]) -> Strip:
    """A line as a widget draws it: a border, then the texts as segments of their own."""
    return Strip([Segment("│", STYLES[1]), *(Segment(t, STYLES[i % 3]) for i, t in enumerate(texts))])


def console(width: int = 400) -> Console:
    return Console(color_system="truecolor", force_terminal=True, width=width)


def visible(drawn: str) -> str:
    assert foreign_sequences(drawn.encode()) == []
    return OWN.sub("", drawn)


lines = st.lists(st.lists(hostile_text, min_size=1, max_size=4), min_size=1, max_size=3)


@settings(max_examples=150, deadline=None)
@given(lines)
def test_any_text_is_drawn_as_safe_text_through_every_path(texts: list[list[str]]):
    strips = [strip(line) for line in texts]
    width = max(s.cell_length for s in strips)
    expected = ["│" + "".join(screen_text(t) for t in line) for line in texts]
    # Tab and newline become pictures too (a cell holds neither); otherwise exactly safe_text.
    assert [e.replace("␉", "\t").replace("␊", "\n") for e in expected] == ["│" + safe_text("".join(line)) for line in texts]
    full = LayoutUpdate([[s] for s in strips], Region(0, 0, width, len(strips)))
    chops = ChopsUpdate([{0: s} for s in strips], [(y, 0, width) for y in range(len(strips))], [[width] for _ in strips])

    # LIVETUI_FULL_REPAINT: updates written as Textual writes them.
    assert visible(safe_update(full).render_segments(console())) == "\n".join(expected)
    assert visible(safe_update(chops).render_segments(console())) == "\n".join(expected)
    # The changed-cells writer: a full update, then a partial one into a screen it does not know.
    assert visible(DiffUpdate(safe_update(full), ShadowScreen()).render_segments(console())) == "\n".join(expected)
    assert visible(DiffUpdate(safe_update(chops), ShadowScreen()).render_segments(console())) == "".join(expected)


def test_a_partial_update_over_a_known_screen_writes_only_safe_cells():
    shadow = ShadowScreen()
    before = strip(["hello world"])
    DiffUpdate(LayoutUpdate([[before]], Region(0, 0, 12, 1)), shadow).render_segments(console())
    after = strip(["hello\x1b]0;pwn\x07"])
    drawn = DiffUpdate(safe_update(ChopsUpdate([{0: after}], [(0, 0, 12)], [[12]])), shadow).render_segments(console())
    assert foreign_sequences(drawn.encode()) == []
    assert "␛]0;pwn␇" in visible(drawn)


def test_a_clean_frame_passes_as_it_is():
    strips = [strip(["plain text, ", "naïve café 界 👩\u200d👩\u200d👧 e\u0301 שלום"]) for _ in range(3)]
    full = LayoutUpdate([[s] for s in strips], Region(0, 0, 60, 3))
    chops = ChopsUpdate([{0: s} for s in strips], [(1, 0, 60)], [[60]] * 3)
    assert safe_update(full) is full and safe_update(chops) is chops


def test_control_segments_are_textuals_own_and_pass():
    own = Strip([Segment("\x1b[?25l", None, [(1,)]), Segment("ok")])  # a control segment (control codes set)
    assert safe_update(LayoutUpdate([[own]], Region(0, 0, 2, 1))).strips[0][0] is own


def test_a_link_cannot_carry_a_sequence():
    hostile = Strip([Segment("click", Style(link="http://x/\x1b]0;pwn\x07\x1b[2J"))])
    drawn = safe_update(LayoutUpdate([[hostile]], Region(0, 0, 5, 1))).render_segments(console())
    assert "\x1b]0;pwn" not in drawn and "\x1b[2J" not in drawn and "\x07" not in drawn
    assert "http://x/␛]0;pwn␇␛[2J" in drawn


@pytest.mark.parametrize("full_repaint", [False, True])
def test_the_app_guards_every_update_it_displays(monkeypatch: pytest.MonkeyPatch, full_repaint: bool):
    """LiveTuiApp._display hands Textual only guarded updates, with and without the shadow."""
    monkeypatch.setenv("LIVETUI_FULL_REPAINT", "1") if full_repaint else monkeypatch.delenv("LIVETUI_FULL_REPAINT", raising=False)
    shown: list[Any] = []
    monkeypatch.setattr(App, "_display", lambda self, screen, renderable: shown.append(renderable))
    app = LiveTuiApp(Settings(), backend=None, audio=False)
    hostile = strip(["\x1b]52;c;cHduZWQ=\x07 \x1b[?1049l"])
    app._display(app.screen if app._screen_stack else None, LayoutUpdate([[hostile]], Region(0, 0, 40, 1)))
    drawn = shown[0].render_segments(console())
    assert isinstance(shown[0], DiffUpdate) is not full_repaint
    assert visible(drawn) == "│␛]52;c;cHduZWQ=␇ ␛[?1049l"
