"""The PortAudio layer: finding devices, capturing the mic, playing the answer.

Capture delivers PCM16 mono at 16 kHz (what Live takes) and Playback plays PCM16
mono at 24 kHz (what Live returns), whatever rate the device really runs at: a
device that refuses those rates is opened at its own rate and resampled in the
callback.

Both callbacks run on PortAudio's thread and hold the GIL while they run, so
what they call must not block (a drop-oldest queue's put, a level meter's feed).

PortAudio, ALSA and JACK print probe noise on fd 2 when PortAudio starts, lists
devices or opens a stream. None of it may reach the terminal: ALSA's messages go
to a no-op handler, and the rest is muted by pointing fd 2 at /dev/null around
those calls. While a Textual app runs, fd 2 is its screen (Textual draws on
sys.__stderr__), so the app should call divert_stderr() once before it starts.

With no device at all, everything here raises AudioUnavailable with one line
for a human; never a traceback, never a word on stderr.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Literal, Self

import numpy as np

from livetui.core.audio.pcm import Resampler, to_mono
from livetui.core.sanitize import safe_text

if TYPE_CHECKING:
    import pyaudio

Kind = Literal["input", "output"]

CAPTURE_RATE = 16_000  # Live's input rate
PLAYBACK_RATE = 24_000  # Live's output rate
# 10 ms blocks: after the source turns silent, old audio is heard for about two
# blocks more (PortAudio keeps two queued). That no longer sets barge-in speed
# (on demand, Playback.flush drops what the device holds), so the block is sized
# for slack: 5 ms blocks left holes in answers whenever the CPU was busy.
PLAYBACK_BLOCK = 240
SAMPLE_BYTES = 2
# On-demand playback: the stream stops after this long with nothing to play (far
# longer than the device's own latency, so the tail has been heard by then).
IDLE_STOP_SECONDS = 0.15
# ...and starts with this many blocks of silence: a stream that starts empty has
# nothing queued, and PortAudio pulls several blocks at once to fill the device,
# draining the first chunk and padding the rest with silence: a hole 40 ms into
# the answer. One silent block first costs 10 ms of onset and leaves none.
LEAD_IN_BLOCKS = 1
STALL_SECONDS = 3.0  # no callback for this long while started: the device is gone

# portaudio.h's values, so the callbacks need not look pyaudio up on every block.
_PA_CONTINUE, _PA_ABORT = 0, 2
_PA_INPUT_OVERFLOW, _PA_OUTPUT_UNDERFLOW = 0x2, 0x4

NO_DEVICES = "no audio devices found (PortAudio sees none)"
SSH_HINT = "over SSH, forward your laptop's PulseAudio: see README 'Audio over SSH'"

# PortAudio's init, terminate and open are not thread-safe.
_pa_lock = threading.RLock()


class AudioUnavailable(Exception):
    """Audio cannot work here. str() is one line: what is wrong, then how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = " ".join(message.split())
        self.hint = " ".join(hint.split())
        super().__init__(f"{self.message}; {self.hint}" if self.hint else self.message)


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    max_input_channels: int
    max_output_channels: int
    default_rate: float
    is_default_input: bool
    is_default_output: bool
    host_api: str = ""

    def channels(self, kind: Kind) -> int:
        return self.max_input_channels if kind == "input" else self.max_output_channels


# --- keeping fd 2 clean ------------------------------------------------------

_quiet_lock = threading.Lock()
_quiet_depth = 0
_quiet_saved_fd = -1
_diverted = False


@contextmanager
def quiet_stderr() -> Iterator[None]:
    """Point fd 2 at /dev/null for the duration (C libraries write there, not to
    sys.stderr). Nestable and usable from several threads: fd 2 comes back when
    the last one leaves. A no-op once divert_stderr() has run."""
    global _quiet_depth, _quiet_saved_fd
    with _quiet_lock:
        if _quiet_depth == 0 and not _diverted:
            _flush_stderr()
            try:
                saved = os.dup(2)
            except OSError:  # fd 2 is closed: nothing to protect
                saved = -1
            if saved >= 0:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 2)
                os.close(null)
            _quiet_saved_fd = saved
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0 and _quiet_saved_fd >= 0:
                _flush_stderr()
                os.dup2(_quiet_saved_fd, 2)
                os.close(_quiet_saved_fd)
                _quiet_saved_fd = -1


