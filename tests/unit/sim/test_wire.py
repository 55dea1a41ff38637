"""The frame log's view of payloads: sizes, and for PCM audio its peak."""

from __future__ import annotations

import base64

import numpy as np

from livetui.sim.wire import redact_payloads


def b64(samples: list[int]) -> str:
    return base64.urlsafe_b64encode(np.array(samples, dtype="<i2").tobytes()).decode()


def test_audio_payloads_become_their_size_and_peak_other_payloads_their_size() -> None:
    msg = {"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": b64([3, -1200, 40, 0])}},
           "parts": [{"inline_data": {"mime_type": "audio/pcm;rate=24000", "data": b64([0, 0])}},
                     {"inlineData": {"mimeType": "image/jpeg", "data": base64.b64encode(b"\xff\xd8\xff").decode()}}]}
    out = redact_payloads(msg)
    assert out["realtimeInput"]["audio"] == {"mimeType": "audio/pcm;rate=16000", "data": 8, "peak": 1200}
    assert out["parts"][0]["inline_data"] == {"mime_type": "audio/pcm;rate=24000", "data": 4, "peak": 0}
    assert out["parts"][1]["inlineData"] == {"mimeType": "image/jpeg", "data": 3}
    assert msg["realtimeInput"]["audio"]["data"] == b64([3, -1200, 40, 0])  # the original is left alone
