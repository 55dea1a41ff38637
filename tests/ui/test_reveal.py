"""Streamed answer text drawn in small steps: never a word lost, reordered or held long."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from livetui.ui.widgets.reveal import MAX_GAP, MAX_PENDING, Reveal

TICK = 1 / 12


def test_a_part_is_spread_over_the_usual_gap_in_whole_words() -> None:
    r = Reveal(TICK)
    r.add("", 0.0)
    r.add("The quick brown fox jumps over the lazy dog. ", 0.2)  # parts come 0.2 s apart
    pieces = []
    t = 0.2
    while r.pending:
        t += TICK
        pieces.append(r.step(t))
    assert len(pieces) >= 2, "one part became more than one step on screen"
    assert "".join(pieces) == "The quick brown fox jumps over the lazy dog. "
    assert all(p.endswith(" ") for p in pieces[:-1]), "a step ended inside a word"
    assert t <= 0.2 + r.gap + TICK, "the part was not all shown by the time the next was due"


def test_an_overdue_next_part_releases_everything() -> None:
    r = Reveal(TICK)
    r.add("", 0.0)
    r.add("one two three four five six seven ", 0.2)
    assert r.step(0.2 + r.gap + 0.01) == "one two three four five six seven "


def test_a_flood_is_shown_at_once() -> None:
    r = Reveal(TICK)
    r.add("", 0.0)
    r.add("word " * (MAX_PENDING // 5 + 1), 0.3)
    assert r.step(0.31) and not r.pending


def test_parts_arriving_as_fast_as_they_can_are_not_paced() -> None:
    r = Reveal(TICK)
    t = 0.0
    for i in range(20):  # a simulator at full speed: parts 1 ms apart
        r.add(f"w{i} ", t)
        t += 0.001
    assert r.step(t) == "".join(f"w{i} " for i in range(20))


def test_a_slow_stream_is_not_spread_thinner_than_max_gap() -> None:
    r = Reveal(TICK)
    for i in range(10):
        r.add("a b c ", 5.0 * i)
    assert r.gap == MAX_GAP


@given(st.lists(st.tuples(st.text(max_size=40), st.floats(0, 0.6), st.integers(0, 4)), max_size=30))
def test_every_character_comes_out_once_in_order(parts: list[tuple[str, float, int]]) -> None:
    r = Reveal(TICK)
    shown, sent, t = [], [], 0.0
    for text, wait, steps in parts:
        t += wait
        r.add(text, t)
        sent.append(text)
        for _ in range(steps):
            t += TICK
            shown.append(r.step(t))
    shown.append(r.rest())
    assert "".join(shown) == "".join(sent)
