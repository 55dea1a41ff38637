"""What Capture and Playback share: a PortAudio session and one callback stream,
opened at the rate Live uses if the device takes it, else at the device's own
rate (the subclass resamples in the callback).

The callbacks run on PortAudio's thread and hold the GIL while they run, so
what they call must not block (a drop-oldest queue's put, a level meter's feed).
A failing stream says why through `.error`, in one line; it never prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from .discovery import Device, Kind, find_in
from .pcm import Resampler
from .portaudio import (
    AudioUnavailable,
    close_portaudio,
    open_portaudio,
    pa_lock,
    pa_text,
)
from .quiet import quiet_stderr

if TYPE_CHECKING:
    import pyaudio

STALL_SECONDS = 3.0  # no callback for this long while started: the device is gone

# portaudio.h's values, so the callbacks need not look pyaudio up on every block.
PA_CONTINUE, PA_ABORT = 0, 2
PA_INPUT_OVERFLOW, PA_OUTPUT_UNDERFLOW = 0x2, 0x4


def _candidate_rates(want: int, device: Device, forced: int | None) -> list[int]:
    if forced:
        return [forced]
    rates = [want, int(device.default_rate), 48_000, 44_100]
    return [r for i, r in enumerate(rates) if r > 0 and r not in rates[:i]]


def open_stream(
    pa: pyaudio.PyAudio,
    device: Device,
    kind: Kind,
    want_rate: int,
    block_frames: int,
    forced_rate: int | None,
    callback: Callable[..., Any],
) -> tuple[pyaudio.Stream, int, int]:
    """Open a stopped callback stream: the wanted rate if the device takes it, else
    its own. Mono if it can, else stereo (mixed or copied in the callback).
    Returns (stream, device rate, channels)."""
    import pyaudio

    channel_options = [1, 2] if device.channels(kind) >= 2 else [1]
    failures: list[str] = []
    for channels in channel_options:
        for rate in _candidate_rates(want_rate, device, forced_rate):
            frames = max(1, round(block_frames * rate / want_rate))
            with pa_lock, quiet_stderr():
                try:
                    pa.is_format_supported(
                        rate,
                        **{f"{kind}_device": device.index, f"{kind}_channels": channels, f"{kind}_format": pyaudio.paInt16},
                    )
                except ValueError as e:
                    failures.append(f"{rate} Hz x{channels}: {pa_text(e)}")
                    continue
                try:
                    stream = pa.open(
                        format=pyaudio.paInt16,
                        channels=channels,
                        rate=rate,
                        input=kind == "input",
                        output=kind == "output",
                        input_device_index=device.index if kind == "input" else None,
                        output_device_index=device.index if kind == "output" else None,
                        frames_per_buffer=frames,
                        start=False,
                        stream_callback=callback,
                    )
                except (OSError, ValueError) as e:
                    failures.append(f"{rate} Hz x{channels}: {pa_text(e)}")
                    continue
            return stream, rate, channels
    raise AudioUnavailable(
        f"could not open {kind} device {device.name!r} ({failures[-1] if failures else 'no usable format'})",
        "choose another device",
    )


def close_stream(stream: pyaudio.Stream) -> None:
    with pa_lock, quiet_stderr():
        try:
            stream.close()
        except OSError:  # the device went away: closed either way
            pass


class Stream:
    """What Capture and Playback share: one PortAudio session and one stream."""

    kind: Kind

    def __init__(self, device: Device | str | int | None, rate: int, block_frames: int, device_rate: int | None) -> None:
        self.rate = rate
        self.block_frames = block_frames
        self.xruns = 0  # input overflows / output underflows PortAudio reported
        self._error: str | None = None
        self._started = False
        self._last_callback = 0.0
        self._stream: pyaudio.Stream | None = None
        self._pa: pyaudio.PyAudio | None = open_portaudio()
        try:
            self.device = find_in(self._pa, device, self.kind)
            self._stream, self.device_rate, self.channels = open_stream(
                self._pa, self.device, self.kind, rate, block_frames, device_rate, self._callback
            )
        except BaseException:
            close_portaudio(self._pa)
            self._pa = None
            raise
        # The callback cannot run before start(), so it may use these freely.
        self._resampler: Resampler | None = None if self.device_rate == rate else self._make_resampler()

    def _make_resampler(self) -> Resampler:
        raise NotImplementedError

    def _callback(self, in_data: bytes | None, frame_count: int, time_info: Any, status: int) -> tuple[bytes | None, int]:
        raise NotImplementedError

    def _failed(self, error: BaseException, silence: bytes | None = None) -> tuple[bytes | None, int]:
        # A raising callback would make PyAudio print a traceback: record it instead.
        self._error = f"{self.kind} callback failed: {type(error).__name__}: {error}"
        return silence, PA_ABORT

    def start(self) -> None:
        if self._stream is None:
            raise RuntimeError(f"{self.kind} stream is closed")
        if self._started:
            return
        self._error = None
        self._last_callback = time.monotonic()
        with quiet_stderr():
            try:
                self._stream.start_stream()
            except OSError as e:
                raise AudioUnavailable(f"could not start {self.kind} on {self.device.name!r}: {pa_text(e)}") from e
        self._started = True

    def stop(self) -> None:
        """Stop (queued blocks play out, a few ms). Safe to call twice, or after a failure."""
        if self._stream is None or not self._started:
            return
        self._started = False
        try:
            if not self._stream.is_stopped():
                self._stream.stop_stream()
        except OSError:  # already stopped by PortAudio (the device went away)
            pass

    def abort(self) -> None:
        """Stop now, dropping what the device still holds (Pa_AbortStream, where stop()
        plays it out), then open the stream afresh: on ALSA's PulseAudio plugin an
        aborted stream starts again silent. PyAudio's Stream has no abort; its C
        module has."""
        if self._stream is None or not self._started:
            return
        import pyaudio

        abort = getattr(pyaudio._portaudio, "abort_stream", None)
        if abort is None:  # a PyAudio without it: the tail plays out
            self.stop()
            return
        self._started = False
        stream, self._stream = self._stream, None
        try:
            if not stream.is_stopped():
                abort(stream._stream)
        except OSError:  # already stopped by PortAudio (the device went away)
            pass
        close_stream(stream)
        assert self._pa is not None
        self._stream, self.device_rate, self.channels = open_stream(
            self._pa, self.device, self.kind, self.rate, self.block_frames, self.device_rate, self._callback
        )

    def close(self) -> None:
        self.stop()
        stream, pa = self._stream, self._pa
        self._stream = self._pa = None
        if stream is not None:
            close_stream(stream)
        if pa is not None:
            close_portaudio(pa)

    @property
    def error(self) -> str | None:
        """Why the stream died (device gone, callback failed), or None."""
        if self._error is not None:
            return self._error
        if self._started and self._stream is not None:
            try:
                running = self._stream.is_active()
            except OSError as e:
                running, self._error = False, f"{self.kind} stream failed: {pa_text(e)}"
            if not running and self._error is None:
                self._error = f"{self.kind} stream on {self.device.name!r} stopped by itself (device gone?)"
            silent_for = time.monotonic() - self._last_callback
            if running and silent_for > STALL_SECONDS:
                self._error = f"{self.kind} device {self.device.name!r} gave no audio for {silent_for:.0f} s (device gone?)"
        return self._error

    @property
    def active(self) -> bool:
        return self._started and self._stream is not None and self.error is None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


