"""The voice on screen: the keys that mute, talk, switch echo mode, record and pick
devices; the level meters; and a lost device said and retried. What audio does is
core's (core/voice.py, routed by the session controller); this only asks and shows."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import work
from textual.app import App
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer

from ..core.audio.wavio import WavRecorder
from ..core.eventlog import EventLog
from ..core.session import SessionController
from ..core.settings import Settings
from ..core.voice import default_record_dir
from .messages import AudioReady
from .widgets.meters import LevelMeter
from .widgets.status import StatusBar

LEVELS_WATCH_S = 1.0  # while the meters rest: how often the devices are still checked


class VoiceControls(App[Any]):
    """Mixed into the app (ui/app.py): its audio keys and meters."""

    session: SessionController
    settings: Settings
    eventlog: EventLog
    _audio_enabled: bool
    _device_failed = False
    _drops_logged = 0
    _level_found: tuple[Screen, tuple[LevelMeter, LevelMeter, StatusBar]] | None = None
    _level_timer: Timer | None = None
    _levels_resting = False
    _still_ticks = 0

    def _mic_state(self) -> str:
        voice = self.session.voice
        if voice is None or not voice.available:
            return "no audio" if voice is not None and voice.unavailable else ""
        echo = "speaker" if voice.settings.echo_mode == "speaker" else "headset"
        if voice.muted:
            mic = "mic muted"
        elif not voice.automatic_vad:
            mic = "TALKING" if voice.talking else "F5 to talk"
        else:
            mic = "mic live"
        rec = " · rec" if voice.recorder is not None else ""
        return f"{mic} · {echo}{rec}"

    def _status(self, **changes: str) -> None:
        raise NotImplementedError  # the app's

    @work(thread=True, group="audio", exit_on_error=False)
    def open_audio(self) -> None:
        """PortAudio probing can take a moment: off the UI's loop."""
        self.post_message(AudioReady(self.session.open_devices()))

    async def on_audio_ready(self, message: AudioReady) -> None:
        if not self.is_running:
            return  # quitting: the widgets are gone
        if message.problem:
            await self.session.say(f"no audio: {message.problem} · text still works", "error")
        self.session.apply_mic_default()
        self._status()

    def _no_audio(self) -> bool:
        voice = self.session.voice
        if voice is not None and voice.available:
            return False
        why = voice.unavailable if voice is not None else None
        self.notify(f"No audio: {why}" if why else "Audio is still starting", severity="warning")
        return True

    def action_mute(self) -> None:
        if self._no_audio():
            return
        voice = self.session.voice
        assert voice is not None
        voice.set_muted(not voice.muted)
        self._status()

    async def action_talk(self) -> None:
        """Push-to-talk (VAD off): one press opens the mic, the next closes the turn.
        With automatic VAD it simply unmutes."""
        if self._no_audio():
            return
        voice = self.session.voice
        assert voice is not None
        if voice.automatic_vad:
            voice.set_muted(False)
        else:
            voice.muted = False
            voice.toggle_talk()
        self._status()

    async def action_cut_in(self) -> None:
        """Stop the WAV file being sent, if any; else stop the answer now (a barge-in by key)."""
        if self.session.cut_in():
            await self.session.say("answer stopped")

    async def action_vad_mode(self) -> None:
        """Automatic VAD ⇄ push-to-talk: part of the session's setup, so a new session."""
        vad = replace(self.settings.vad, automatic=not self.settings.vad.automatic)
        self.settings = replace(self.settings, vad=vad)
        label = "automatic voice detection" if vad.automatic else "push to talk (F5)"
        await self.session.switch(f"{label} · context carried")

    def action_echo_mode(self) -> None:
        voice = self.session.voice
        if voice is None:
            return
        mode = "headset" if voice.settings.echo_mode == "speaker" else "speaker"
        voice.settings = replace(voice.settings, echo_mode=mode)
        self.settings = replace(self.settings, audio=voice.settings)
        self.notify("Speaker mode: the mic pauses while the answer plays" if mode == "speaker" else "Headset mode: full duplex")
        self._status()

    def action_record(self) -> None:
        voice = self.session.voice
        if voice is None:
            return
        if voice.recorder is not None:
            voice.recorder.close()
            voice.recorder = None
            self.notify("Recording stopped")
        else:
            folder = self.settings.audio.record_dir or default_record_dir()
            voice.recorder = WavRecorder(folder)
            self.notify(f"Recording both sides to {folder}")
        self._status()

    def action_devices(self) -> None:
        from .screens.devices import DevicePickerScreen

        def chosen(choice: tuple[str | None, str | None] | None) -> None:
            voice = self.session.voice
            if choice is None or voice is None:
                return
            audio = replace(self.settings.audio, input_device=choice[0], output_device=choice[1])
            self.settings = replace(self.settings, audio=audio)
            voice.close()
            voice.settings = audio
            self.notify(f"Audio devices: in {choice[0] or 'default'}, out {choice[1] or 'default'}")
            self.open_audio()

        self.push_screen(DevicePickerScreen(self.settings.audio.input_device, self.settings.audio.output_device), chosen)

    # -- levels ----------------------------------------------------------------

    def start_levels(self) -> None:
        """The meters' timers: a fast one (meter_hz) while anything on them can move, and a
        slow one that keeps watching the devices while the fast one rests."""
        self._level_timer = self.set_interval(1 / max(1, self.settings.audio.meter_hz), self._pull_levels)
        self.set_interval(LEVELS_WATCH_S, self._watch_levels)

    @property
    def levels_resting(self) -> bool:
        """The meters' fast timer is paused: nothing on them could move."""
        return self._levels_resting

    def wake_levels(self) -> None:
        """Something may move the meters now (the mic unmuted, an answer's audio, a file):
        the fast timer runs again."""
        self._still_ticks = 0
        if self._level_timer is not None and self._levels_resting:
            self._levels_resting = False
            self._level_timer.resume()

    def _levels_still(self) -> bool:
        """Nothing on the meters or the status bar's file progress can move: no device,
        or the mic muted (and no file streaming) while the speaker has nothing to play."""
        voice = self.session.voice
        if voice is None or not voice.available:
            return True
        return voice.muted and not voice.streaming_file and not voice.buffer.playing

    def _watch_levels(self) -> None:
        if self._levels_resting:
            self._pull_levels()  # device errors and drops; it wakes the fast timer if anything moves

    def _level_widgets(self) -> tuple[LevelMeter, LevelMeter, StatusBar] | None:
        """The meters and the status bar of the screen on top; None while another screen
        covers them, or while quitting. Found once, not by a query each tick."""
        try:
            screen = self.screen
        except Exception:  # quitting: no screen left
            return None
        if self._level_found is not None and self._level_found[0] is screen:
            return self._level_found[1]
        try:
            found = self.query_one("#mic", LevelMeter), self.query_one("#spk", LevelMeter), self.query_one(StatusBar)
        except NoMatches:  # quitting (the screens go before the app's timers stop), or a screen on top
            return None
        self._level_found = (screen, found)
        return found

    def _pull_levels(self) -> None:
        """High-rate values are pulled here (meter_hz); the audio layer provides them.
        After a second in which nothing moved and nothing could, the fast timer rests
        (an idle console with a muted mic does no work 15 times a second); the slow one
        and `wake_levels` bring it back."""
        widgets = self._level_widgets()
        if widgets is None:
            return
        mic, spk, bar = widgets
        voice = self.session.voice
        if not self._audio_enabled:
            idle = "off"
        elif voice is not None and voice.unavailable:
            idle = "no device"
        else:
            idle = "starting…" if voice is None or not voice.available else "idle"
        mic_muted = voice is not None and voice.available and voice.muted
        sending = voice.file if voice is not None else None  # read once: the session's loop clears it
        if sending is not None or bar.status.sending:
            bar.set(sending=sending.progress() if sending is not None else "")
        moved = mic.set_level(self.mic_level(), idle_text="muted" if mic_muted else idle)
        moved = spk.set_level(self.speaker_level(), idle_text=idle) or moved
        if voice is not None and voice.mic_queue.dropped != self._drops_logged:
            # The network fell behind the mic: the oldest chunks went. Say so in the log.
            new = voice.mic_queue.dropped - self._drops_logged
            self._drops_logged = voice.mic_queue.dropped
            self.eventlog.add("info", "mic.dropped", 0, f"{new} mic chunks dropped ({self._drops_logged} in all): the network fell behind")
        if voice is not None and voice.available and not self._device_failed:
            problem = voice.device_error()
            if problem:
                self._device_failed = True
                self.call_later(self._device_lost, problem)
        if moved or sending is not None or not self._levels_still():
            self.wake_levels()
        elif not self._levels_resting:
            self._still_ticks += 1
            if self._still_ticks >= self.settings.audio.meter_hz and self._level_timer is not None:
                self._levels_resting = True  # a held peak has fallen by now: the bars are settled
                self._level_timer.pause()

    async def _device_lost(self, problem: str) -> None:
        """A device failed or vanished: say so, keep the session, try again."""
        await self.session.say(f"audio device lost ({problem}) · typed turns still work; retrying in 2 s", "error")
        if self.session.voice is not None:
            self.session.voice.close_devices()  # the recording goes on when the device comes back
        self.set_timer(2.0, self._retry_audio)

    def _retry_audio(self) -> None:
        self._device_failed = False
        self.open_audio()

    def mic_level(self) -> float | None:
        voice = self.session.voice
        if voice is None or (voice.muted and not voice.streaming_file):
            return None
        return voice.mic_level()

    def speaker_level(self) -> float | None:
        voice = self.session.voice
        return voice.speaker_level() if voice is not None else None
