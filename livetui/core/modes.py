"""The console's modes: chat (an assistant), interpreter (translate), dictation (transcribe).

A mode decides what the session asks the service for and how its events become turns.
The interpreter and the transcriber are pipelines, not assistants (Google's live-translate
and live-transcribe pages): audio in only; no system instruction, tools or thinking; and
no turns: they work continuously and never send `turnComplete`. So the session's events
are shaped here into the turns the conversation, the chat and the transcript store know:
  - interpreter: each stretch of your speech is a user turn (its input transcript) and
    its translation a model turn (the output transcript, the audio on the speaker);
  - dictation: each utterance is a user turn, its caption; nothing is spoken back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from .connectconfig import search_note
from .events import AudioChunk, Event, GenerationComplete, InputTranscript, OutputTranscript, TextDelta, TurnComplete
from .models import info as model_info

if TYPE_CHECKING:
    from .settings import Settings

__all__ = [
    "MODES",
    "TRANSCRIBE_MODEL",
    "TRANSLATE_MODEL",
    "EventShaper",
    "Mode",
    "ModeLabels",
    "labels",
    "language_name",
    "mode_fields",
    "resumed",
    "target_language",
]

Mode = Literal["chat", "translate", "transcribe"]
MODES: tuple[Mode, ...] = ("chat", "translate", "transcribe")
TRANSLATE_MODEL = "gemini-3.5-live-translate-preview"
TRANSCRIBE_MODEL = "gemini-3.5-transcribe-live"

# Languages the interpreter translates into ("70+" on the live-translate page), by
# BCP-47 primary subtag; a region (pt-BR, fr-CA) may follow. Names for the screen.
LANGUAGE_NAMES: dict[str, str] = dict(
    pair.split(":")
    for pair in """af:Afrikaans am:Amharic ar:Arabic az:Azerbaijani be:Belarusian bg:Bulgarian bn:Bengali
    bs:Bosnian ca:Catalan cs:Czech cy:Welsh da:Danish de:German el:Greek en:English es:Spanish et:Estonian
    eu:Basque fa:Persian fi:Finnish fil:Filipino fr:French ga:Irish gl:Galician gu:Gujarati he:Hebrew
    hi:Hindi hr:Croatian hu:Hungarian hy:Armenian id:Indonesian is:Icelandic it:Italian ja:Japanese
    jv:Javanese ka:Georgian kk:Kazakh km:Khmer kn:Kannada ko:Korean lo:Lao lt:Lithuanian lv:Latvian
    mk:Macedonian ml:Malayalam mn:Mongolian mr:Marathi ms:Malay my:Burmese nb:Norwegian ne:Nepali
    nl:Dutch no:Norwegian pa:Punjabi pl:Polish pt:Portuguese ro:Romanian ru:Russian si:Sinhala
    sk:Slovak sl:Slovenian sq:Albanian sr:Serbian sv:Swedish sw:Swahili ta:Tamil te:Telugu th:Thai
    tr:Turkish uk:Ukrainian ur:Urdu uz:Uzbek vi:Vietnamese yue:Cantonese zh:Chinese zu:Zulu""".split()
)
_TAG = re.compile(r"([A-Za-z]{2,3})((?:[-_][A-Za-z0-9]{2,8})*)")


def target_language(code: str) -> str:
    """`code` as a BCP-47 tag the interpreter knows ("FR" -> "fr", "pt_br" -> "pt-BR"),
    or ValueError saying what to type instead."""
    text = code.strip()
    match = _TAG.fullmatch(text)
    if match is None or match.group(1).lower() not in LANGUAGE_NAMES:
        shown = "".join(c if c.isprintable() else "?" for c in text[:20])
        raise ValueError(
            f"the interpreter does not know the language {shown!r}: give a language code such as fr, de, es, it, ja or pt-BR"
        )
    primary = match.group(1).lower()
    rest = [part for part in re.split(r"[-_]", match.group(2)) if part]
    # Regions are upper case (pt-BR), scripts title case (zh-Hant), as BCP-47 writes them.
    return "-".join([primary, *(p.upper() if len(p) == 2 or p.isdigit() else p.title() for p in rest)])


def language_name(tag: str) -> str:
    primary = tag.split("-", 1)[0].lower()
    return LANGUAGE_NAMES.get(primary, tag)


def mode_fields(translate: str | None, transcribe: bool, model: str | None) -> dict[str, Any]:
    """The Settings fields for `--translate LANG` / `--transcribe` (nothing for chat).
    `model` is a model named on the command line, if any: it must suit the mode.
    ValueError says what is wrong."""
    if translate is None and not transcribe:
        return {}
    mode: Mode = "translate" if translate is not None else "transcribe"
    wanted = TRANSLATE_MODEL if mode == "translate" else TRANSCRIBE_MODEL
    if model is not None:
        known = model_info(model)
        if known is not None and known.kind != mode:
            flag = "--translate" if mode == "translate" else "--transcribe"
            raise ValueError(f"{flag} needs a {mode} model such as {wanted}; {model} is not one (leave --model out)")
    fields: dict[str, Any] = {
        "mode": mode,
        "model": model or wanted,
        # The interpreter speaks its translation; the transcriber answers in text.
        "modality": "AUDIO" if mode == "translate" else "TEXT",
    }
    if mode == "translate":
        assert translate is not None
        fields["translate_to"] = target_language(translate)
    return fields


def resumed(settings: Settings, model: str) -> Settings:
    """Settings to continue a conversation saved with `model` when no mode was asked for:
    dictation again for the transcriber. ValueError for the interpreter: the saved file
    does not keep its target language, so the user must name it."""
    known = model_info(model)
    if known is None or known.kind == "conversation":
        return settings
    if known.kind == "translate":
        raise ValueError(f"that conversation was with the interpreter ({model}): add --translate LANG to continue it")
    audio = settings.audio if settings.audio.mic_on_start is not None else replace(settings.audio, mic_on_start=True)
    return replace(settings, audio=audio, **mode_fields(None, True, None))


@dataclass(frozen=True)
class ModeLabels:
    heard: str  # the title of the "You said" pane
    said: str  # the title of the model's pane
    said_placeholder: str
    connected: str  # the chat's line when the session starts
    typed: str  # why typed text is not sent ("" in chat: it is)
    prompt: str  # the prompt's placeholder (fits 80 columns)


def labels(settings: Settings) -> ModeLabels:
    if settings.mode == "translate":
        target = settings.translate_to or "?"
        name = f"{language_name(target)} ({target})"
        return ModeLabels("You said", f"Translation · {language_name(target)}", "(the translation appears here)",
                          f"interpreter · speak, it translates into {name}",
                          "The interpreter translates speech only: typed text is not sent (speak, or /wav FILE)",
                          f"Speak: translated into {language_name(target)} · typing not sent · /wav FILE sends audio")
    if settings.mode == "transcribe":
        return ModeLabels("Captions", "Nothing is spoken back", "(dictation: captions only)",
                          "dictation · speak, your words appear as captions",
                          "Dictation transcribes speech only: typed text is not sent (speak, or /wav FILE)",
                          "Speak: dictation, captions only · typing not sent · /wav FILE sends audio")
    return ModeLabels("You said", "Gemini said", "(spoken answers appear here)", "", "",
                      "Type a message · Enter sends · ctrl+j new line")


class EventShaper:
    """Turns a pipeline's turnless stream into turns (see the module's docstring).
    In chat it passes every event through unchanged."""

    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self._answering = False  # a translation is streaming: its model turn is open
        self._captions_from_transcript = False  # the transcriber sends inputTranscription

    def shape(self, events: Iterable[Event]) -> Iterator[Event]:
        for event in events:
            if self.mode == "translate":
                yield from self._translate(event)
            elif self.mode == "transcribe":
                yield from self._transcribe(event)
            else:
                yield event

    def _translate(self, event: Event) -> Iterator[Event]:
        match event:
            case InputTranscript() if self._answering:
                # New speech: the translation before it is over, even if the service never said so.
                self._answering = False
                yield TurnComplete()
            case AudioChunk() | OutputTranscript():
                self._answering = True
            case GenerationComplete() | TurnComplete() if self._answering:
                self._answering = False
                yield event
                if isinstance(event, GenerationComplete):
                    yield TurnComplete()  # no turns on the wire: the translation's end closes its turn
                return
        yield event

    def _transcribe(self, event: Event) -> Iterator[Event]:
        match event:
            case InputTranscript():
                self._captions_from_transcript = True
                yield event
            case TextDelta(thought=False) if not self._captions_from_transcript:
                # A service that sends the transcript as TEXT parts only: they are the captions.
                yield InputTranscript(event.text)
            case TextDelta():
                pass  # the same words as the input transcript: shown once
            case GenerationComplete():
                yield event
                yield TurnComplete()  # closes the caption (the user turn) of this utterance
            case _:
                yield event


def connected_line(settings: Settings) -> str:
    """The chat's line when a session starts: the mode's own, or which answers a chat gets
    (e.g. "TEXT · from transcript" from a model that only speaks)."""
    answers = settings.answers()
    line = labels(settings).connected or f"connected · {answers.wanted} answers" + (" from the transcript" if answers.from_transcript else "")
    return line + search_note(settings)


def fields_for_model(settings: Settings, model: str) -> dict[str, Any]:
    """The mode a model picked in the settings belongs to: a conversation model is chat
    (leaving the interpreter or dictation), the transcriber is dictation. ValueError for
    the interpreter, whose target language the settings do not ask."""
    known = model_info(model)
    kind = "conversation" if known is None else known.kind
    if kind == "translate":
        if settings.mode == "translate":
            return {}
        raise ValueError("the interpreter needs a language: use the palette's “Interpreter: translate into…”")
    if kind == "transcribe":
        return {} if settings.mode == "transcribe" else {"mode": "transcribe", "translate_to": None, "modality": "TEXT"}
    return {} if settings.mode == "chat" else {"mode": "chat", "translate_to": None}
