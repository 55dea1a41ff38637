"""Bad server frames never crash the console: hypothesis drives the decoder and the reducer.

Frames are built around the real Live message shapes, then spoiled: wrong types,
unknown fields and enum values, huge strings, base64 garbage, negative or textual
counts, unreadable goAway times. What the SDK itself rejects (a pydantic
ValidationError while it builds the LiveServerMessage) never reaches our decoder:
`LiveSession.events` turns any exception from `receive()` into a SessionError, so
for those frames this test only checks that the rejection is a ValidationError.
Everything the SDK accepts goes through `events_from_message` and
`Conversation.apply`, which must not raise and must keep their invariants.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pydantic
from google.genai import types
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from livetui.core.conversation import Change, Conversation, TranscriptChanged, TurnAdded, TurnEnded, TurnText, UsageChanged
from livetui.core.decode import describe_message, events_from_message, payload_size
from livetui.core.events import Usage
from livetui.core.store import TranscriptStore, export_markdown, load

# --- values: mostly the right type, sometimes anything at all ----------------------------

JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def spoiled(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(good, good, good, JUNK)  # 3:1, so most frames get past the SDK


HUGE = st.integers(50_000, 400_000).map(lambda n: "ab " * (n // 3))
TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "\ud800 lone surrogate", "\x00\x1b[31m", "🎉" * 5]),
    HUGE,
)
BOOL = spoiled(st.booleans() | st.sampled_from(["true", "false", 0, 1]))
COUNT = st.one_of(st.integers(-(10**12), 10**12), st.sampled_from(["12", "-3", "1e3", "", "many"]), JUNK)
B64 = st.one_of(
    st.binary(max_size=9600).map(lambda b: base64.b64encode(b).decode()),  # odd lengths: half a sample
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/=-_!", max_size=40),  # garbage
)
MIME = st.one_of(
    st.sampled_from(["audio/pcm;rate=24000", "audio/pcm", "audio/pcm;rate=16000", "audio/pcm;rate=0", "audio/pcm;rate=-1", "image/png"]),
    st.integers(0, 10**9).map(lambda r: f"audio/pcm;rate={r}"),
    st.text(max_size=20),
)
ENUM = lambda *real: st.one_of(st.sampled_from(real), st.text(max_size=15), JUNK)  # noqa: E731
UNKNOWN = st.dictionaries(st.sampled_from(["futureField", "x", "groundingMetadata", "foo_bar"]), JUNK, max_size=2)


def obj(required: dict[str, st.SearchStrategy[Any]] | None = None, **optional: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A JSON object with some of its known fields and maybe unknown ones; sometimes not an object."""
    shaped = st.builds(lambda a, b: {**b, **a}, st.fixed_dictionaries(required or {}, optional=optional), UNKNOWN)
    return spoiled(shaped)


PART = obj(
    text=TEXT,
    thought=BOOL,
    inlineData=obj(mimeType=MIME, data=B64),
    functionCall=obj(id=TEXT, name=TEXT, args=spoiled(st.dictionaries(st.text(max_size=5), JUNK, max_size=3))),
)
TRANSCRIPTION = obj(text=TEXT, finished=BOOL)
SERVER_CONTENT = obj(
    modelTurn=obj(role=ENUM("model", "user"), parts=spoiled(st.lists(PART, max_size=6))),
    turnComplete=BOOL,
    interrupted=BOOL,
    generationComplete=BOOL,
    waitingForInput=BOOL,
    inputTranscription=TRANSCRIPTION,
    outputTranscription=TRANSCRIPTION,
    turnCompleteReason=ENUM("TURN_COMPLETE_REASON_UNSPECIFIED", "MALFORMED_FUNCTION_CALL", "RESPONSE_REJECTED", "NEED_MORE_INPUT"),
)
DETAILS = spoiled(st.lists(obj(modality=ENUM("TEXT", "AUDIO", "IMAGE", "VIDEO", "MODALITY_UNSPECIFIED"), tokenCount=COUNT), max_size=4))
USAGE = obj(
    promptTokenCount=COUNT,
    responseTokenCount=COUNT,
    totalTokenCount=COUNT,
    cachedContentTokenCount=COUNT,
    thoughtsTokenCount=COUNT,
    promptTokensDetails=DETAILS,
    responseTokensDetails=DETAILS,
    trafficType=ENUM("ON_DEMAND", "PROVISIONED_THROUGHPUT"),
)
GO_AWAY = obj(timeLeft=st.one_of(st.sampled_from(["50s", "0.3s", "", "s", "-1s", "1e9s", "NaNs", "9" * 500 + "s"]), st.text(max_size=10), JUNK))
FRAME = st.builds(
    lambda known, unknown: {**unknown, **known},
    st.fixed_dictionaries(
        {},
        optional={
            "setupComplete": obj(sessionId=TEXT),
            "serverContent": SERVER_CONTENT,
            "usageMetadata": USAGE,
            "goAway": GO_AWAY,
            "sessionResumptionUpdate": obj(newHandle=TEXT, resumable=BOOL, lastConsumedClientMessageIndex=COUNT),
            "toolCall": obj(functionCalls=spoiled(st.lists(obj(id=TEXT, name=TEXT, args=JUNK), max_size=3))),
            "toolCallCancellation": obj(ids=spoiled(st.lists(TEXT, max_size=3))),
        },
    ),
    UNKNOWN,
)


