"""Streaming one model answer, as text parts or as 24 kHz audio (in bursts, or paced).

An answer can be stopped at any moment (barge-in). It then remembers exactly what
it had sent, so usage and the conversation reflect what really passed.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import speech
from .options import SimOptions
from .tokens import audio_tokens, pcm_seconds, text_tokens
from .wire import encode_bytes

Send = Callable[[dict[str, Any]], Awaitable[None]]

_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+|\n+")
_CHUNK_CHARS = 16  # about 4 tokens a text part


def text_parts(text: str, size: int = _CHUNK_CHARS) -> list[str]:
    """Split text into parts of about `size` characters at word boundaries; joined
    back together they give exactly `text`."""
    parts: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            space = text.find(" ", end)
            end = len(text) if space == -1 else space + 1
        parts.append(text[start:end])
        start = end
    return parts


def sentences(text: str) -> list[str]:
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if s]


@dataclass
class Answer:
    """One answer in flight. `stop()` may be called from the connection's reader."""

    send: Send
    options: SimOptions
    output_transcription: bool = False
    voice_name: str | None = None
    language_code: str | None = None
    playback: PlaybackClock = field(default_factory=lambda: PlaybackClock())
    tone_ms: int | None = None  # the audio is a steady tone this long, not speech
    stop_after_ms: int | None = None  # stop this long after the first chunk is sent


    stopped: asyncio.Event = field(default_factory=asyncio.Event)
    sent_text: str = ""  # text parts sent, or transcript of the audio sent
    audio_bytes: int = 0

    _stop_timer: asyncio.TimerHandle | None = field(default=None, init=False, repr=False)

    def stop(self) -> None:
        self.stopped.set()
        self.disarm()

    def disarm(self) -> None:
        """No scripted interruption from now on (the answer was all sent)."""
        self.stop_after_ms = None
        if self._stop_timer is not None:
            self._stop_timer.cancel()
            self._stop_timer = None

    def _sent_first(self) -> None:
        """The first chunk left: start the scripted interruption's clock."""
        if self.stop_after_ms is not None and self._stop_timer is None and not self.stopped.is_set():
            self._stop_timer = asyncio.get_running_loop().call_later(self.stop_after_ms / 1000, self.stop)

    @property
    def audio_seconds(self) -> float:
        return pcm_seconds(self.audio_bytes, speech.OUTPUT_RATE)

    def response_tokens(self, modality: str) -> int:
        if modality == "AUDIO":
            return audio_tokens(self.audio_seconds)
        return text_tokens(self.sent_text)

    async def _wait(self, seconds: float) -> bool:
        """Sleep, or return True at once when stopped."""
        if self.stopped.is_set():
            return True
        if seconds <= 0:
            return False
        # Not asyncio.wait_for: on Python 3.11 it swallows a cancel that comes with
        # stop() (the connection's end does both), and the answer task never ends.
        waiter = asyncio.ensure_future(self.stopped.wait())
        try:
            done, _ = await asyncio.wait({waiter}, timeout=seconds)
        finally:
            waiter.cancel()
        return bool(done)

    async def latency(self) -> bool:
        return await self._wait(self.options.latency_ms / 1000)

    async def pause(self, seconds: float) -> bool:
        """Wait between two generations (wall-clock); True when stopped meanwhile."""
        return await self._wait(seconds)

    async def stream_text(self, text: str) -> None:
        start = time.monotonic()
        sent_tokens = 0.0
        for part in text_parts(text):
            due = start + self.options.paced(sent_tokens / self.options.text_rate)
            if await self._wait(due - time.monotonic()):
                return
            await self.send({"serverContent": {"modelTurn": {"role": "model", "parts": [{"text": part}]}}})
            self._sent_first()
            self.sent_text += part
            sent_tokens += max(1.0, len(part) / 4)

    async def stream_audio(self, text: str) -> None:
        chunk_bytes = speech.OUTPUT_RATE * 2 * self.options.chunk_ms // 1000
        start = time.monotonic()
        sent_seconds = 0.0
        parts = [text] if self.tone_ms else sentences(speech.speakable(text)) or []
        pending = [asyncio.ensure_future(self._speak(parts[0]))] if parts else []
        try:
            for index, sentence in enumerate(parts):
                pcm = await pending.pop(0)
                if index + 1 < len(parts):  # make the next sentence while this one plays
                    pending.append(asyncio.ensure_future(self._speak(parts[index + 1])))
                words = sentence.split()
                said_words = 0
                chunks = max(1, math.ceil(len(pcm) / chunk_bytes))
                for k in range(chunks):
                    due = start + self.options.audio_due(sent_seconds)
                    if await self._wait(due - time.monotonic()):
                        return
                    chunk = pcm[k * chunk_bytes : (k + 1) * chunk_bytes]
                    await self.send(
                        {
                            "serverContent": {
                                "modelTurn": {
                                    "parts": [
                                        {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": encode_bytes(chunk)}}
                                    ]
                                }
                            }
                        }
                    )
                    self._sent_first()
                    self.audio_bytes += len(chunk)
                    seconds = pcm_seconds(len(chunk), speech.OUTPUT_RATE)
                    sent_seconds += seconds
                    self.playback.add(seconds)
                    # The transcript follows the audio: words in proportion to what was sent.
                    due_words = math.ceil(len(words) * (k + 1) / chunks)
                    if due_words > said_words:
                        piece = " ".join(words[said_words:due_words])
                        piece = piece if not self.sent_text else " " + piece
                        self.sent_text += piece
                        said_words = due_words
                        if self.output_transcription:
                            await self.send({"serverContent": {"outputTranscription": {"text": piece}}})
        finally:
            for task in pending:  # a sentence made ahead that will never be said
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _speak(self, sentence: str) -> bytes:
        if self.tone_ms:
            return tone(self.tone_ms)
        return await speech.synthesize(sentence, voice_name=self.voice_name, language_code=self.language_code)


def tone(ms: int, hz: float = 440.0, dbfs: float = -12.0, rate: int = speech.OUTPUT_RATE) -> bytes:
    """A steady sine, PCM16 mono: sound in every sample window, so a listener can
    time exactly when it starts, stops or stutters."""
    n = rate * ms // 1000
    amplitude = 32767 * 10 ** (dbfs / 20)
    return (amplitude * np.sin(2 * np.pi * hz * np.arange(n) / rate)).astype("<i2").tobytes()


class PlaybackClock:
    """Where the client's speaker would be if it played every chunk at real time as
    soon as it arrived: an answer 'would still be playing' until `until`."""

    def __init__(self) -> None:
        self.until = 0.0
        self.started = 0.0
        self.seconds = 0.0

    def add(self, seconds: float) -> None:
        now = time.monotonic()
        if self.until < now:
            self.until = now
            if self.seconds == 0.0:
                self.started = now
        self.until += seconds
        self.seconds += seconds

    def playing(self) -> bool:
        return time.monotonic() < self.until

    def heard_fraction(self) -> float:
        """About how much of the audio has been heard by now."""
        if self.seconds <= 0:
            return 1.0
        remaining = max(0.0, self.until - time.monotonic())
        return max(0.0, min(1.0, 1.0 - remaining / self.seconds))