def divert_stderr(to: str = os.devnull) -> IO[str]:
    """Point fd 2 at `to` (a log file, say) for the rest of the process, and
    return a text stream on what fd 2 was (the terminal).

    For a full-screen app: give it the returned stream to draw on (Textual uses
    sys.__stderr__), and C-level noise from any thread, at any time, lands in
    `to` instead of on the screen. quiet_stderr() becomes a no-op afterwards,
    since muting fd 2 would then mute nothing useful.
    """
    global _diverted
    with _quiet_lock:
        _flush_stderr()
        terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding=sys.stderr.encoding if sys.stderr else "utf-8")
        target = os.open(to, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(target, 2)
        os.close(target)
        _diverted = True
    return terminal


def _flush_stderr() -> None:
    for stream in (sys.stderr, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass


# ALSA reports through a handler that defaults to printing on stderr, from any
# thread (including PortAudio's), so it is replaced rather than muted by fd.
_ALSA_HANDLER_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p)
_alsa_handler: Any = None  # the ctypes callback must stay alive while ALSA holds it


def _ignore_alsa_error(*_args: object) -> None:
    return None


def _silence_alsa() -> None:
    global _alsa_handler
    if _alsa_handler is not None:
        return
    try:
        lib = ctypes.CDLL("libasound.so.2")
        set_handler = lib.snd_lib_error_set_handler
    except (OSError, AttributeError):  # no ALSA here (macOS, or a bare container)
        _alsa_handler = False
        return
    handler = _ALSA_HANDLER_TYPE(_ignore_alsa_error)
    set_handler(handler)
    _alsa_handler = handler
    # A Python callback must not be called once the interpreter is gone.
    atexit.register(set_handler, None)


# --- PortAudio sessions --------------------------------------------------------


def _pa_text(error: BaseException) -> str:
    """PyAudio raises OSError(text, code); make it read like a sentence."""
    if error.args and isinstance(error.args[0], str):
        return safe_text(error.args[0])
    return safe_text(str(error)) or type(error).__name__


def _open_portaudio() -> pyaudio.PyAudio:
    try:
        import pyaudio
    except ImportError as e:
        raise AudioUnavailable("PyAudio is not installed", "pip install pyaudio (it builds against portaudio19-dev)") from e
    _silence_alsa()
    with _pa_lock, quiet_stderr():
        try:
            return pyaudio.PyAudio()
        except Exception as e:
            raise AudioUnavailable(f"PortAudio could not start: {_pa_text(e)}", SSH_HINT) from e


def _close_portaudio(pa: pyaudio.PyAudio) -> None:
    with _pa_lock, quiet_stderr():
        pa.terminate()


@contextmanager
def _portaudio() -> Iterator[pyaudio.PyAudio]:
    # A session per question: PortAudio lists devices when it starts, so a fresh
    # one sees devices (or a sound server) that appeared since.
    pa = _open_portaudio()
    try:
        yield pa
    finally:
        _close_portaudio(pa)


def _default_index(get_info: Callable[[], dict[str, Any]]) -> int:
    try:
        return int(get_info()["index"])
    except (OSError, KeyError):  # PortAudio has no default of that kind
        return -1


def _devices(pa: pyaudio.PyAudio) -> list[Device]:
    with _pa_lock, quiet_stderr():
        default_in = _default_index(pa.get_default_input_device_info)
        default_out = _default_index(pa.get_default_output_device_info)
        devices = []
        for i in range(pa.get_device_count()):
            info = pa.get_device_info_by_index(i)
            try:
                host = safe_text(str(pa.get_host_api_info_by_index(int(info["hostApi"]))["name"]))
            except (OSError, KeyError, ValueError):
                host = ""
            devices.append(
                Device(
                    index=i,
                    name=safe_text(str(info["name"])),  # a device (a Bluetooth one) names itself: data
                    max_input_channels=int(info["maxInputChannels"]),
                    max_output_channels=int(info["maxOutputChannels"]),
                    default_rate=float(info["defaultSampleRate"]),
                    is_default_input=i == default_in,
                    is_default_output=i == default_out,
                    host_api=host,
                )
            )
    return devices


def _listing(devices: list[Device]) -> str:
    return ", ".join(f"{d.index} {d.name!r}" for d in devices) or "none"


def _find(pa: pyaudio.PyAudio, spec: Device | str | int | None, kind: Kind) -> Device:
    devices = _devices(pa)
    if not devices:
        raise AudioUnavailable(NO_DEVICES, SSH_HINT)
    usable = [d for d in devices if d.channels(kind) > 0]
    if not usable:
        raise AudioUnavailable(f"no {kind} devices (PortAudio sees {len(devices)}, none for {kind})", SSH_HINT)
    if isinstance(spec, Device):
        # Indices may shift between PortAudio sessions; the name is what the user chose.
        same = [d for d in usable if d.index == spec.index and d.name == spec.name]
        if same:
            return same[0]
        spec = spec.name
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        default = next((d for d in usable if (d.is_default_input if kind == "input" else d.is_default_output)), None)
        if default is None:
            raise AudioUnavailable(f"no default {kind} device", f"choose one of: {_listing(usable)}")
        return default
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec)
        for d in usable:
            if d.index == index:
                return d
        raise AudioUnavailable(f"no {kind} device with index {index}", f"{kind} devices: {_listing(usable)}")
    wanted = spec.strip().casefold()
    exact = [d for d in usable if d.name.casefold() == wanted]
    partial = [d for d in usable if wanted in d.name.casefold()]
    if exact or partial:
        return (exact or partial)[0]
    raise AudioUnavailable(f"no {kind} device matches {spec!r}", f"{kind} devices: {_listing(usable)}")


