"""The simulator keeps listening while it thinks: recognising one utterance never
stops it reading the audio that follows (a real service never stops reading)."""

from __future__ import annotations

import asyncio
import time

from google.genai import types

from .helpers import chunks, client_for, silence, speech_pcm

MODEL = "gemini-3.8-live"
CONFIG = {"response_modalities": ["AUDIO"], "input_audio_transcription": {}}


async def test_audio_is_read_at_once_while_an_utterance_is_being_recognised(sim):
    # A long utterance (recognition takes a second or more), then the microphone goes
    # on sending silence in real time, as a client does, until well after the
    # transcript came back: the whole recognition happens while audio arrives.
    speech = chunks(speech_pcm("what is the weather like in paris today and tomorrow", tail_ms=0), 20)
    heard = asyncio.Event()
    sent: list[float] = []
    transcript = ""

    async def microphone(session) -> None:
        start, after = time.monotonic(), 0
        while after < 25 and len(sent) < 1500:
            i = len(sent)
            await asyncio.sleep(max(0.0, start + i * 0.02 - time.monotonic()))
            chunk = speech[i] if i < len(speech) else silence(20)
            sent.append(time.monotonic())
            await session.send_realtime_input(audio=types.Blob(data=chunk, mime_type="audio/pcm;rate=16000"))
            after += heard.is_set()

    async with client_for(sim).aio.live.connect(model=MODEL, config=CONFIG) as session:
        mic = asyncio.create_task(microphone(session))
        async for msg in session.receive():
            sc = msg.server_content
            if sc and sc.input_transcription and sc.input_transcription.text:
                transcript += sc.input_transcription.text
                heard.set()
        await mic
    assert "weather" in transcript

    read = [r["t"] for r in sim.frames.records if r["dir"] == "in" and "realtime_input" in r["msg"]]
    told = next(r["t"] for r in sim.frames.records if "inputTranscription" in r["msg"].get("serverContent", {}))
    assert len(read) == len(sent)
    lag = [r - s for s, r in zip(sent, read)]
    worst = max(range(len(lag)), key=lag.__getitem__)
    assert lag[worst] < 0.3, f"frame {worst} was read {lag[worst]:.2f} s after it was sent"
    # Just before the transcript left, the reader was reading: not blocked by the recogniser.
    assert sum(told - 0.5 <= t < told for t in read) >= 15
    # The client shares this event loop: it never stood still either.
    assert max(b - a for a, b in zip(sent, sent[1:])) < 0.3
