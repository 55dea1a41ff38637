"""Function calls in the transcript: written as their cards move, read back under their
answer (the last record of a call wins), exported, and brought back by continue."""

from __future__ import annotations

import json
from pathlib import Path

from livetui.core.conversation import Conversation, ToolCardChanged
from livetui.core.events import TextDelta, TurnComplete
from livetui.core.persist import Transcript
from livetui.core.store import TranscriptStore, export_jsonl, export_markdown, load
from livetui.core.tools.card import ToolCard

CID = "20261202-093000-cd34"


def conversation_with_calls(folder: Path) -> Path:
    conversation = Conversation()
    transcript = Transcript(TranscriptStore.create(folder, conversation_id=CID, environ={}))
    transcript.begin("gemini-3.8-live", "TEXT", "sim")
    transcript.write(conversation.add_user_text("Weather in Paris? And note it."))
    weather = ToolCard("c1", "get_weather", {"city": "Paris"}, behavior="BLOCKING")
    transcript.write(conversation.add_tool_card(weather, "TEXT"))
    weather.state, weather.response, weather.took_s = "answered", {"output": {"temp": 21, "sky": "`clear`"}}, 0.4321
    transcript.write(conversation.tool_card_changed(weather))
    note = ToolCard("c2", "take_note", {"text": "x\x1b[2Jy"}, behavior="NON_BLOCKING", state="waiting")
    transcript.write(conversation.add_tool_card(note, "TEXT"))
    transcript.write(conversation.apply(TextDelta("It is 21 degrees.")))
    transcript.write(conversation.apply(TurnComplete()))
    note.state, note.note, note.took_s = "cancelled", "cancelled by the model (toolCallCancellation)", 1.0
    transcript.write(conversation.tool_card_changed(note))  # after its answer ended: still under it
    transcript.close()
    return folder / f"{CID}.jsonl"


def test_calls_are_read_back_under_their_answer(tmp_path: Path) -> None:
    loaded = load(conversation_with_calls(tmp_path))
    user, model = loaded.turns
    assert model.text == "It is 21 degrees." and user.tools == ()
    weather, note = model.tools
    assert (weather.name, weather.state, weather.args, weather.took_s) == ("get_weather", "answered", {"city": "Paris"}, 0.432)
    assert weather.response == {"output": {"temp": 21, "sky": "`clear`"}} and weather.behavior == "BLOCKING"
    assert (note.state, note.note) == ("cancelled", "cancelled by the model (toolCallCancellation)")
    assert weather.at is not None and note.at is not None


def test_every_move_of_a_card_is_a_line_of_the_jsonl(tmp_path: Path) -> None:
    lines = [json.loads(line) for line in export_jsonl(load(conversation_with_calls(tmp_path))).splitlines()]
    tools = [(r["call"], r["state"]) for r in lines if r["kind"] == "tool"]
    assert tools == [("c1", "running"), ("c1", "answered"), ("c2", "waiting"), ("c2", "cancelled")]
    assert all(r["turn"] == 2 for r in lines if r["kind"] == "tool")


def test_markdown_shows_each_call(tmp_path: Path) -> None:
    md = export_markdown(load(conversation_with_calls(tmp_path)))
    answer = md[md.index("**Gemini**") :]
    assert "- Call **get\\_weather** (answered · 0.4 s · at " in answer
    assert '  - arguments: `{"city": "Paris"}`' in answer
    assert '  - result: ``{"output": {"temp": 21, "sky": "`clear`"}}``' in answer
    assert "- Call **take\\_note** (cancelled · 1.0 s" in answer and "NON\\_BLOCKING" in answer
    assert "\x1b" not in md and "x\\u001b[2Jy" in md  # the model's arguments: shown, never obeyed


def test_continue_brings_the_cards_back(tmp_path: Path) -> None:
    loaded = load(conversation_with_calls(tmp_path))
    from livetui.core.session import SessionController

    class Backend:
        label = "sim"

    class Settings:
        model, modality = "gemini-3.8-live", "TEXT"

    controller = SessionController.__new__(SessionController)  # only what begin() reads
    controller.conversation = Conversation()
    controller.transcript = Transcript()
    controller.settings = Settings()  # type: ignore[assignment]
    controller.backend = Backend()
    changes = controller.begin(loaded)
    model = next(t for t in controller.conversation.turns if t.role == "model")
    assert [(c.name, c.state) for c in model.tools] == [("get_weather", "answered"), ("take_note", "cancelled")]
    assert all(c.turn_id == model.id for c in model.tools)
    assert not any(isinstance(c, ToolCardChanged) for c in changes)  # drawn with their turn, not written again