def list_devices() -> list[Device]:
    """Every device PortAudio sees now (empty if none). Raises AudioUnavailable
    only when PortAudio itself is missing or cannot start."""
    with _portaudio() as pa:
        return _devices(pa)


def find_device(spec: Device | str | int | None, kind: Kind) -> Device:
    """None or "": the default device of that kind; an int or a string of digits:
    that index; anything else: the first name containing it, case-insensitively
    (an exact name wins)."""
    with _portaudio() as pa:
        return _find(pa, spec, kind)


def audio_available() -> tuple[bool, str]:
    """(True, what there is) or (False, one line saying why not and what to do)."""
    try:
        devices = list_devices()
    except AudioUnavailable as e:
        return False, str(e)
    if not devices:
        return False, str(AudioUnavailable(NO_DEVICES, SSH_HINT))
    inputs = [d for d in devices if d.max_input_channels > 0]
    outputs = [d for d in devices if d.max_output_channels > 0]
    default_in = next((d.name for d in inputs if d.is_default_input), "none")
    default_out = next((d.name for d in outputs if d.is_default_output), "none")
    return True, f"{len(inputs)} input, {len(outputs)} output devices (default in: {default_in}, out: {default_out})"


# --- streams -----------------------------------------------------------------


def _candidate_rates(want: int, device: Device, forced: int | None) -> list[int]:
    if forced:
        return [forced]
    rates = [want, int(device.default_rate), 48_000, 44_100]
    return [r for i, r in enumerate(rates) if r > 0 and r not in rates[:i]]


