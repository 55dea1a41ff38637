"""The session's side of the voice pipeline (core/voice.py): making it on the session's
loop, the mic as the settings want it when a session starts, a barge-in by key, and a
WAV file sent as the user's turn. Part of the session controller (core/session.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .answers import mic_live
from .audio.wavio import WavError
from .events import AnswerHeard
from .voice import Voice

if TYPE_CHECKING:
    from .conversation import Conversation, SystemKind
    from .netloop import NetLoop
    from .settings import Settings


class SessionVoice:
    """Mixed into SessionController: what it does with `voice`."""

    voice: Voice | None
    settings: Settings
    conversation: Conversation
    host: Any

    @property
    def net(self) -> NetLoop:
        raise NotImplementedError  # the controller's

    async def say(self, text: str, level: SystemKind = "info") -> None:
        raise NotImplementedError  # the controller's

    def make_voice(self) -> Voice:
        self.voice = Voice(self.settings.audio, automatic_vad=self.settings.vad.automatic, loop=self.net.loop,
                           silence_ms=self.settings.vad.silence_duration_ms)
        return self.voice

    def open_devices(self) -> str | None:
        """Open the audio devices: why not, in words. Slow (PortAudio probes): call it in a thread."""
        return self.voice.open() if self.voice is not None else None

    def apply_mic_default(self) -> None:
        """The mic as the settings want it at the start of a session."""
        voice = self.voice
        if voice is None or not voice.available:
            return
        voice.automatic_vad = self.settings.vad.automatic
        voice.talking = False
        voice.muted = not mic_live(self.settings.modality, self.settings.audio.mic_on_start)

    def cut_in(self) -> bool:
        """Stop the WAV file being sent, if any (it says where it stopped); else the
        answer now (a barge-in by key): True when an answer was stopped."""
        voice, turn = self.voice, self.conversation.model_turn
        if voice is not None and (sending := voice.file) is not None:
            sending.stop()
            return False
        if voice is None or not voice.buffer.playing:
            return False
        heard = voice.cut_in()
        if turn is not None:
            self.host.emit(AnswerHeard(turn.id, heard))
        return True

    async def send_wav(self, path: Path) -> None:
        """A WAV file as the user's turn, streamed from disk in real time like speech."""
        voice = self.voice
        if voice is None:
            return
        try:
            sent = await self.net.run(voice.send_file(path))
        except (WavError, OSError) as exc:
            await self.say(f"cannot send {path}: {exc}", "error")
            return
        await self.say(sent.summary())
