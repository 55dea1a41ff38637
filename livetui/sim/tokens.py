"""Token counting as the simulator reports it in ``usageMetadata``.

The real service tokenises with the model's own vocabulary; the simulator
only needs counts that are plausible, stable and cheap, so it uses the
published rules of thumb: about four characters a text token, and native audio
at about 25 tokens a second (the Live API best-practice page, 2026; the 2025
documentation said 32).
"""

from __future__ import annotations

import math

__all__ = ["AUDIO_TOKENS_PER_SECOND", "CHARS_PER_TOKEN", "audio_tokens", "pcm_seconds", "text_tokens"]

CHARS_PER_TOKEN = 4
AUDIO_TOKENS_PER_SECOND = 25
_PCM16_BYTES_PER_SAMPLE = 2


def text_tokens(text: str) -> int:
    """Tokens for ``text``: one per started group of four characters (0 for "")."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def audio_tokens(seconds: float) -> int:
    """Tokens for ``seconds`` of audio, rounded; never negative."""
    # max() after rounding so that tiny negative float error can't produce -0 or -1.
    return max(0, round(AUDIO_TOKENS_PER_SECOND * seconds))


def pcm_seconds(nbytes: int, rate: int) -> float:
    """Duration in seconds of ``nbytes`` of PCM16 mono audio at ``rate`` Hz."""
    if rate <= 0:
        raise ValueError(f"sample rate must be positive, got {rate}")
    # A trailing odd byte is half a sample: it plays no sound, so it adds no time.
    return (max(0, nbytes) // _PCM16_BYTES_PER_SAMPLE) / rate
