"""An answer's latency in the transcript: written with the answer's record (again when
it is known only after the answer ended), read back, and noted in the exports."""

from __future__ import annotations

import json
from pathlib import Path

from livetui.core.conversation import Conversation, TurnText
from livetui.core.events import AudioChunk, OutputTranscript, TurnComplete
from livetui.core.latency import AnswerLatency, ToolTiming
from livetui.core.persist import Transcript
from livetui.core.store import TranscriptStore, export_markdown, load

CID = "20261125-093000-ab12"


def test_latency_is_saved_read_back_and_exported(tmp_path: Path) -> None:
    store = TranscriptStore.create(tmp_path, conversation_id=CID, environ={})
    transcript = Transcript(store)
    conversation = Conversation()
    transcript.begin("m", "AUDIO", "offline simulator")
    transcript.write(conversation.add_user_text("Where is Paris?"))
    transcript.write(conversation.apply(OutputTranscript("In France.")))
    turn = conversation.model_turn
    assert turn is not None
    turn.latency = AnswerLatency("typed", to_text_s=0.31)
    transcript.write([TurnText(turn, "")])  # as the controller does when it moves
    transcript.write(conversation.apply(AudioChunk(bytes(4800))))
    transcript.write(conversation.apply(TurnComplete()))
    # The first audio heard is known only after the answer ended: the record is written again.
    turn.latency = AnswerLatency("typed", 0.31, 0.64, (ToolTiming("c1", 1.2, 0.3, 0.5),))
    transcript.write([TurnText(turn, "")])
    transcript.close()

    records = [json.loads(line) for line in store.path.read_text().splitlines()]
    finals = [r for r in records if r["kind"] == "model" and not r["partial"]]
    assert finals[-1]["latency"] == {"from": "typed", "text_s": 0.31, "audio_s": 0.64,
                                     "tools": [{"id": "c1", "result_s": 1.2, "text_s": 0.3, "audio_s": 0.5}]}
    loaded = load(CID, tmp_path)
    [answer] = [t for t in loaded.turns if t.role == "model"]
    assert answer.latency == turn.latency
    md = export_markdown(loaded)
    assert "text 310 ms · heard 640 ms after Enter" in md
    [user] = [t for t in loaded.turns if t.role == "user"]
    assert user.latency is None


def test_an_untimed_answer_is_saved_as_before(tmp_path: Path) -> None:
    store = TranscriptStore.create(tmp_path, conversation_id=CID, environ={})
    transcript = Transcript(store)
    conversation = Conversation()
    transcript.begin("m", "TEXT", "offline simulator")
    transcript.write(conversation.apply(OutputTranscript("Hello.")))
    transcript.write(conversation.apply(TurnComplete()))
    transcript.close()
    assert '"latency"' not in store.path.read_text()
    [answer] = load(CID, tmp_path).turns
    assert answer.latency is None
    assert "ms" not in export_markdown(load(CID, tmp_path))
