"""Token counts as the simulator reports them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livetui.sim.tokens import audio_tokens, pcm_seconds, text_tokens


@pytest.mark.parametrize(("text", "tokens"), [("", 0), ("a", 1), ("abcd", 1), ("abcde", 2), ("x" * 400, 100)])
def test_text_tokens(text: str, tokens: int) -> None:
    assert text_tokens(text) == tokens


@given(st.text())
def test_text_tokens_is_a_quarter_rounded_up(text: str) -> None:
    tokens = text_tokens(text)
    assert 4 * tokens >= len(text) > 4 * (tokens - 1)


@pytest.mark.parametrize(
    ("seconds", "tokens"), [(0.0, 0), (1.0, 25), (2.4, 60), (0.01, 0), (0.04, 1), (-3.0, 0), (-1e-12, 0)]
)
def test_audio_tokens(seconds: float, tokens: int) -> None:
    """Native audio at about 25 tokens a second, as today's best-practice page puts it."""
    assert audio_tokens(seconds) == tokens


def test_pcm_seconds() -> None:
    assert pcm_seconds(32000, 16000) == 1.0
    assert pcm_seconds(48000, 24000) == 1.0
    assert pcm_seconds(0, 16000) == 0.0
    assert pcm_seconds(3, 16000) == 1 / 16000  # a trailing half sample is no time
    assert audio_tokens(pcm_seconds(16000 * 2 * 3, 16000)) == 75
    with pytest.raises(ValueError):
        pcm_seconds(100, 0)
