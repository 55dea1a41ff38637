"""Text or audio answers: what a session asks the service for, and how its answers are shown.

The user chooses text or audio answers (ctrl+t). Today's conversational Live models
answer only in AUDIO (TEXT is refused with 1007) and give text as the transcript of
what they say. On such a model the session always asks for AUDIO with its output
transcription, and "text answers" means that transcript IS the answer, with nothing
played: the choice is one of presentation, so it can change at once on the same
connection. A model that accepts TEXT (or one the console does not know, until the
service refuses TEXT) is asked for what the user chose, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from .events import AudioChunk, Event, Modality, OutputTranscript, TextDelta
from .models import info

__all__ = ["Answers", "answers_for", "mic_live"]


@dataclass(frozen=True)
class Answers:
    wanted: Modality  # what the user chose: text answers or audio answers
    asked: Modality  # what the session asks the service for (response_modalities)

    @property
    def from_transcript(self) -> bool:
        """Text answers made of the spoken answer's transcript; the speaker stays silent."""
        return self.wanted == "TEXT" and self.asked == "AUDIO"

    @property
    def label(self) -> str:
        """For the status bar, in as few words as will do."""
        return "TEXT · from transcript" if self.from_transcript else self.wanted

    @property
    def divider(self) -> str:
        """The chat's line where answers switch without a new connection."""
        if self.from_transcript:  # short: the chat is about 45 columns wide at 80x24
            return "text answers · from the transcript"
        return "audio answers · on the speaker" if self.wanted == "AUDIO" else "text answers"

    def keeps_connection(self, other: Answers) -> bool:
        """Switching to `other` needs no new session: the service is asked for the same thing."""
        return self.asked == other.asked

    def present(self, event: Event) -> Event | None:
        """The event as these answers show it (None: not shown, not played). With text
        answers from the transcript, the transcript becomes the answer's text and the
        audio goes nowhere; everything else passes unchanged."""
        if not self.from_transcript:
            return event
        match event:
            case AudioChunk():
                return None
            case OutputTranscript(text=text):
                return TextDelta(text) if text else None
        return event


def answers_for(model: str, wanted: Modality, refused_text: bool = False) -> Answers:
    """`refused_text`: the service refused TEXT answers from this model (1007), which the
    console did not know; it is treated as the audio-only model it is."""
    known = info(model)
    audio_only = refused_text or (known is not None and known.audio_only)
    return Answers(wanted=wanted, asked="AUDIO" if audio_only else wanted)


def mic_live(wanted: Modality, mic_on_start: bool | None) -> bool:
    """The mic's state when answers start or switch: the user's setting, else live
    with audio answers and muted with text ones."""
    return wanted == "AUDIO" if mic_on_start is None else mic_on_start


# Text or audio answers are a chat's choice: the interpreter's answer is its voice, and
# dictation has no answer at all (core.modes).
_FIXED = {
    "translate": "The interpreter always speaks its translation: text/audio answers are for chat",
    "transcribe": "Dictation only writes captions: text/audio answers are for chat",
}


def switch_refusal(mode: str) -> str:
    """Why text/audio answers cannot be switched in this mode ("" in chat: they can)."""
    return _FIXED.get(mode, "")