def audio_frame(mime: str) -> dict:
    return {"serverContent": {"modelTurn": {"parts": [{"inlineData": {"mimeType": mime, "data": "AAAA"}}]}}}


# --- the invariants -------------------------------------------------------------------------


def check(conversation: Conversation, changes: list[Change], usage_turns_before: int) -> None:
    assert all(isinstance(c, (TurnAdded, TurnText, TurnEnded, TranscriptChanged, UsageChanged)) for c in changes)
    open_model = [t for t in conversation.turns if t.role == "model" and t.open]
    assert len(open_model) <= 1, "two answers in progress at once"
    assert open_model == ([conversation.model_turn] if conversation.model_turn else [])
    open_spoken = [t for t in conversation.turns if t.role == "user" and t.open]
    assert len(open_spoken) <= 1, "two spoken turns in progress at once"
    assert conversation.usage.turns >= usage_turns_before
    assert all(isinstance(t.text, str) and t.audio_seconds >= 0 for t in conversation.turns)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(FRAME, min_size=1, max_size=6))
@example([audio_frame("audio/pcm;rate=0")])  # a zero rate: the audio's length divides by it
@example([audio_frame("audio/pcm;rate=" + "9" * 5000)])  # more digits than int() accepts
def test_bad_frames_never_break_the_decoder_or_the_reducer(frames: list[dict]) -> None:
    conversation = Conversation()
    usages = 0
    for frame in frames:
        wire = json.loads(json.dumps(frame))  # what the socket would have carried
        try:
            msg = types.LiveServerMessage.model_validate(wire)
        except pydantic.ValidationError:
            continue  # the SDK's own rejection: LiveSession.events reports it as a SessionError
        events = events_from_message(msg)
        describe_message(msg)  # the event log summarises every message too
        payload_size(msg)
        for event in events:
            before = conversation.usage.turns
            changes = conversation.apply(event)
            usages += isinstance(event, Usage)
            check(conversation, changes, before)
    assert conversation.usage.turns == usages


# Text from a bad frame also reaches the transcript: it must be saved, read back and exported.
TURN_TEXT = st.lists(
    st.fixed_dictionaries({"serverContent": st.fixed_dictionaries({"outputTranscription": st.fixed_dictionaries({"text": TEXT})})}),
    min_size=1,
    max_size=4,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(TURN_TEXT)
def test_any_text_the_sdk_accepts_is_saved_and_read_back(tmp_path: Path, frames: list[dict]) -> None:
    conversation = Conversation()
    conversation.add_user_text("say something odd")  # so there is always a turn to save
    for frame in frames:
        for event in events_from_message(types.LiveServerMessage.model_validate(frame)):
            conversation.apply(event)
    conversation.apply(events_from_message(types.LiveServerMessage.model_validate({"serverContent": {"turnComplete": True}}))[0])
    with TranscriptStore.create(tmp_path, environ={}) as store:
        for turn in conversation.turns:
            assert store.write_turn(turn), store.problem
    loaded = load(store.path)
    assert [t.text for t in loaded.turns] == [t.text for t in conversation.turns]
    export_markdown(loaded, environ={}).encode("utf-8")  # printable, whatever the text held
