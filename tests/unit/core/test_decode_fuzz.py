"""Bad server frames never crash the console: hypothesis drives the decoder and the reducer.

Frames are built around the real Live message shapes, then spoiled: wrong types,
unknown fields and enum values, huge strings, base64 garbage, negative or textual
counts, unreadable goAway times. What the SDK itself rejects while it builds the
LiveServerMessage never reaches our decoder: `LiveSession.events` turns any
exception from `receive()` into a SessionError (the session ends, in words). The
SDK rejects with a pydantic ValidationError, or, for an enum value that is not a
string (e.g. "trafficType": []), with an AttributeError from its case-insensitive
enums (google-genai 3.6.1); this test lets those two through and nothing else.
Unknown enum strings are accepted with a UserWarning, which goes to the log.
Everything the SDK accepts goes through `events_from_message` and
`Conversation.apply`, which must not raise and must keep their invariants.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pydantic
import pytest
from google.genai import _live_converters, types
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from livetui.core.conversation import (
    Change,
    Conversation,
    TranscriptChanged,
    TurnAdded,
    TurnEnded,
    TurnText,
    UsageChanged,
)
from livetui.core.decode import describe_message, events_from_message, payload_size
from livetui.core.events import Usage
from livetui.core.store import TranscriptStore, export_markdown, load

# --- values: mostly the right type, sometimes anything at all ----------------------------

JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def spoiled(good: st.SearchStrategy[Any], odds: int = 15) -> st.SearchStrategy[Any]:
    """`good`, or once in `odds` draws anything at all: rare enough that most frames,
    though spoiled somewhere, still get past the SDK and reach our code."""
    return st.integers(1, odds).flatmap(lambda n: JUNK if n == 1 else good)


HUGE = st.integers(50_000, 400_000).map(lambda n: "ab " * (n // 3))
TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "\ud800 lone surrogate", "\x00\x1b[31m", "🎉" * 5]),
    HUGE,
)
BOOL = spoiled(st.booleans() | st.sampled_from(["true", "false", 0, 1]))
COUNT = spoiled(st.integers(-(10**12), 10**12) | st.sampled_from(["12", "-3", "1e3", "", "many"]))
VALID_B64 = st.binary(max_size=9600).map(lambda b: base64.b64encode(b).decode())  # odd lengths: half a sample
GARBAGE_B64 = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/=-_!", max_size=40)  # decodable or not
B64 = st.one_of(VALID_B64, VALID_B64, VALID_B64, GARBAGE_B64)
AUDIO_MIME = st.sampled_from(["audio/pcm;rate=24000", "audio/pcm", "audio/pcm;rate=16000"])
MIME = st.one_of(
    AUDIO_MIME,
    AUDIO_MIME,
    st.sampled_from(["audio/pcm;rate=24000", "audio/pcm", "audio/pcm;rate=16000", "audio/pcm;rate=0", "audio/pcm;rate=-1", "image/png"]),
    st.integers(0, 10**9).map(lambda r: f"audio/pcm;rate={r}"),
    st.text(max_size=20),
)
ENUM = lambda *real: spoiled(st.sampled_from(real) | st.text(max_size=15))
UNKNOWN = st.dictionaries(st.sampled_from(["futureField", "x", "foo_bar"]), JUNK, max_size=2)


def obj(required: dict[str, st.SearchStrategy[Any]] | None = None, **optional: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A JSON object with some of its known fields and maybe unknown ones; sometimes not an object."""
    shaped = st.builds(lambda a, b: {**b, **a}, st.fixed_dictionaries(required or {}, optional=optional), UNKNOWN)
    return spoiled(shaped)


