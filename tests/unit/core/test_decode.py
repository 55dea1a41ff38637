"""SDK messages -> typed events and log summaries, on real `LiveServerMessage` objects."""

from __future__ import annotations

import base64

import pytest
from google.genai import types

from livetui.core.decode import audio_rate, describe_message, events_from_message, parse_duration, payload_size
from livetui.core.events import (
    AudioChunk,
    FunctionCall,
    GenerationComplete,
    GoAway,
    InputTranscript,
    Interrupted,
    OutputTranscript,
    ResumptionHandle,
    TextDelta,
    ToolCall,
    ToolCallCancellation,
    TurnComplete,
    Usage,
)

PCM = bytes(range(256)) * 7 + bytes(128)  # 1920 bytes, not all zero


def wire(data: dict) -> types.LiveServerMessage:
    """A message as the SDK builds it from the camelCase JSON on the wire."""
    return types.LiveServerMessage.model_validate(data)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_empty_message_has_no_events() -> None:
    assert events_from_message(types.LiveServerMessage()) == []
    assert events_from_message(wire({"serverContent": {}})) == []


def test_setup_complete_makes_no_event() -> None:
    # SessionStarted is the session layer's to make, with the model and modality it knows.
    assert events_from_message(wire({"setupComplete": {}})) == []


def test_text_parts_in_order_with_thoughts() -> None:
    msg = wire(
        {
            "serverContent": {
                "modelTurn": {
                    "parts": [
                        {"text": "Let me think.", "thought": True},
                        {"text": "Hello"},
                        {"text": ""},
                        {"text": " world"},
                    ]
                }
            }
        }
    )
    assert events_from_message(msg) == [
        TextDelta("Let me think.", thought=True),
        TextDelta("Hello", thought=False),
        TextDelta(" world", thought=False),
    ]


