"""What a simulator instance is told to do: pacing, faults, scripts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SimOptions:
    host: str = "127.0.0.1"
    port: int = 0  # 0: the OS picks a free port
    ca_file: Path | None = None  # where the throwaway CA's PEM goes; None: a file of our own
    log_file: Path | None = None  # one JSON line per WebSocket frame, in and out

    # Pacing. By default audio answers come as the real service sends them: generated
    # faster than real time, in bursts (burst_ms of audio sent back to back, the next
    # burst ready burst_ms / burst_speed later). `speed` paces audio evenly instead:
    # 1.0 real time, 2.0 twice as fast, math.inf unpaced; text too (text_rate x speed).
    chunk_ms: int = 40  # audio answer chunk length, 20..200 ms
    speed: float | None = None  # None: bursts
    burst_ms: int = 800
    burst_speed: float = 4.0
    text_rate: float = 60.0  # text answer tokens per second (at speed 1, and in burst mode)
    latency_ms: int = 0  # delay before each answer starts
    # How long the extended-thinking model reasons in the background before it answers:
    # wall-clock, not paced with the output (thinking is not output).
    reasoning_ms: int = 1000

    # Faults.
    reject_keys: frozenset[str] = frozenset()
    reject_models: frozenset[str] = frozenset()  # names ("models/" optional) refused as unknown (1008)
    goaway_after: float | None = None  # seconds after setup: send goAway
    goaway_time_left: float = 50.0  # the goAway's timeLeft; the close comes after it
    drop_after: float | None = None  # seconds after setup: abort the TCP connection
    drop_random: float | None = None  # mean seconds (exponential) before a connection is aborted
    quota_after: int | None = None  # sessions beyond this many are refused (1011 quota)

    script: Path | None = None  # scripted replies (TOML), see livetui.sim.script
    # Serve the Live models shut down on 2025-12-09 as they behaved then (TEXT or AUDIO,
    # any config), so programs written for the 2025 API still run. Off: refused as today.
    retired_models: bool = False

    extra: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not 20 <= self.chunk_ms <= 200:
            raise ValueError(f"chunk_ms must be between 20 and 200, not {self.chunk_ms}")
        if self.speed is not None and not self.speed > 0:
            raise ValueError(f"speed must be positive, not {self.speed}")
        if self.burst_ms < self.chunk_ms or not self.burst_speed > 0:
            raise ValueError("a burst holds at least one chunk and comes at a positive speed")
        if not self.text_rate > 0:
            raise ValueError(f"text_rate must be positive, not {self.text_rate}")
        if self.drop_random is not None and not self.drop_random > 0:
            raise ValueError(f"drop_random must be positive, not {self.drop_random}")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if self.reasoning_ms < 0:
            raise ValueError("reasoning_ms must not be negative")

    def paced(self, seconds: float) -> float:
        """Wall-clock time for `seconds` of real-time output at this speed."""
        if self.speed is None:
            return seconds
        return 0.0 if math.isinf(self.speed) else seconds / self.speed

    def audio_due(self, sent_seconds: float) -> float:
        """When (seconds after the answer starts) the chunk that follows `sent_seconds`
        of audio leaves: evenly paced at `speed`, or with the burst it belongs to."""
        if self.speed is not None:
            return self.paced(sent_seconds)
        burst = self.burst_ms / 1000
        return int((sent_seconds + 1e-6) // burst) * burst / self.burst_speed
