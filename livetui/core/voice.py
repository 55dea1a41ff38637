"""Voice: the microphone into the session, the session's audio out of the speaker.

Audio never waits for the UI or the network. The devices run in an audio engine
(core/audio/engine.py: a helper process by default) that plays from the playback
buffer and hands the mic's chunks to a drop-oldest queue; one asyncio task (the
pump, on the session's own loop: core/netloop.py) is the only sender of audio
messages, so chunks and activity markers keep their order. `loop` is that loop;
the UI's controls reach the queue from their own thread.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from .answers import Answers, mic_live
from .audio.engine import AudioEngine, make_engine
from .audio.gate import SilenceGate, hang_for
from .audio.queues import DropOldestQueue
from .audio.rates import INPUT_RATE
from .audio.wavio import WavRecorder
from .audio.wavread import open_wav
from .filesend import FileSend, FileSent
from .settings import AudioSettings

UNANSWERED_S = 10  # seconds of unanswered mic audio kept for a new connection


def default_record_dir() -> Path:
    """Where F8 records when no folder is set: the data folder + recordings (moved by --data-dir too)."""
    from .store.paths import data_dir

    return data_dir() / "recordings"


class AudioSender(Protocol):
    """What the pump needs of a Live session (livetui.core.live.LiveSession)."""

    async def send_audio(self, pcm: bytes, rate: int = INPUT_RATE) -> None: ...
    async def send_audio_stream_end(self) -> None: ...
    async def send_activity_start(self) -> None: ...
    async def send_activity_end(self) -> None: ...


@dataclass(frozen=True)
class Control:
    """A marker that travels with the audio, in order."""

    kind: Literal["stream_end", "activity_start", "activity_end"]


MicItem = bytes | Control


class Voice:
    def __init__(self, audio: AudioSettings, *, automatic_vad: bool, loop: asyncio.AbstractEventLoop | None = None,
                 silence_ms: int | None = None) -> None:
        self.settings = audio
        self.automatic_vad = automatic_vad
        self.loop = loop or asyncio.get_running_loop()
        # The devices: in a helper process by default (core/audio/engine.py).
        self.engine: AudioEngine = make_engine(audio.engine, audio.input_device, audio.output_device, audio.chunk_ms)
        self.mic_meter = self.engine.mic_meter
        self.speaker_meter = self.engine.speaker_meter
        self.buffer = self.engine.buffer
        # About two seconds of mic audio: if the network stalls longer, the oldest goes.
        self.mic_queue: DropOldestQueue[MicItem] = DropOldestQueue(100, loop=self.loop)
        # What the mic sent since the model last began an answer (the app clears it then),
        # at most UNANSWERED_S: a new connection hears it again, so a hand-off or a drop
        # in the middle of a sentence loses none of it.
        self.unanswered: deque[MicItem] = deque(maxlen=max(1, UNANSWERED_S * 1000 // audio.chunk_ms))
        # With automatic VAD: silence after speech is not streamed (core/audio/gate.py).
        # `silence_ms`: the service's end-of-speech silence, which the gate's hang outlasts.
        self.gate = SilenceGate(audio.chunk_ms, hang_s=hang_for(silence_ms)) if audio.silence_gate else None
        self._gate_stale = False  # the mic was closed: the gate starts afresh (reset on the mic's thread)
        # Latency (core/latency.py): the last moment the mic sent speech, or a spoken turn
        # was closed by its key or its file's end (time.monotonic(), set on the mic's thread).
        # Without the gate, a gate of our own only judges which chunks are speech.
        self.speech_at: float | None = None
        self._speech = self.gate or SilenceGate(audio.chunk_ms)
        self.recorder: WavRecorder | None = WavRecorder(audio.record_dir) if audio.record_dir else None
        self.unavailable: str | None = None  # why there is no audio, in words
        self._muted = True
        self.talking = False  # push-to-talk: between activity_start and activity_end
        self._skip_answer = False  # the user cut in locally: drop the rest of this answer
        self._answer_done = True  # the next chunk starts a new answer
        self._answers_silent = False  # text answers from the transcript: their audio is not played
        self._speaker_lock = threading.Lock()  # play() on the session's loop, a switch on the UI's
        self._glitches_seen = (0, 0)  # (late, dry) as last reported
        self.file: FileSend | None = None  # the WAV file being sent, if any
        self._mark_next = False  # time the sound of the next audio (the model speaking after a tool result)
        self.marked_at = 0.0  # when the sample `heard_at` times was marked (time.monotonic())

    # -- devices ---------------------------------------------------------------

    def open(self) -> str | None:
        """Open mic and speaker (blocking: call from a thread). Returns why audio is
        unavailable, or None. Text keeps working either way."""
        from .audio.portaudio import AudioUnavailable

        self.engine.set_mic_wanted(not self._muted)
        try:
            self.engine.open(self._on_mic)
        except AudioUnavailable as exc:
            self.unavailable = str(exc)
            return self.unavailable
        self.unavailable = None
        return None

    def close_devices(self) -> None:
        self.engine.close()

    def close(self) -> None:
        self.close_devices()
        if self.recorder is not None:
            self.recorder.close()

    @property
    def available(self) -> bool:
        return self.engine.opened

    def device_error(self) -> str | None:
        return self.engine.device_error()

    @property
    def muted(self) -> bool:
        return self._muted

    @muted.setter
    def muted(self, muted: bool) -> None:
        self._muted = muted
        if muted:
            self._gate_stale = True
        self.engine.set_mic_wanted(not muted)  # muted, the engine keeps its chunks (the meter still moves)

    # -- the microphone (a thread of the engine's) ----------------------------------

    def mic_open(self) -> bool:
        """Is what the mic hears being sent right now?"""
        if self.muted or self.streaming_file:
            return False
        if not self.automatic_vad and not self.talking:
            return False
        if self.settings.echo_mode == "speaker" and self.buffer.playing:
            return False  # half duplex: the model must not hear itself
        return True

    def _on_mic(self, pcm: bytes) -> None:
        gate = self.gate if self.automatic_vad else None
        if self._gate_stale and self.gate is not None:
            self._gate_stale = False
            self.gate.reset()  # muted in between (the engine sent nothing meanwhile)
        if not self.mic_open():
            if self.gate is not None:
                self.gate.reset()  # what the closed mic hears is never sent; the next opening starts afresh
        elif gate is None:
            self.mic_queue.put_threadsafe(pcm)
            if self._speech is not self.gate and self._speech.feed(pcm).voiced:
                self.speech_at = time.monotonic()  # the chunk just ended: its speech did too
        else:
            out = gate.feed(pcm)
            if out.voiced:
                self.speech_at = time.monotonic()
            for chunk in out.chunks:  # the pre-roll first when it opens
                self.mic_queue.put_threadsafe(chunk)
            if out.stream_end:
                self.mic_queue.put_threadsafe(Control("stream_end"))

    # -- the speaker -----------------------------------------------------------

    def play(self, pcm: bytes) -> None:
        """Model audio from the receive loop: straight to the buffer, no UI in between."""
        with self._speaker_lock:  # a switch to text answers on the UI's thread is not undone by a late chunk
            if self._skip_answer or self._answers_silent:
                return
            if self._answer_done:
                self._answer_done = False
                self.buffer.new_turn()  # which marks its first sample, to time when it is heard
                self.marked_at = time.monotonic()
            elif self._mark_next:
                self.buffer.mark()
                self.marked_at = time.monotonic()
            self._mark_next = False
            if self.recorder is not None:
                self.recorder.write_output(pcm)
            self.buffer.write(pcm)
        self.engine.wake()

    def mark_next_audio(self) -> None:
        """Time when the next audio played is heard (`heard_at`): the model speaking again
        after a tool result, in the same answer."""
        self._mark_next = True

    def heard_at(self) -> float | None:
        """When the marked sample (an answer's first, or the first after `mark_next_audio`)
        leaves the speaker (time.monotonic()); None until the engine hands it over."""
        return self.buffer.heard_at() if self.available else None

    def playback_glitches(self) -> str | None:
        """The speaker's stutters since the last call, in words, or None: the event log
        tells the truth about a hole in an answer, and which side made it."""
        late, dry = self.engine.glitches()
        seen_late, seen_dry = self._glitches_seen
        self._glitches_seen = (late, dry)
        parts = []
        if late > seen_late:
            parts.append(f"the answer's audio ran out {late - seen_late}× before its end (it arrived late)")
        if dry > seen_dry:
            parts.append(f"the sound device ran dry {dry - seen_dry}× (the audio engine was not scheduled in time)")
        return "speaker: " + "; ".join(parts) if parts else None

    def interrupted(self) -> float:
        """The service says the answer was cut: silence now. Returns how much of
        the answer was heard (0..1), to mark the rest of its transcript."""
        with self._speaker_lock:
            heard = self.buffer.heard_fraction()
            self.buffer.clear()
            self._skip_answer = False
            self._answer_done = True
        self._flush_device()
        return heard

    def cut_in(self) -> float:
        """The user stops the answer with a key: silence now, drop the rest of it."""
        with self._speaker_lock:
            heard = self.buffer.heard_fraction()
            self.buffer.clear()
            self._skip_answer = True
        self._flush_device()
        return heard

    def _flush_device(self) -> None:
        """What the device already holds goes too: silence in milliseconds, not blocks."""
        self.engine.flush()

    def answers_changed(self, answers: Answers, mic_on_start: bool | None) -> None:
        """Text or audio answers, switched on the same connection: the mic follows the
        choice, and with text answers the speaker falls silent now (the rest of the
        answer in progress is never played)."""
        with self._speaker_lock:
            self._answers_silent = answers.from_transcript
        if answers.from_transcript:
            self.interrupted()
        if self.available:
            self.set_muted(not mic_live(answers.wanted, mic_on_start))

    def turn_complete(self) -> None:
        self.buffer.end_of_turn()
        self._skip_answer = False
        self._answer_done = True

    # -- controls (the UI's thread) ----------------------------------------------

    def set_muted(self, muted: bool) -> None:
        was = self.muted
        self.muted = muted
        if muted and not was and self.automatic_vad:
            self.mic_queue.put_threadsafe(Control("stream_end"))  # the service closes the turn

    def toggle_talk(self) -> bool:
        """Push-to-talk: terminals send no key-up, so one press starts, the next ends."""
        self.talking = not self.talking
        if not self.talking:
            self.speech_at = time.monotonic()  # the key closed the turn: from here the user waits
        self.mic_queue.put_threadsafe(Control("activity_start" if self.talking else "activity_end"))
        return self.talking

    @property
    def streaming_file(self) -> bool:
        return self.file is not None

    async def send_file(self, path: Path) -> FileSent:
        """Stream a WAV file as the user's turn, in real time, then end the turn: the
        model answers what was sent, the whole file or, if stopped (`self.file.stop()`),
        the part before. A file being sent is stopped first (its turn ended) when the new
        one is good. Raises WavError (a clear message) for a bad file, before anything is
        sent. Runs on the voice's loop, so its pace does not depend on the UI's."""
        stream = await asyncio.to_thread(open_wav, path)
        try:
            while (old := self.file) is not None:
                old.stop()
                await old.finished.wait()
            send = self.file = FileSend(stream)
            put = self.mic_queue.put_nowait
            if not self.automatic_vad:
                put(Control("activity_start"))
            try:
                return await send.run(put, INPUT_RATE * 2 * self.settings.chunk_ms // 1000)
            finally:  # stopped or cancelled too: an open activity would swallow the next turn
                put(Control("stream_end" if self.automatic_vad else "activity_end"))
                self.speech_at = time.monotonic()  # the file's turn is over: from here the user waits
                self.file = None
                send.finished.set()
        finally:
            stream.close()

    async def pump(self, live: AudioSender) -> None:
        """The only sender of audio to the session. Ends when the session fails.
        A new session first hears what earlier ones took and never answered."""
        for item in list(self.unanswered):
            await self._send(live, item, record=False)
        while True:
            item = await self.mic_queue.get()
            self.unanswered.append(item)  # before sending: a send that fails is kept too
            await self._send(live, item)

    async def _send(self, live: AudioSender, item: MicItem, record: bool = True) -> None:
        if isinstance(item, Control):
            if item.kind == "stream_end":
                await live.send_audio_stream_end()
            elif item.kind == "activity_start":
                await live.send_activity_start()
            else:
                await live.send_activity_end()
        else:
            await live.send_audio(item, INPUT_RATE)
            if record and self.recorder is not None:  # here, not in PortAudio's callback: disks stall
                self.recorder.write_input(item)

    # -- levels (pulled by the UI) ---------------------------------------------

    def mic_level(self) -> float | None:
        return self.mic_meter.level() if self.available else None

    def speaker_level(self) -> float | None:
        return self.speaker_meter.level() if self.available else None
