"""The transcription model (gemini-3.5-transcribe-live): the text of the speech it hears.

A speech-to-text pipeline, not an assistant (Google's live-transcribe page): audio in
only, TEXT out, no spoken answer, no turns. For each utterance its automatic activity
detection closes, the simulator streams the recognised words in small pieces:
  - as `modelTurn` TEXT parts (the "TEXT answers" of response_modalities=["TEXT"]), and
  - as `inputTranscription`, when the setup asks for input_audio_transcription (the
    page's example reads the transcript there), the last piece marked finished.
Both carry the same words; `generationComplete` ends each utterance's transcript.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from . import recognize
from .answer import text_parts
from .tokens import audio_tokens, pcm_seconds, text_tokens

if TYPE_CHECKING:
    from .session_state import SessionState, UserInput

__all__ = ["Transcriber"]


class Transcriber:
    async def hear(self, session: SessionState, user: UserInput) -> None:
        text = await recognize.transcribe_beside(user.pcm) if user.pcm else ""
        if not text:
            return  # noise: no caption
        options = session.sim.options
        pieces = text_parts(text, size=8)
        start, sent_tokens = time.monotonic(), 0.0
        for index, piece in enumerate(pieces):
            # Paced like the simulator's text answers: words as they would be recognised.
            delay = start + options.paced(sent_tokens / options.text_rate) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if session.config.input_transcription:
                last = index == len(pieces) - 1
                await session.send({"serverContent": {"inputTranscription": {"text": piece, "finished": last}}})
            await session.send({"serverContent": {"modelTurn": {"role": "model", "parts": [{"text": piece}]}}})
            sent_tokens += max(1.0, len(piece) / 4)
        await session.send({"serverContent": {"generationComplete": True}})
        prompt = audio_tokens(pcm_seconds(len(user.pcm), 16000))
        response = text_tokens(text)
        await session.send(
            {
                "usageMetadata": {
                    "promptTokenCount": prompt,
                    "responseTokenCount": response,
                    "totalTokenCount": prompt + response,
                    "promptTokensDetails": [{"modality": "AUDIO", "tokenCount": prompt}],
                    "responseTokensDetails": [{"modality": "TEXT", "tokenCount": response}],
                }
            }
        )
