"""Where the sound devices run: the Voice's side of them (core/voice.py).

Two engines with one face:
- `ProcessEngine` (the default): a helper process owns PortAudio's streams
  (core/audio/enginemain.py). The model's audio goes to it through a shared-memory
  ring (core/audio/ring.py), so no UI frame, garbage collection or SDK parse in this
  process can starve the speaker: PortAudio's callbacks take the helper's GIL, never
  ours. The mic's chunks come back over a socket.
- `ThreadEngine`: PortAudio in this process, on its own threads, as before. Chosen
  with `[audio] engine = "thread"`, to compare, or where a helper process cannot run.

Either way: `buffer` takes the model's audio (a PlaybackBuffer's interface), the two
meters are read by the UI, `on_mic(pcm)` gets every 20 ms chunk from a thread that is
not the UI's, and `flush()` silences the speaker within milliseconds (barge-in).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Literal, Protocol

from .jitter import PlaybackBuffer
from .levels import LevelMeter

EngineKind = Literal["process", "thread"]
ENGINES: tuple[EngineKind, ...] = ("process", "thread")
MicSink = Callable[[bytes], None]


class Meter(Protocol):
    def level(self) -> float | None: ...


class Playing(Protocol):
    """What the Voice asks of the playback side (PlaybackBuffer has it all)."""

    def write(self, pcm: bytes) -> None: ...
    def new_turn(self) -> None: ...
    def end_of_turn(self) -> None: ...
    def clear(self) -> int: ...
    def heard_fraction(self) -> float: ...
    def mark(self) -> None:
        """Time the sound of the next byte written (new_turn() marks the turn's first)."""
    def heard_at(self) -> float | None:
        """When the marked byte leaves the device (time.monotonic()), once handed to it."""
    @property
    def playing(self) -> bool: ...
    @property
    def depth_ms(self) -> float: ...
    @property
    def underruns(self) -> int: ...


class AudioEngine(Protocol):
    @property
    def buffer(self) -> Playing: ...
    @property
    def mic_meter(self) -> Meter: ...
    @property
    def speaker_meter(self) -> Meter: ...

    def open(self, on_mic: MicSink) -> None:
        """Open and start mic and speaker (blocking: call from a thread); raises
        AudioUnavailable with the reason in words."""

    @property
    def opened(self) -> bool: ...
    def wake(self) -> None:
        """New audio in `buffer`: start the speaker if it sleeps. Never blocks."""

    def flush(self) -> None:
        """`buffer` was just cleared: drop what the device still holds. Never blocks."""

    def set_mic_wanted(self, wanted: bool) -> None:
        """Whether on_mic is to get chunks (the meter moves either way)."""

    def device_error(self) -> str | None: ...
    def glitches(self) -> tuple[int, int]:
        """So far: times an answer's audio ran out before its end (it came late), and
        times the device itself ran dry (the engine was not scheduled in time)."""

    def close(self) -> None: ...


class ThreadEngine:
    """PortAudio in this process: its callbacks share the GIL with the UI."""

    def __init__(self, input_device: str | None, output_device: str | None, chunk_ms: int) -> None:
        self._devices = (input_device, output_device)
        self._chunk_ms = chunk_ms
        self.buffer = PlaybackBuffer()
        self.mic_meter = LevelMeter()
        self.speaker_meter = LevelMeter()
        self.capture: Any = None
        self.playback: Any = None
        self._mic_wanted = True

    def open(self, on_mic: MicSink) -> None:
        from .capture import Capture
        from .playback import Playback
        from .ring import START_QUEUED_MS

        def mic(pcm: bytes) -> None:
            self.mic_meter.feed(pcm)
            if self._mic_wanted:
                on_mic(pcm)

        try:
            # On demand: started by the first chunk of an answer, so it plays at once,
            # and flushed on `interrupted`, so the speaker stops at once.
            self.playback = Playback(lambda frames: self.buffer.read(frames * 2, self._pull_delay()), self._devices[1],
                                     on_played=self.speaker_meter.feed, has_audio=lambda: self.buffer.playing,
                                     ready=lambda: self.buffer.ready_to_start(START_QUEUED_MS))
            self.capture = Capture(mic, self._devices[0], chunk_ms=self._chunk_ms)
            self.playback.start()
            self.capture.start()
        except BaseException:
            self.close()
            raise

    def _pull_delay(self) -> float:
        return self.playback.pull_delay_s if self.playback is not None else 0.0

    @property
    def opened(self) -> bool:
        return self.capture is not None and self.playback is not None

    def wake(self) -> None:
        if self.playback is not None:
            self.playback.wake()

    def flush(self) -> None:
        if self.playback is not None:
            self.playback.flush()

    def set_mic_wanted(self, wanted: bool) -> None:
        self._mic_wanted = wanted

    def glitches(self) -> tuple[int, int]:
        return self.buffer.underruns, self.playback.xruns if self.playback is not None else 0

    def device_error(self) -> str | None:
        for name, stream in (("microphone", self.capture), ("speaker", self.playback)):
            if stream is not None and getattr(stream, "error", None):
                return f"{name}: {stream.error}"
        return None

    def close(self) -> None:
        for stream in (self.capture, self.playback):
            if stream is not None:
                try:
                    stream.close()
                except Exception:  # a vanished device may fail to close; it is gone either way
                    pass
        self.capture = self.playback = None


def make_engine(kind: EngineKind, input_device: str | None, output_device: str | None, chunk_ms: int) -> AudioEngine:
    if kind == "thread" or os.name == "nt":  # Windows cannot hand descriptors to a child process
        return ThreadEngine(input_device, output_device, chunk_ms)
    from .engineclient import ProcessEngine

    return ProcessEngine(input_device, output_device, chunk_ms)