def test_mixed_text_and_audio_parts_keep_their_order() -> None:
    msg = wire(
        {
            "serverContent": {
                "modelTurn": {
                    "parts": [
                        {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": b64(PCM)}},
                        {"text": "and"},
                        {"inlineData": {"mimeType": "audio/pcm;rate=16000", "data": b64(PCM[:640])}},
                        {"inlineData": {"mimeType": "audio/pcm", "data": ""}},  # empty: skipped
                        {"inlineData": {"mimeType": "image/png", "data": b64(b"\x89PNG")}},  # not audio
                    ]
                }
            }
        }
    )
    events = events_from_message(msg)
    assert events == [AudioChunk(PCM, rate=24000), TextDelta("and"), AudioChunk(PCM[:640], rate=16000)]
    assert events[2].seconds == pytest.approx(640 / 2 / 16000)


@pytest.mark.parametrize(
    ("mime", "rate"),
    [("audio/pcm;rate=24000", 24000), ("audio/pcm; rate=16000", 16000), ("audio/pcm", 24000), (None, 24000)],
)
def test_audio_rate(mime: str | None, rate: int) -> None:
    assert audio_rate(mime) == rate


def test_transcripts_follow_model_turn_and_keep_finished() -> None:
    msg = wire(
        {
            "serverContent": {
                "outputTranscription": {"text": " there"},
                "inputTranscription": {"text": "hello", "finished": True},
                "modelTurn": {"parts": [{"text": "hi"}]},
            }
        }
    )
    assert events_from_message(msg) == [
        TextDelta("hi"),
        InputTranscript("hello", finished=True),
        OutputTranscript(" there", finished=False),
    ]


def test_empty_transcript_is_skipped_unless_it_finishes() -> None:
    assert events_from_message(wire({"serverContent": {"inputTranscription": {"text": ""}}})) == []
    assert events_from_message(wire({"serverContent": {"outputTranscription": {"finished": True}}})) == [
        OutputTranscript("", finished=True)
    ]


def test_interrupted_with_turn_complete_in_one_message() -> None:
    msg = wire({"serverContent": {"turnComplete": True, "interrupted": True}})
    assert events_from_message(msg) == [Interrupted(), TurnComplete(reason=None)]


def test_full_turn_end_order_usage_before_turn_complete() -> None:
    msg = wire(
        {
            "serverContent": {
                "turnComplete": True,
                "turnCompleteReason": "NEED_MORE_INPUT",
                "generationComplete": True,
                "interrupted": True,
                "outputTranscription": {"text": "bye", "finished": True},
                "modelTurn": {"parts": [{"text": "Bye"}]},
            },
            "usageMetadata": {"promptTokenCount": 10, "responseTokenCount": 3, "totalTokenCount": 13},
            "toolCallCancellation": {"ids": ["c1"]},
            "toolCall": {"functionCalls": [{"id": "c2", "name": "f"}]},
            "goAway": {"timeLeft": "5s"},
            "sessionResumptionUpdate": {"newHandle": "h", "resumable": True},
        }
    )
    kinds = [type(e) for e in events_from_message(msg)]
    assert kinds == [
        ToolCall,
        ToolCallCancellation,
        TextDelta,
        OutputTranscript,
        Interrupted,
        GenerationComplete,
        Usage,
        TurnComplete,
        GoAway,
        ResumptionHandle,
    ]
    assert events_from_message(msg)[7] == TurnComplete(reason="NEED_MORE_INPUT")


def test_tool_call_and_cancellation() -> None:
    msg = wire(
        {
            "toolCall": {
                "functionCalls": [
                    {"id": "a1", "name": "get_weather", "args": {"city": "Paris", "days": 2}},
                    {"id": "a2", "name": "turn_on_the_lights"},
                ]
            }
        }
    )
    assert events_from_message(msg) == [
        ToolCall(
            (
                FunctionCall("a1", "get_weather", {"city": "Paris", "days": 2}),
                FunctionCall("a2", "turn_on_the_lights", {}),
            )
        )
    ]
    assert events_from_message(wire({"toolCallCancellation": {"ids": ["a1", "a2"]}})) == [
        ToolCallCancellation(("a1", "a2"))
    ]


def test_usage_with_modality_details() -> None:
    msg = wire(
        {
            "usageMetadata": {
                "promptTokenCount": 120,
                "responseTokenCount": 48,
                "totalTokenCount": 180,
                "cachedContentTokenCount": 7,
                "thoughtsTokenCount": 12,
                "toolUsePromptTokenCount": 5,
                "promptTokensDetails": [
                    {"modality": "TEXT", "tokenCount": 20},
                    {"modality": "AUDIO", "tokenCount": 100},
                ],
                "responseTokensDetails": [{"modality": "AUDIO", "tokenCount": 48}],
            }
        }
    )
    assert events_from_message(msg) == [
        Usage(
            prompt=120,
            response=48,
            total=180,
            cached=7,
            thoughts=12,
            tool_use_prompt=5,
            prompt_by_modality={"TEXT": 20, "AUDIO": 100},
            response_by_modality={"AUDIO": 48},
        )
    ]


def test_usage_missing_counts_are_zero_and_unknown_modality_keeps_its_name() -> None:
    with pytest.warns(UserWarning):  # the SDK warns about the enum value it does not know
        msg = wire({"usageMetadata": {"promptTokensDetails": [{"modality": "SMELL", "tokenCount": 4}]}})
    assert events_from_message(msg) == [Usage(prompt_by_modality={"SMELL": 4})]


def test_usage_built_with_snake_case_kwargs() -> None:
    msg = types.LiveServerMessage(
        usage_metadata=types.UsageMetadata(
            prompt_token_count=3,
            response_tokens_details=[types.ModalityTokenCount(modality=types.MediaModality.TEXT, token_count=2)],
        )
    )
    (usage,) = events_from_message(msg)
    assert usage == Usage(prompt=3, response_by_modality={"TEXT": 2})


@pytest.mark.parametrize(
    ("time_left", "seconds"),
    [("50s", 50.0), ("0.3s", 0.3), ("1.5s", 1.5), ("1.000340012s", 1.000340012), ("0s", 0.0)],
)
def test_go_away_durations(time_left: str, seconds: float) -> None:
    assert events_from_message(wire({"goAway": {"timeLeft": time_left}})) == [GoAway(time_left_s=seconds)]


@pytest.mark.parametrize("time_left", [None, "", "soon", "50", "5m", "s"])
def test_go_away_without_a_readable_time(time_left: str | None) -> None:
    body = {} if time_left is None else {"timeLeft": time_left}
    assert events_from_message(wire({"goAway": body})) == [GoAway(time_left_s=None)]


def test_parse_duration_accepts_numbers() -> None:
    assert parse_duration(2) == 2.0
    assert parse_duration(True) is None


def test_resumption_handle() -> None:
    assert events_from_message(wire({"sessionResumptionUpdate": {"newHandle": "abc", "resumable": True}})) == [
        ResumptionHandle("abc", True)
    ]
    # Not resumable right now (mid-generation): no handle, and resumable is False.
    assert events_from_message(wire({"sessionResumptionUpdate": {}})) == [ResumptionHandle(None, False)]
    assert events_from_message(wire({"sessionResumptionUpdate": {"newHandle": ""}})) == [ResumptionHandle(None, False)]


# --- describe_message --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind", "words"),
    [
        ({"setupComplete": {}}, "setupComplete", ["setup"]),
        ({"setupComplete": {"sessionId": "s-1"}}, "setupComplete", ["s-1"]),
        ({"serverContent": {"modelTurn": {"parts": [{"text": "Hello"}]}}}, "serverContent.modelTurn", ['"Hello"']),
        ({"serverContent": {"inputTranscription": {"text": "hi"}}}, "serverContent.inputTranscription", ['"hi"']),
        (
            {"serverContent": {"outputTranscription": {"text": "yo", "finished": True}}},
            "serverContent.outputTranscription",
            ['"yo"', "finished"],
        ),
        ({"serverContent": {"turnComplete": True}}, "serverContent.turnComplete", ["turn complete"]),
        ({"serverContent": {"interrupted": True}}, "serverContent.interrupted", ["interrupted"]),
        ({"serverContent": {"generationComplete": True}}, "serverContent.generationComplete", ["generation complete"]),
        (
            {"toolCall": {"functionCalls": [{"id": "1", "name": "lookup", "args": {"q": 1}}]}},
            "toolCall",
            ["lookup", '"q"'],
        ),
        ({"toolCallCancellation": {"ids": ["x9"]}}, "toolCallCancellation", ["x9"]),
        ({"usageMetadata": {"promptTokenCount": 7, "totalTokenCount": 9}}, "usageMetadata", ["7", "9"]),
        ({"goAway": {"timeLeft": "50s"}}, "goAway", ["50s"]),
        (
            {"sessionResumptionUpdate": {"newHandle": "hh", "resumable": True}},
            "sessionResumptionUpdate",
            ["hh", "resumable"],
        ),
        ({"voiceActivity": {"voiceActivityType": "ACTIVITY_START"}}, "other", ["voice_activity"]),
        ({}, "other", ["empty"]),
    ],
)
def test_describe_each_kind(data: dict, kind: str, words: list[str]) -> None:
    got_kind, summary = describe_message(wire(data))
    assert got_kind == kind
    for word in words:
        assert word in summary