BLOB = obj({"mimeType": MIME, "data": B64})
PART = st.one_of(
    obj({"text": TEXT}, thought=BOOL),
    obj({"inlineData": BLOB}),
    obj(  # anything a Part may hold, or nothing
        text=TEXT,
        thought=BOOL,
        inlineData=BLOB,
        functionCall=obj(id=TEXT, name=TEXT, args=spoiled(st.dictionaries(st.text(max_size=5), JUNK, max_size=3))),
    ),
)
TRANSCRIPTION = obj(text=TEXT, finished=BOOL)
SERVER_CONTENT = obj(
    modelTurn=obj({"parts": spoiled(st.lists(PART, max_size=6))}, role=ENUM("model", "user")),
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
GO_AWAY = obj(timeLeft=spoiled(st.sampled_from(["50s", "0.3s", "", "s", "-1s", "1e9s", "NaNs", "9" * 500 + "s"]) | st.text(max_size=10)))
TOP_FIELDS = {
    "setupComplete": obj(sessionId=TEXT),
    "serverContent": SERVER_CONTENT,
    "usageMetadata": USAGE,
    "goAway": GO_AWAY,
    "sessionResumptionUpdate": obj(newHandle=TEXT, resumable=BOOL, lastConsumedClientMessageIndex=COUNT),
    "toolCall": obj(functionCalls=spoiled(st.lists(obj(id=TEXT, name=TEXT, args=JUNK), max_size=3))),
    "toolCallCancellation": obj(ids=spoiled(st.lists(TEXT, max_size=3))),
}
# Most real frames carry one field, most often serverContent; some carry several, or none known.
ONE_FIELD = st.one_of(
    st.fixed_dictionaries({"serverContent": SERVER_CONTENT}),
    st.sampled_from(sorted(TOP_FIELDS)).flatmap(lambda name: st.fixed_dictionaries({name: TOP_FIELDS[name]})),
)
MANY_FIELDS = st.fixed_dictionaries({}, optional=TOP_FIELDS)
FRAME = st.builds(lambda known, unknown: {**unknown, **known}, st.one_of(ONE_FIELD, ONE_FIELD, MANY_FIELDS), UNKNOWN)


def sdk_parse(wire: dict) -> types.LiveServerMessage:
    """A frame as the SDK's receive loop turns it into a message (AsyncSession._receive in
    google-genai 3.6.1): unknown fields dropped, then validated. Plain model_validate
    where those private helpers are gone (it rejects every unknown field instead)."""
    convert = getattr(_live_converters, "_LiveServerMessage_from_mldev", None)
    from_response = getattr(types.LiveServerMessage, "_from_response", None)
    if convert is None or from_response is None:
        return types.LiveServerMessage.model_validate(wire)
    return from_response(response=convert(wire), kwargs=types.LiveServerMessage().model_dump())


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


@pytest.mark.filterwarnings("ignore::UserWarning:google.genai._common")  # "X is not a valid TrafficType"
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(FRAME, min_size=1, max_size=6))
@example([audio_frame("audio/pcm;rate=0")])  # a zero rate: the audio's length divides by it
@example([audio_frame("audio/pcm;rate=" + "9" * 5000)])  # more digits than int() accepts
@example([{"serverContent": {"outputTranscription": {"text": "\ud800"}}}])  # valid JSON; str.encode() refuses it
def test_bad_frames_never_break_the_decoder_or_the_reducer(frames: list[dict]) -> None:
    conversation = Conversation()
    usages = 0
    for frame in frames:
        wire = json.loads(json.dumps(frame))  # what the socket would have carried
        try:
            msg = sdk_parse(wire)
        except (pydantic.ValidationError, AttributeError):
            continue  # the SDK's own rejection (see the module's docstring)
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
        for event in events_from_message(sdk_parse(frame)):
            conversation.apply(event)
    conversation.apply(events_from_message(types.LiveServerMessage.model_validate({"serverContent": {"turnComplete": True}}))[0])
    with TranscriptStore.create(tmp_path, environ={}) as store:
        for turn in conversation.turns:
            assert store.write_turn(turn), store.problem
    loaded = load(store.path)
    assert [t.text for t in loaded.turns] == [t.text for t in conversation.turns]
    export_markdown(loaded, environ={}).encode("utf-8")  # printable, whatever the text held
