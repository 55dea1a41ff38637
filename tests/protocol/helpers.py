"""The real google-genai SDK, pointed at a simulator, and ways to read a turn."""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import soxr
from google import genai
from google.genai import types

from livetui.sim import Simulator

MODEL = "gemini-3.8-live"  # today's default Live model: it answers in AUDIO only
RETIRED_MODEL = "gemini-live-2.5-flash-preview"  # the 2025 guide's; served only with retired_models=True
# How today's models give text: the answer is spoken, and its transcript is the text.
AUDIO_OUT = {"response_modalities": ["AUDIO"], "output_audio_transcription": {}}


def client_for(sim: Simulator, api_key: str = "test-key") -> genai.Client:
    return genai.Client(
        api_key=api_key,
        http_options=types.HttpOptions(base_url=sim.base_url, async_client_args={"ssl": sim.client_ssl_context()}),
    )


@dataclass
class TurnResult:
    messages: list[types.LiveServerMessage] = field(default_factory=list)
    text: str = ""
    audio: bytes = b""
    input_transcript: str = ""
    output_transcript: str = ""
    interrupted: bool = False
    generation_complete: bool = False
    usage: types.UsageMetadata | None = None
    tool_calls: list[types.FunctionCall] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # kinds of messages, in order

    @property
    def audio_seconds(self) -> float:
        return len(self.audio) / 2 / 24000


async def read_turn(session: Any, tool_responder: Any = None, on_audio: Any = None) -> TurnResult:
    """Everything up to the turn's end, as the SDK's receive() delivers it."""
    out = TurnResult()
    async for msg in session.receive():
        out.messages.append(msg)
        if msg.tool_call:
            out.order.append("toolCall")
            out.tool_calls.extend(msg.tool_call.function_calls or [])
            if tool_responder is not None:
                await tool_responder(session, msg.tool_call)
        if msg.tool_call_cancellation:
            out.order.append("toolCallCancellation")
        if msg.usage_metadata:
            out.usage = msg.usage_metadata
        sc = msg.server_content
        if sc is None:
            continue
        if sc.model_turn and sc.model_turn.parts:
            for part in sc.model_turn.parts:
                if part.text:
                    out.text += part.text
                    out.order.append("text")
                if part.inline_data and part.inline_data.data:
                    assert part.inline_data.mime_type == "audio/pcm;rate=24000"
                    out.audio += part.inline_data.data
                    out.order.append("audio")
                    if on_audio is not None:
                        on_audio.set()
        if sc.input_transcription and sc.input_transcription.text:
            out.input_transcript += sc.input_transcription.text
            out.order.append("inputTranscription")
        if sc.output_transcription and sc.output_transcription.text:
            out.output_transcript += sc.output_transcription.text
            out.order.append("outputTranscription")
        if sc.generation_complete:
            out.generation_complete = True
            out.order.append("generationComplete")
        if sc.interrupted:
            out.interrupted = True
            out.order.append("interrupted")
        if sc.turn_complete:
            out.order.append("turnComplete")
    return out


def speech_pcm(text: str, rate: int = 16000, lead_ms: int = 200, tail_ms: int = 0, gain: float = 1.0) -> bytes:
    """Real speech from espeak-ng as PCM16 mono at `rate`, with silence around it."""
    assert shutil.which("espeak-ng"), "espeak-ng is installed by `make test`"
    wav = subprocess.run(["espeak-ng", "-v", "en-us", "--stdout"], input=text.encode(), capture_output=True, check=True).stdout
    with wave.open(io.BytesIO(wav)) as w:
        src_rate = w.getframerate()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    out = soxr.resample(samples.astype(np.float32) * gain, src_rate, rate)
    out = np.clip(out, -32768, 32767).astype("<i2")
    lead = np.zeros(rate * lead_ms // 1000, dtype="<i2")
    tail = np.zeros(rate * tail_ms // 1000, dtype="<i2")
    return np.concatenate([lead, out, tail]).tobytes()


def silence(ms: int, rate: int = 16000) -> bytes:
    return bytes(2 * rate * ms // 1000)


def rms_dbfs(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    if samples.size == 0:
        return -math.inf
    rms = math.sqrt(float(np.mean(samples**2)))
    return 20 * math.log10(rms / 32768) if rms > 0 else -math.inf


def chunks(pcm: bytes, ms: int = 20, rate: int = 16000) -> list[bytes]:
    size = 2 * rate * ms // 1000
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]


def write_wav(path: Path, pcm: bytes, rate: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm)
