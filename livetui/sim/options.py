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

    # Pacing. Audio is paced at real time; `speed` > 1 sends faster, math.inf unpaced.
    chunk_ms: int = 40  # audio answer chunk length, 20..200 ms
    speed: float = 1.0
    text_rate: float = 60.0  # text answer tokens per second (at speed 1)
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
        if not self.speed > 0:
            raise ValueError(f"speed must be positive, not {self.speed}")
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
        return 0.0 if math.isinf(self.speed) else seconds / self.speed
