"""Frames read without the SDK's work give what the SDK's reading gives, or are left to the SDK."""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pydantic
import pytest
from google import genai
from google.genai import errors, live
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosedOK
from websockets.frames import Close

from livetui.core.serverframes import FrameReader, Read, audio_only

from .test_decode_fuzz import FRAME, sdk_parse


def audio(data: str, mime: str = "audio/pcm;rate=24000", **extra: Any) -> dict:
    return {"serverContent": {"modelTurn": {"parts": [{"inlineData": {"mimeType": mime, "data": data}}]}, **extra}}


B64 = st.one_of(
    st.binary(max_size=64).map(lambda b: base64.b64encode(b).decode()),
    st.binary(max_size=64).map(lambda b: base64.urlsafe_b64encode(b).decode()),
    st.binary(max_size=64).map(lambda b: base64.b64encode(b).decode().rstrip("=")),
    st.text(max_size=12),
)
AUDIO = st.builds(audio, B64, st.sampled_from(["audio/pcm;rate=24000", "audio/pcm", "audio/pcm;rate=16000", "audio/wav", "image/png"]))


@pytest.mark.filterwarnings("ignore::UserWarning:google.genai._common")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(FRAME, AUDIO))
@example(audio("AAAA"))
@example(audio("AAAA", turnComplete=True))  # more than audio: the SDK reads it
@example({"serverContent": {"modelTurn": {"parts": [{"inlineData": {"mimeType": "audio/pcm", "data": "AAAA"}}], "role": "model"}}})
def test_a_frame_read_lean_is_what_the_sdk_reads(frame: dict) -> None:
    wire = json.dumps(frame).encode()
    lean = audio_only(wire)
    if lean is None:
        return  # left to the SDK
    assert lean == Read.of(sdk_parse(json.loads(wire)))


def test_plain_audio_chunks_are_read_lean() -> None:
    pcm = os.urandom(1920)
    read = audio_only(json.dumps(audio(base64.b64encode(pcm).decode())))
    assert read is not None and read.events[0].data == pcm and read.size == 1920


class Socket:
    """The SDK's websocket: frames to give, then closed."""

    def __init__(self, frames: list[bytes]) -> None:
        self.frames = frames

    async def recv(self, decode: bool | None = None) -> bytes:
        if not self.frames:
            raise ConnectionClosedOK(Close(1000, "bye"), Close(1000, "bye"), True)
        return self.frames.pop(0)


async def read_all(session: Any, lean: bool) -> tuple[list[Read], BaseException]:
    reader = await FrameReader.open(session)
    assert reader.lean  # the SDK this was checked against
    out: list[Read] = []
    try:
        while True:
            out.append(await reader.next() if lean else Read.of(await session._receive()))
    except Exception as exc:  # noqa: BLE001 - the error is compared
        return out, exc


@pytest.mark.filterwarnings("ignore::UserWarning:google.genai._common")
async def test_a_session_reads_the_same_events_and_ends_with_the_sdks_error() -> None:
    pcm = os.urandom(960)
    frames = [json.dumps(f).encode() for f in (
        audio(base64.b64encode(pcm).decode()),
        audio(base64.urlsafe_b64encode(pcm).decode()),
        {"serverContent": {"outputTranscription": {"text": "hello"}}},
        {"serverContent": {"turnComplete": True}, "usageMetadata": {"totalTokenCount": 3}},
    )]
    client = genai.Client(api_key="k")._api_client
    lean, lean_error = await read_all(live.AsyncSession(api_client=client, websocket=Socket(list(frames))), lean=True)
    sdk, sdk_error = await read_all(live.AsyncSession(api_client=client, websocket=Socket(list(frames))), lean=False)
    assert lean == sdk and len(lean) == 4
    assert type(lean_error) is type(sdk_error) and str(lean_error) == str(sdk_error)
    assert isinstance(sdk_error, errors.APIError)


async def test_something_that_is_not_the_sdk_is_read_through_its_receive() -> None:
    class Fake:
        def receive(self) -> Any:
            raise AssertionError("not called by open()")

    assert not (await FrameReader.open(Fake())).lean


def test_validation_errors_are_the_sdks_business() -> None:
    """A frame the SDK would refuse is never one the lean path takes."""
    bad = {"serverContent": {"modelTurn": {"parts": [{"inlineData": {"mimeType": 5, "data": "AAAA"}}]}}}
    assert audio_only(json.dumps(bad)) is None
    with pytest.raises(pydantic.ValidationError):
        sdk_parse(bad)