def test_describe_elides_audio() -> None:
    msg = wire(
        {
            "serverContent": {
                "modelTurn": {"parts": [{"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": b64(PCM)}}]}
            }
        }
    )
    kind, summary = describe_message(msg)
    assert kind == "serverContent.modelTurn"
    assert summary == "audio 1920 B"


def test_describe_picks_the_most_significant_and_mentions_the_rest() -> None:
    msg = wire(
        {
            "serverContent": {"interrupted": True, "turnComplete": True},
            "usageMetadata": {"promptTokenCount": 11, "totalTokenCount": 11},
        }
    )
    kind, summary = describe_message(msg)
    assert kind == "serverContent.interrupted"
    assert "turn complete" in summary and "11" in summary
    # Turn end outranks the model text and usage that ride with it.
    msg = wire({"serverContent": {"modelTurn": {"parts": [{"text": "x"}]}, "turnComplete": True}, "usageMetadata": {}})
    assert describe_message(msg)[0] == "serverContent.turnComplete"


def test_describe_shortens_long_text() -> None:
    msg = wire({"serverContent": {"modelTurn": {"parts": [{"text": "word " * 200}]}}})
    _, summary = describe_message(msg)
    assert len(summary) < 100
    assert "…" in summary


def test_payload_size_counts_audio_and_text() -> None:
    msg = wire(
        {
            "serverContent": {
                "modelTurn": {
                    "parts": [{"text": "héllo"}, {"inlineData": {"mimeType": "audio/pcm", "data": b64(PCM)}}]
                },
                "outputTranscription": {"text": "abc"},
            }
        }
    )
    assert payload_size(msg) == len("héllo".encode()) + 1920 + 3
    assert payload_size(wire({"serverContent": {"turnComplete": True}})) == 0
