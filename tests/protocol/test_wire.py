"""Closer to the wire: frames, paths and refusals as the real service has them.

The real SDK where it can produce the input; a raw websocket where it cannot (it
never sends an unknown field, two message types at once, or a malformed frame).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import websockets
from google import genai
from google.genai import errors, types

from livetui.sim import Simulator

from .helpers import chunks, client_for, read_turn, speech_pcm

MODEL = "gemini-3.8-live"  # today's default: answers in audio, text comes as its transcript
AUDIO = {"response_modalities": ["AUDIO"], "output_audio_transcription": {}}
PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
SETUP = {"setup": {"model": f"models/{MODEL}", "generationConfig": {"responseModalities": ["AUDIO"]}}}


def raw(sim: Simulator, path: str = PATH) -> Any:
    url = sim.base_url.replace("https", "wss") + path
    return websockets.connect(url, ssl=sim.client_ssl_context(), additional_headers={"x-goog-api-key": "k"})


async def refused(ws: Any) -> websockets.frames.Close:
    """Read until the server closes; the close it sent."""
    with pytest.raises(websockets.ConnectionClosed) as caught:
        while True:
            await ws.recv()
    assert caught.value.rcvd is not None, "the server sent a close frame"
    return caught.value.rcvd


async def set_up(ws: Any, setup: dict[str, Any] = SETUP) -> None:
    await ws.send(json.dumps(setup))
    assert json.loads(await ws.recv()) == {"setupComplete": {}}


# -- frames ------------------------------------------------------------------------


async def test_every_server_message_is_a_binary_frame_of_json(sim):
    async with raw(sim) as ws:
        await ws.send(json.dumps(SETUP))
        first = await ws.recv()
        assert isinstance(first, bytes), "binary, as the real service sends it"
        assert json.loads(first) == {"setupComplete": {}}, "no sessionId: the real service sends {}"
        await ws.send(json.dumps({"realtimeInput": {"text": "What is the capital of France?"}}))
        while True:
            frame = await ws.recv()
            assert isinstance(frame, bytes)
            if json.loads(frame).get("serverContent", {}).get("turnComplete"):
                break


async def test_the_sdk_reads_binary_frames_and_has_no_session_id(sim):
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO) as session:
        assert session.session_id is None
        await session.send_realtime_input(text="What is the capital of France?")
        turn = await read_turn(session)
    assert "Paris" in turn.output_transcript and turn.audio


async def test_a_base_url_ending_in_a_slash_connects(sim):
    """The SDKs then ask for `//ws/...` (the JavaScript SDK always does): not a 404."""
    client = genai.Client(
        api_key="k",
        http_options=types.HttpOptions(base_url=sim.base_url + "/", async_client_args={"ssl": sim.client_ssl_context()}),
    )
    async with client.aio.live.connect(model=MODEL, config=AUDIO) as session:
        await session.send_realtime_input(text="What is the capital of Italy?")
        turn = await read_turn(session)
    assert "Rome" in turn.output_transcript
    connect = next(r["msg"]["connect"] for r in sim.frames.records if "connect" in r["msg"])
    assert connect["path"].startswith("//ws/google.ai.generativelanguage.")


async def test_a_double_slash_path_with_a_query_is_still_the_live_endpoint(sim):
    async with raw(sim, "/" + PATH + "?alt=ws") as ws:
        await set_up(ws)
