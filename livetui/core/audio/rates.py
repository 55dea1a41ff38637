"""The Live API's audio rates, defined once: PCM16 mono at 16 kHz goes in, 24 kHz comes out.

Devices, WAV files and recordings run at whatever rate they like; everything is
resampled to or from these. (The simulator keeps its own copy: it shares no code
with the client it tests.)
"""

from __future__ import annotations

INPUT_RATE = 16_000  # what the Live API takes
OUTPUT_RATE = 24_000  # what the Live API returns
