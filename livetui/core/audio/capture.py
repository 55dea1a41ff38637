"""The mic: PCM16 mono at Live's input rate in equal chunks, whatever rate the device runs at."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .discovery import Device, Kind
from .pcm import SAMPLE_WIDTH, Resampler, to_mono
from .rates import INPUT_RATE
from .stream import PA_CONTINUE, PA_INPUT_OVERFLOW, Stream


class Capture(Stream):
    """The mic: PCM16 mono chunks of `chunk_ms` at 16 kHz, each handed to
    on_chunk(bytes) on PortAudio's thread. Every chunk has exactly the same
    size (640 bytes for 20 ms), even when the device is resampled.

    `device`: a Device, an index, part of a name, or None for the default.
    `device_rate`: open the device at this rate and resample (None: try 16 kHz first).
    `block_ms`: the device's own block, a whole number of chunks (default: one chunk):
    a longer block wakes the sound path less often, for chunks that come in pairs.
    Raises AudioUnavailable if there is no such device or it will not open.
    """

    kind: Kind = "input"

    def __init__(
        self,
        on_chunk: Callable[[bytes], None],
        device: Device | str | int | None = None,
        *,
        chunk_ms: int = 20,
        rate: int = INPUT_RATE,
        device_rate: int | None = None,
        block_ms: int | None = None,
    ) -> None:
        self.chunk_bytes = rate * chunk_ms // 1000 * SAMPLE_WIDTH
        if self.chunk_bytes <= 0:
            raise ValueError(f"a {chunk_ms} ms chunk at {rate} Hz holds no sample")
        chunks_per_block = max(1, (block_ms or chunk_ms) // chunk_ms)
        self._on_chunk = on_chunk
        self._pending = bytearray()
        super().__init__(device, rate, chunks_per_block * self.chunk_bytes // SAMPLE_WIDTH, device_rate)

    def _make_resampler(self) -> Resampler:
        return Resampler(self.device_rate, self.rate)

    def _callback(self, in_data: bytes | None, frame_count: int, time_info: Any, status: int) -> tuple[bytes | None, int]:
        try:
            self._last_callback = time.monotonic()
            if status & PA_INPUT_OVERFLOW:
                self.xruns += 1
            pcm = in_data or b""
            if self.channels > 1:
                pcm = to_mono(pcm, self.channels)
            if self._resampler is not None:
                pcm = self._resampler.process(pcm)
            if not self._pending and len(pcm) == self.chunk_bytes:
                self._on_chunk(pcm)  # the usual case: the device delivers whole chunks
            else:
                # Resampling yields a varying number of samples per block.
                self._pending += pcm
                size = self.chunk_bytes
                while len(self._pending) >= size:
                    piece = bytes(self._pending[:size])
                    del self._pending[:size]
                    self._on_chunk(piece)
            return None, PA_CONTINUE
        except Exception as e:  # noqa: BLE001 - whatever it is, PyAudio must not print it
            return self._failed(e)


