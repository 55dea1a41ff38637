"""A call's card: compact and whole, the model's text shown, never obeyed."""

from __future__ import annotations

from livetui.core.tools.card import ToolCard
from livetui.ui.widgets.toolcard import COMPACT_CHARS, card_text


def test_compact_card_is_three_short_lines() -> None:
    card = ToolCard("id-1", "get_weather", {"city": "Paris", "notes": "x" * 500}, state="answered",
                    response={"output": {"temp": 21}}, took_s=0.4123)
    head, args, result = card_text(card, expanded=False).splitlines()
    assert head == "⚙ get_weather · answered · 412 ms"
    assert args.startswith('args {"city": "Paris"') and args.endswith("…") and len(args) == len("args ") + COMPACT_CHARS
    assert result == '→ {"temp": 21}'


def test_an_error_result_and_a_note() -> None:
    failed = ToolCard("id-2", "rm", {}, state="failed", response={"error": "no function named 'rm' is declared"}, note="not declared")
    assert card_text(failed, expanded=False).splitlines()[-1] == "error no function named 'rm' is declared"
    cancelled = ToolCard("id-3", "look_up", state="cancelled", note="cancelled by the model (toolCallCancellation)", took_s=2.5)
    head, _, note = card_text(cancelled, expanded=False).splitlines()
    assert head.endswith("cancelled · 2.5 s") and "toolCallCancellation" in note


def test_expanded_card_shows_all_of_it() -> None:
    card = ToolCard("id-4", "look_up", {"what": "tides"}, state="answered", behavior="NON_BLOCKING", scheduling="SILENT",
                    response={"output": [1, 2]}, took_s=1.0)
    text = card_text(card, expanded=True)
    assert "NON_BLOCKING · SILENT · at " in text.splitlines()[0]
    assert '"what": "tides"' in text and "result:\n{\n  \"output\": [" in text and text.endswith("id: id-4")


def test_the_models_text_is_shown_not_obeyed() -> None:
    card = ToolCard("id-5", "evil\x1b]0;pwned\x07\nname", {"k": "\x1b[2J\u202e"}, state="waiting")
    for expanded in (False, True):
        text = card_text(card, expanded)
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    head = card_text(card, expanded=False).splitlines()[0]
    assert head.startswith("⚙ evil␛]0;pwned␇ name")  # one line: its line break a space
