"""The event log: both directions, bounded, filterable, versioned."""

from __future__ import annotations

import base64

import pytest
from google.genai import types

from livetui.core.eventlog import EventLog


def audio_message(n: int) -> types.LiveServerMessage:
    return types.LiveServerMessage.model_validate(
        {
            "serverContent": {
                "modelTurn": {
                    "parts": [
                        {
                            "inlineData": {
                                "mimeType": "audio/pcm;rate=24000",
                                "data": base64.b64encode(bytes(n)).decode(),
                            }
                        }
                    ]
                }
            }
        }
    )


def test_add_numbers_and_stamps_entries() -> None:
    log = EventLog()
    first = log.add("info", "note", 0, "connected")
    second = log.add("out", "realtime_input.text", 5, '"hello"')
    assert (first.seq, second.seq) == (1, 2)
    assert second.at >= first.at
    assert second.wall.tzinfo is not None
    assert [e.summary for e in log.entries()] == ["connected", '"hello"']
    assert len(log) == 2


def test_server_message_uses_its_kind_and_elides_audio() -> None:
    log = EventLog()
    entry = log.server(audio_message(1920))
    assert (entry.direction, entry.kind, entry.size) == ("in", "serverContent.modelTurn", 1920)
    assert entry.summary == "audio 1920 B"


def test_client_audio_is_elided_but_counted() -> None:
    log = EventLog()
    raw = log.client("realtime_input.audio", b"\x01" * 640)
    assert (raw.direction, raw.kind, raw.size, raw.summary) == ("out", "realtime_input.audio", 640, "audio 640 B")
    blob = log.client("realtime_input.audio", types.Blob(data=b"\x01" * 640, mime_type="audio/pcm;rate=16000"))
    assert "audio 640 B" in blob.summary
    assert "\\u0001" not in blob.summary and "AQEB" not in blob.summary  # neither raw nor base64 bytes
    assert blob.size >= 640


def test_client_image_bytes_named_by_mime_type() -> None:
    entry = EventLog().client("realtime_input.video", {"data": b"\x89PNG" * 10, "mime_type": "image/png"})
    assert "image 40 B" in entry.summary


def test_client_payload_summary_and_json_size() -> None:
    log = EventLog()
    turns = [{"role": "user", "parts": [{"text": "Hello there"}]}]
    entry = log.client("client_content", {"turns": turns, "turn_complete": True})
    assert "Hello there" in entry.summary and "turn_complete" in entry.summary
    assert entry.size == len('{"turns":[{"role":"user","parts":[{"text":"Hello there"}]}],"turn_complete":true}')
    text = log.client("realtime_input.text", "hi")
    assert text.summary == '"hi"'


def test_client_accepts_sdk_models_with_enums() -> None:
    config = types.LiveConnectConfig(response_modalities=[types.Modality.AUDIO])
    entry = EventLog().client("setup", {"model": "m", "config": config})
    assert "AUDIO" in entry.summary and '"m"' in entry.summary


def test_long_summary_is_cut() -> None:
    entry = EventLog().client("realtime_input.text", "x" * 5000)
    assert len(entry.summary) <= 160
    assert entry.size > 5000


def test_bounded_drops_oldest_and_forgets_their_kinds() -> None:
    log = EventLog(limit=3)
    log.add("info", "rare", 0, "first")
    for i in range(5):
        log.add("in", "common", i, f"n{i}")
    assert len(log) == 3
    assert [e.summary for e in log.entries()] == ["n2", "n3", "n4"]
    assert [e.seq for e in log.entries()] == [4, 5, 6]  # seq keeps counting past dropped entries
    assert log.kinds() == ["common"]


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        EventLog(limit=0)


def test_filter_by_kinds_and_text() -> None:
    log = EventLog()
    log.add("out", "realtime_input.text", 3, '"Weather in Paris?"')
    log.add("in", "serverContent.modelTurn", 10, 'text "Sunny in PARIS"')
    log.add("in", "usageMetadata", 0, "tokens 5 in")
    assert [e.kind for e in log.entries(kinds={"usageMetadata"})] == ["usageMetadata"]
    assert [e.kind for e in log.entries(text="paris")] == ["realtime_input.text", "serverContent.modelTurn"]
    assert [e.kind for e in log.entries(kinds=["serverContent.modelTurn"], text="paris")] == ["serverContent.modelTurn"]
    assert [e.kind for e in log.entries(text="USAGE")] == ["usageMetadata"]  # matches the kind too
    assert log.entries(kinds=set()) == []  # nothing chosen, nothing shown
    assert log.kinds() == ["realtime_input.text", "serverContent.modelTurn", "usageMetadata"]


def test_version_changes_on_add_and_clear_only() -> None:
    log = EventLog(limit=2)
    v0 = log.version
    log.add("info", "a", 0, "")
    log.add("info", "a", 0, "")
    log.add("info", "a", 0, "")  # still a change when the log is full
    assert log.version == v0 + 3
    log.entries()
    log.kinds()
    assert log.version == v0 + 3  # reading changes nothing
    log.clear()
    assert log.version == v0 + 4
    assert len(log) == 0 and log.entries() == [] and log.kinds() == []
    assert log.add("info", "b", 0, "").seq == 4  # numbering is not reused
