"""A mic chunk written without the SDK's work per chunk is the SDK's own message, byte for byte."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from google import genai
from google.genai import live, types

from livetui.core.audioframes import AudioFrame


class Catch:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    async def send(self, message: Any) -> None:
        self.sent.append(message)


CLIENTS = {
    "gemini": lambda: genai.Client(api_key="k"),
    "vertex": lambda: genai.Client(vertexai=True, project="p", location="us-central1"),
}


@pytest.mark.parametrize("service", sorted(CLIENTS))
@pytest.mark.parametrize("rate", [16_000, 24_000])
async def test_each_chunk_is_the_message_the_sdk_writes(service: str, rate: int) -> None:
    ws = Catch()
    session = live.AsyncSession(api_client=CLIENTS[service]()._api_client, websocket=ws)
    mime = f"audio/pcm;rate={rate}"
    frame = await AudioFrame.learn(session, mime)
    assert frame.ready
    assert ws.sent == [], "learning writes nothing on the session's websocket"
    for size in (0, 1, 2, 3, 4, 5, 320, 640, 641, 1280, 6400):
        pcm = os.urandom(size)
        await session.send_realtime_input(audio=types.Blob(data=pcm, mime_type=mime))
        assert frame.text(pcm) == ws.sent.pop(), size


class Stamped(live.AsyncSession):
    """An SDK that writes something of its own into each message (a counter): the first
    probe's text is found, but it does not rebuild the second's."""

    n = 0

    async def send_realtime_input(self, **kwargs: Any) -> None:
        Stamped.n += 1
        data = base64.urlsafe_b64encode(kwargs["audio"].data).decode()
        await self._ws.send(f'{{"realtime_input": {{"seq": {Stamped.n}, "audio": {{"data": "{data}"}}}}}}')


async def test_a_sdk_that_writes_it_otherwise_is_left_to_do_it() -> None:
    session = Stamped(api_client=CLIENTS["gemini"]()._api_client, websocket=Catch())
    assert not (await AudioFrame.learn(session, "audio/pcm;rate=16000")).ready


async def test_something_that_is_not_the_sdk_is_left_alone() -> None:
    class Fake:
        async def send_realtime_input(self, **kwargs: Any) -> None:
            pass

    assert not (await AudioFrame.learn(Fake(), "audio/pcm;rate=16000")).ready