def _open_stream(
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
            with _pa_lock, quiet_stderr():
                try:
                    pa.is_format_supported(
                        rate,
                        **{f"{kind}_device": device.index, f"{kind}_channels": channels, f"{kind}_format": pyaudio.paInt16},
                    )
                except ValueError as e:
                    failures.append(f"{rate} Hz x{channels}: {_pa_text(e)}")
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
                    failures.append(f"{rate} Hz x{channels}: {_pa_text(e)}")
                    continue
            return stream, rate, channels
    raise AudioUnavailable(
        f"could not open {kind} device {device.name!r} ({failures[-1] if failures else 'no usable format'})",
        "choose another device",
    )


def _close_stream(stream: pyaudio.Stream) -> None:
    with _pa_lock, quiet_stderr():
        try:
            stream.close()
        except OSError:  # the device went away: closed either way
            pass


class _Stream:
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
        self._pa: pyaudio.PyAudio | None = _open_portaudio()
        try:
            self.device = _find(self._pa, device, self.kind)
            self._stream, self.device_rate, self.channels = _open_stream(
                self._pa, self.device, self.kind, rate, block_frames, device_rate, self._callback
            )
        except BaseException:
            _close_portaudio(self._pa)
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
        return silence, _PA_ABORT

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
                raise AudioUnavailable(f"could not start {self.kind} on {self.device.name!r}: {_pa_text(e)}") from e
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
        _close_stream(stream)
        assert self._pa is not None
        self._stream, self.device_rate, self.channels = _open_stream(
            self._pa, self.device, self.kind, self.rate, self.block_frames, self.device_rate, self._callback
        )

    def close(self) -> None:
        self.stop()
        stream, pa = self._stream, self._pa
        self._stream = self._pa = None
        if stream is not None:
            _close_stream(stream)
        if pa is not None:
            _close_portaudio(pa)

    @property
    def error(self) -> str | None:
        """Why the stream died (device gone, callback failed), or None."""
        if self._error is not None:
            return self._error
        if self._started and self._stream is not None:
            try:
                running = self._stream.is_active()
            except OSError as e:
                running, self._error = False, f"{self.kind} stream failed: {_pa_text(e)}"
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


class Capture(_Stream):
    """The mic: PCM16 mono chunks of `chunk_ms` at 16 kHz, each handed to
    on_chunk(bytes) on PortAudio's thread. Every chunk has exactly the same
    size (640 bytes for 20 ms), even when the device is resampled.

    `device`: a Device, an index, part of a name, or None for the default.
    `device_rate`: open the device at this rate and resample (None: try 16 kHz first).
    Raises AudioUnavailable if there is no such device or it will not open.
    """

    kind: Kind = "input"

    def __init__(
        self,
        on_chunk: Callable[[bytes], None],
        device: Device | str | int | None = None,
        *,
        chunk_ms: int = 20,
        rate: int = CAPTURE_RATE,
        device_rate: int | None = None,
    ) -> None:
        self.chunk_bytes = rate * chunk_ms // 1000 * SAMPLE_BYTES
        if self.chunk_bytes <= 0:
            raise ValueError(f"a {chunk_ms} ms chunk at {rate} Hz holds no sample")
        self._on_chunk = on_chunk
        self._pending = bytearray()
        super().__init__(device, rate, self.chunk_bytes // SAMPLE_BYTES, device_rate)

    def _make_resampler(self) -> Resampler:
        return Resampler(self.device_rate, self.rate)

    def _callback(self, in_data: bytes | None, frame_count: int, time_info: Any, status: int) -> tuple[bytes | None, int]:
        try:
            self._last_callback = time.monotonic()
            if status & _PA_INPUT_OVERFLOW:
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
            return None, _PA_CONTINUE
        except Exception as e:  # noqa: BLE001 - whatever it is, PyAudio must not print it
            return self._failed(e)


class Playback(_Stream):
    """The speaker: each PortAudio callback pulls exactly n*2 bytes (n frames of
    PCM16 mono at 24 kHz) from source(n), plays them, and hands them to
    on_played(bytes) if given. Both run on PortAudio's thread and must not block.
    A short answer from the source is padded with silence.

    `block_frames` sets latency: what the source stops giving is still heard for
    about two blocks. `device_rate`: as for Capture.

    On demand (`has_audio` given): a running output stream keeps the device's
    buffers full of silence, so new audio queues behind them (two blocks and the
    sound server's share: 20-30 ms with 10 ms blocks), and audio already handed
    to the device plays on after the source goes quiet. So the stream runs only
    while there is something to play: `wake()` (new audio) starts it at once and
    the first block goes straight out; after IDLE_STOP_SECONDS of has_audio()
    being false it stops; `flush()` (barge-in) stops it at once, dropping what
    the device holds, so the speaker is silent within a few milliseconds,
    whatever the block or chunk size. A control thread does the starting and
    stopping: the sound server may be far away (over SSH) and those calls wait
    for it, which no caller of wake() or flush() must.
    """

    kind: Kind = "output"

    def __init__(
        self,
        source: Callable[[int], bytes],
        device: Device | str | int | None = None,
        *,
        on_played: Callable[[bytes], None] | None = None,
        block_frames: int = PLAYBACK_BLOCK,
        rate: int = PLAYBACK_RATE,
        device_rate: int | None = None,
        has_audio: Callable[[], bool] | None = None,
    ) -> None:
        if block_frames <= 0:
            raise ValueError(f"block_frames must be positive, not {block_frames}")
        self._source = source
        self._on_played = on_played
        self._fifo = bytearray()  # resampled audio not yet handed to the device
        self._has_audio = has_audio
        self._control = threading.Condition()
        self._control_thread: threading.Thread | None = None
        self._enabled = False  # start() was called (on demand: the stream may still be stopped)
        self._poked = False
        self._flush = False
        self._closing = False
        self._lead_in = 0  # silent blocks still to give after an on-demand start
        self.flushes = 0  # times the device's buffer was dropped (barge-in)
        self.resumes = 0  # times the stream was started on demand
        super().__init__(device, rate, block_frames, device_rate)

    # -- on demand -------------------------------------------------------------

    @property
    def on_demand(self) -> bool:
        return self._has_audio is not None

    def start(self) -> None:
        if not self.on_demand:
            super().start()
            return
        if self._stream is None:
            raise RuntimeError("output stream is closed")
        with self._control:
            self._enabled = True
            self._poked = True
            if self._control_thread is None:
                self._control_thread = threading.Thread(target=self._run_control, name="playback control", daemon=True)
                self._control_thread.start()
            self._control.notify()

    def wake(self) -> None:
        """New audio to play: start the stream now if it is stopped. Never blocks."""
        if self.on_demand:
            with self._control:
                self._poked = True
                self._control.notify()

    def flush(self) -> None:
        """Drop what the device holds, now (the source was just emptied). Never blocks."""
        if self.on_demand:
            with self._control:
                self._flush = self._poked = True
                self._control.notify()

    def _run_control(self) -> None:
        assert self._has_audio is not None
        busy_at = time.monotonic()
        while True:
            with self._control:
                # Stopped: sleep until poked (an idle console wakes for nothing). Playing: look
                # in a few times per IDLE_STOP_SECONDS to stop once the answer has played out.
                idle_check = IDLE_STOP_SECONDS / 3 if self._started else None
                self._control.wait_for(lambda: self._poked or self._closing, timeout=idle_check)
                flush, closing, enabled = self._flush, self._closing, self._enabled
                self._flush = self._poked = False
            if closing:
                return
            try:
                if flush and self._started:
                    self.flushes += 1
                    self._pause(drop=True)
                if not enabled or self._error is not None:
                    continue
                now = time.monotonic()
                if self._has_audio():
                    busy_at = now
                    if not self._started:
                        self.resumes += 1
                        self._lead_in = LEAD_IN_BLOCKS
                        super().start()
                elif self._started and now - busy_at > IDLE_STOP_SECONDS:
                    self._pause()
            except AudioUnavailable as e:  # the device went away while stopped
                self._error = str(e)
            except Exception as e:  # noqa: BLE001 - reported through .error, like a callback failure
                self._error = f"output control failed: {type(e).__name__}: {e}"

    def _pause(self, drop: bool = False) -> None:
        if drop:
            self.abort()
        else:
            self.stop()
        self._fifo.clear()
        if self._on_played is not None:
            self._on_played(bytes(self.block_frames * SAMPLE_BYTES))  # the meter falls silent too

    def close(self) -> None:
        with self._control:
            self._closing = True
            self._control.notify()
            thread, self._control_thread = self._control_thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        super().close()

    def _make_resampler(self) -> Resampler:
        return Resampler(self.rate, self.device_rate)

    def _pull(self, frames: int) -> bytes:
        want = frames * SAMPLE_BYTES
        pcm = self._source(frames)
        if len(pcm) != want:
            pcm = bytes(pcm[:want]).ljust(want, b"\0")
        if self._on_played is not None:
            self._on_played(pcm)
        return pcm

    def _callback(self, in_data: bytes | None, frame_count: int, time_info: Any, status: int) -> tuple[bytes | None, int]:
        try:
            self._last_callback = time.monotonic()
            if status & _PA_OUTPUT_UNDERFLOW:
                self.xruns += 1
            if self._lead_in > 0:
                self._lead_in -= 1
                out = bytes(frame_count * SAMPLE_BYTES)
            elif self._resampler is None:
                out = self._pull(frame_count)
            else:
                need = frame_count * SAMPLE_BYTES
                # The filter holds back a few ms at first; a bounded number of
                # pulls fills the gap, and silence covers the rest.
                for _ in range(8):
                    if len(self._fifo) >= need:
                        break
                    self._fifo += self._resampler.process(self._pull(self.block_frames))
                out = bytes(self._fifo[:need]).ljust(need, b"\0")
                del self._fifo[:need]
            if self.channels > 1:
                out = np.repeat(np.frombuffer(out, dtype="<i2"), self.channels).tobytes()
            return out, _PA_CONTINUE
        except Exception as e:  # noqa: BLE001 - whatever it is, PyAudio must not print it
            return self._failed(e, bytes(frame_count * SAMPLE_BYTES * self.channels))
