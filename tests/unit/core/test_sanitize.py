"""Outside text is data: the one sanitising rule, where it applies (decode, load, export)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from google.genai import types
from hypothesis import given
from hypothesis import strategies as st

from livetui.core.decode import describe_message, events_from_message
from livetui.core.events import FunctionCall, InputTranscript, OutputTranscript, TextDelta, ToolCall, TurnComplete
from livetui.core.sanitize import escape_in_json, is_safe, safe_text
from livetui.core.store import Record, TranscriptStore, export_jsonl, export_markdown, list_conversations, load

HOSTILE = "\x1b]0;pwned\x07\x1b[2J"  # retitle the terminal, then clear it
SHOWN = "␛]0;pwned␇␛[2J"
KEPT = "e\u0301 👩\u200d👩\u200d👧 שלום مرحبا \u200c\u200e\u2028 tab\there\nnext line"  # marks, joiners, RTL, emoji


def _is_control(c: str) -> bool:
    code = ord(c)
    return (code < 0x20 and c not in "\n\t") or 0x7F <= code < 0xA0


def _is_bidi_control(c: str) -> bool:
    return 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069


# --- the rule ------------------------------------------------------------------------------


def test_escape_sequences_become_visible_and_inert() -> None:
    assert safe_text(HOSTILE) == SHOWN
    osc52 = "\x1b]52;c;cm0gLXJmIH4=\x1b\\"  # ask the terminal to write the clipboard
    assert safe_text(osc52) == "␛]52;c;cm0gLXJmIH4=␛\\"
    assert safe_text("\x1bP1$r\x1b\\ \x9b2J \x9d0;t\x9c \x7f \x00 \r") == "␛P1$r␛\\ <U+009B>2J <U+009D>0;t<U+009C> ␡ ␀ ␍"


def test_bidi_overrides_are_shown_not_obeyed() -> None:
    # "txt.exe" spelled so that an obeyed RLO would show it as "exe.txt"
    assert safe_text("invoice\u202etxt.exe") == "invoice<U+202E>txt.exe"
    assert safe_text("\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069") == (
        "<U+202A><U+202B><U+202C><U+202D><U+2066><U+2067><U+2068><U+2069>"
    )


def test_everything_else_is_kept_exactly() -> None:
    assert safe_text(KEPT) == KEPT
    assert is_safe(KEPT) and not is_safe(HOSTILE) and not is_safe("\u202e")


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    shown = safe_text(text)
    assert not any(_is_control(c) or _is_bidi_control(c) for c in shown)
    assert "\x1b" not in shown and is_safe(shown)
    assert safe_text(shown) == shown  # applied twice (decode, then export): no change


@given(st.text(st.characters(blacklist_categories=("Cc",), blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")))
def test_text_without_controls_is_untouched(text: str) -> None:
    assert safe_text(text) == text


@given(st.text())
def test_json_escaping_keeps_the_value_and_prints_safely(text: str) -> None:
    line = escape_in_json(json.dumps({"text": text}, ensure_ascii=False))
    assert json.loads(line)["text"] == text
    assert not any(_is_control(c) or _is_bidi_control(c) for c in line)


# --- decode: the one reader of SDK messages ------------------------------------------------


def wire(data: dict) -> types.LiveServerMessage:
    return types.LiveServerMessage.model_validate(data)


def test_a_model_answer_with_escape_codes_arrives_as_visible_text() -> None:
    msg = wire(
        {
            "serverContent": {
                "modelTurn": {"parts": [{"text": f"hi {HOSTILE}"}, {"text": "\u202eplan", "thought": True}]},
                "outputTranscription": {"text": f"said {HOSTILE}"},
                "inputTranscription": {"text": "heard \x9b2J"},
                "turnComplete": True,
            }
        }
    )
    events = events_from_message(msg)
    assert TextDelta(f"hi {SHOWN}") in events
    assert TextDelta("<U+202E>plan", thought=True) in events
    assert OutputTranscript(f"said {SHOWN}", finished=False) in events
    assert InputTranscript("heard <U+009B>2J", finished=False) in events
    assert any(isinstance(e, TurnComplete) for e in events)
    kind, summary = describe_message(msg)
    assert is_safe(summary) and "heard <U+009B>2J" in summary and "\\u001b]0;pwned" in summary  # JSON-quoted


def test_a_tool_call_name_is_shown_safely_and_its_arguments_reach_the_tool_exactly() -> None:
    msg = wire({"toolCall": {"functionCalls": [{"id": "c1", "name": "get\x1b[2J", "args": {"q": "\x1b[31m"}}]}})
    assert events_from_message(msg) == [ToolCall((FunctionCall(id="c1", name="get␛[2J", args={"q": "\x1b[31m"}),))]
    assert is_safe(describe_message(msg)[1])


def test_unicode_in_model_text_is_kept_exactly() -> None:
    assert events_from_message(wire({"serverContent": {"modelTurn": {"parts": [{"text": KEPT}]}}})) == [TextDelta(KEPT)]


# --- transcripts on disk and their exports -------------------------------------------------


def _hostile_transcript(folder: Path) -> Path:
    """Written raw, as an older version or an editor could have left it."""
    store = TranscriptStore.create(folder, conversation_id="20261125-093000-ab12", environ={})
    with store:
        store.write(Record.start("m\x1b]0;x\x07", "TEXT"))
        store.write(Record.user(1, f"paste {HOSTILE}"))
        store.write(Record.model(2, f"answer {HOSTILE} \x9b?1049l \u202eabc {KEPT}"))
        store.write(Record.system("error \x1b]52;c;eA==\x07", "error"))
    return store.path


def test_markdown_export_shows_control_codes_and_keeps_unicode(tmp_path: Path) -> None:
    md = export_markdown(load(_hostile_transcript(tmp_path)), environ={})
    assert not any(_is_control(c) or _is_bidi_control(c) for c in md)
    assert f"paste {SHOWN}" in md and f"answer {SHOWN} <U+009B>?1049l <U+202E>abc" in md
    assert KEPT.replace("\n", "") in md.replace("\n", "")  # kept exactly (newlines are layout)


def test_jsonl_export_keeps_the_exact_text_json_escaped(tmp_path: Path) -> None:
    path = _hostile_transcript(tmp_path)
    exported = export_jsonl(load(path), environ={})
    assert not any(_is_control(c) or _is_bidi_control(c) for c in exported.replace("\n", ""))
    texts = [json.loads(line).get("text") for line in exported.split("\n") if line]  # not splitlines: U+2028
    assert f"answer {HOSTILE} \x9b?1049l \u202eabc {KEPT}" in texts  # the same value once parsed


def test_turns_read_back_from_disk_are_shown_not_obeyed(tmp_path: Path) -> None:
    loaded = load(_hostile_transcript(tmp_path))
    assert all(is_safe(turn.text) for turn in loaded.turns)
    assert loaded.turns[0].text == f"paste {SHOWN}"


def test_the_stand_ins_are_visible_characters() -> None:
    for c in "␛␇␀␡":
        assert unicodedata.category(c) == "So"


def test_a_listed_title_is_one_line_shown_safely_with_its_joiners_kept(tmp_path: Path) -> None:
    _hostile_transcript(tmp_path)
    [info] = list_conversations(tmp_path)
    assert info.title == f"paste {SHOWN}"
    with TranscriptStore.create(tmp_path, conversation_id="20261125-093100-cd34", environ={}) as store:
        store.write(Record.user(1, "family \U0001f469\u200d\U0001f469\u200d\U0001f467\n\tnext \u202eabc"))
    titles = {info.id: info.title for info in list_conversations(tmp_path)}
    assert titles["20261125-093100-cd34"] == "family \U0001f469\u200d\U0001f469\u200d\U0001f467 next <U+202E>abc"
