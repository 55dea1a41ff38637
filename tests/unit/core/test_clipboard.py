"""OSC 52 for the terminal's clipboard (core/clipboard.py): the text only ever inside the
base64, the size past which nothing is sent, and the words after a copy."""

from __future__ import annotations

import base64

from livetui.core.clipboard import LIMIT, copied_notice, fits, is_clean, osc52, payload_size, route_note, too_big_notice

HOSTILE = "a\x1b]52;c;ZXZpbA==\x07b\x1b[201~c\x9b2J\u202e é 👩\u200d👩\u200d👧\n\tend"


def test_the_text_travels_only_as_base64() -> None:
    sequence = osc52(HOSTILE)
    assert is_clean(sequence)
    assert sequence.startswith("\x1b]52;c;") and sequence.endswith("\x07")
    inside = sequence[len("\x1b]52;c;") : -1]
    assert base64.b64decode(inside, validate=True).decode("utf-8") == HOSTILE
    assert sequence.count("\x1b") == 1 and sequence.count("\x07") == 1  # the framing's own, nothing else
    assert not is_clean("\x1b]52;c;abc\x07\x1b]0;title\x07")


def test_the_size_is_the_base64_length() -> None:
    for text in ("", "a", "ab", "abc", "é", "👩", "x" * 1000):
        assert payload_size(text) == len(osc52(text)) - len("\x1b]52;c;\x07")
    at_limit = "x" * (LIMIT // 4 * 3)
    assert payload_size(at_limit) == LIMIT and fits(at_limit)
    assert not fits(at_limit + "x")
    assert "Export" in too_big_notice("the conversation as Markdown", at_limit + "x")


def test_the_notice_says_what_may_stand_in_the_way() -> None:
    words, warn = copied_notice("the last answer", "x" * 1234, {})
    assert words.startswith("Copied the last answer (1,234 characters) through the terminal (OSC 52)")
    assert "cannot see" in words and not warn
    assert "set -g set-clipboard on" in copied_notice("it", "x", {"TMUX": "/tmp/tmux-1000/default,1,0"})[0]
    assert copied_notice("it", "x", {})[0].count("character") == 1 and "(1 character)" in copied_notice("it", "x", {})[0]
    assert route_note({"STY": "123.pts-0.host"})[1] is True
    assert route_note({"TERM_PROGRAM": "Apple_Terminal", "TMUX": "x"}) == route_note({"TERM_PROGRAM": "Apple_Terminal"})
