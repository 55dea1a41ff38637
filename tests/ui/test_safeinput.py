"""Terminal input read as data (ui/safeinput.py): a bracketed paste arrives whole, in order,
with its control characters visible, however the reads split it; other keys are untouched."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual import _parser, events

from livetui.core.sanitize import pasted_text
from livetui.ui.safeinput import END, START, PasteParser, _lenient_decoder
from tests.faults.hostile import hostile_text


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch):
    """A clock the test moves: `later()` makes every pending timeout due (no waiting)."""
    now = [1000.0]
    monkeypatch.setattr(_parser, "get_time", lambda: now[0])

    def advance() -> None:
        now[0] += 10

    return advance


def read(parser: PasteParser, *chunks: str, later=None) -> list[tuple[str, str]]:
    got = []
    for chunk in chunks:
        got += list(parser.feed(chunk))
        got += list(parser.tick())  # the driver ticks after each round of reads
        if later is not None:  # and the next read comes only after a pause
            got += list(parser.tick())
            later()
            got += list(parser.tick())
    return [("paste", e.text) if isinstance(e, events.Paste) else ("key", e.key) for e in got]


RAW = "ab" + START + "x\x1b]0;pwned\x07y\r\nz\x1b[2J\tw" + END + "cd"
WANT = [("key", "a"), ("key", "b"), ("paste", "x␛]0;pwned␇y\nz␛[2J\tw"), ("key", "c"), ("key", "d")]


def test_a_paste_with_escape_codes_arrives_whole_between_the_keys_around_it():
    assert read(PasteParser(), RAW) == WANT


@pytest.mark.parametrize("cut", range(1, len(RAW)))
def test_however_the_reads_split_it(cut: int, later):
    assert read(PasteParser(), RAW[:cut], RAW[cut:]) == WANT  # the second read follows at once
    if not 2 < cut < 2 + len(START):  # (a pause inside the start marker makes it keys: below)
        assert read(PasteParser(), RAW[:cut], RAW[cut:], later=later) == WANT  # or after a pause


@settings(max_examples=100, deadline=None)
@given(text=hostile_text, cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=3))
def test_any_pasted_text_arrives_as_pasted_text_shows_it(text: str, cuts: list[int]):
    raw = START + text + END
    chunks, start = [], 0
    for cut in sorted(c for c in cuts if c < len(raw)):
        chunks.append(raw[start:cut])
        start = cut
    chunks.append(raw[start:])
    if END in text:  # the terminal's own end marker inside a paste ends it: nothing can tell
        return
    assert read(PasteParser(), *[c for c in chunks if c]) == [("paste", pasted_text(text))]


def test_escape_alone_is_still_the_escape_key_at_the_first_pause():
    parser = PasteParser()
    assert list(parser.feed("\x1b")) == [] and list(parser.tick()) == []  # the same round of reads
    assert [e.key for e in parser.tick()] == ["escape"]  # 0.1 s without input


def test_the_start_of_a_marker_that_never_completes_is_read_as_keys(later):
    parser = PasteParser()
    assert [e.key for e in parser.feed("q\x1b[20")] == ["q"] and list(parser.tick()) == []
    keys = [e.key for e in parser.tick()]
    later()
    keys += [e.key for e in parser.tick()]
    assert keys and "2" in keys and "0" in keys  # given on, not lost


def test_bytes_that_are_not_utf8_are_read_as_replacement_characters():
    decode = _lenient_decoder("utf-8")().decode
    assert decode(b"ab\xff\xc3", final=False) + decode(b"cd", final=True) == "ab\ufffd\ufffdcd"
    assert codecs.getincrementaldecoder("utf-8")().errors == "strict"  # nothing global changed
