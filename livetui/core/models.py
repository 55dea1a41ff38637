"""What the console knows of the Live models: which exist, which were retired, what each takes.

Kept apart from the simulator's own catalogue (`livetui.sim.models`): the console must
work against Google's service, and a shared table would hide a disagreement. A model
this table does not know is used as asked, with the safe defaults of today's service
(AUDIO answers, nothing optional sent); the 1007 fallback stays for those.

Facts from Google's model pages and deprecation page, late 2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["DEFAULT_MODEL", "KNOWN", "ModelInfo", "Retired", "describe", "retired", "info"]

DEFAULT_MODEL = "gemini-3.8-live"

Kind = Literal["conversation", "translate", "transcribe"]
Thinking = Literal["none", "level", "budget"]
Calls = Literal["none", "sync", "async"]


@dataclass(frozen=True)
class ModelInfo:
    name: str
    kind: Kind = "conversation"
    text_answers: bool = False  # accepts response_modalities=["TEXT"]; False: text comes from the transcript
    thinking: Thinking = "none"
    thinking_levels: tuple[str, ...] = ()
    thoughts: bool = False  # include_thoughts gives thought parts
    background: bool = False  # interactionStatus IN_PROGRESS ... IDLE
    calls: Calls = "async"
    proactive_audio_off: bool = False  # proactivity.proactive_audio=false is accepted
    affective_dialog: bool = False  # enable_affective_dialog is accepted
    system_instruction: bool = True

    @property
    def audio_only(self) -> bool:
        return not self.text_answers


KNOWN: tuple[ModelInfo, ...] = (
    ModelInfo("gemini-3.8-live", thoughts=False),
    ModelInfo(
        "gemini-3.8-live-extended-thinking",
        thinking="level",
        thinking_levels=("low", "medium", "high"),
        thoughts=True,
        background=True,
    ),
    ModelInfo(
        "gemini-3.1-flash-live-preview",
        thinking="level",
        thinking_levels=("minimal", "low", "medium", "high"),
        thoughts=True,
        calls="sync",
    ),
    ModelInfo(
        "gemini-2.5-flash-native-audio-preview-12-2025",
        thinking="budget",
        thoughts=True,
        proactive_audio_off=True,
        affective_dialog=True,
    ),
    ModelInfo("gemini-3.5-live-translate-preview", kind="translate", calls="none", system_instruction=False),
    ModelInfo("gemini-3.5-transcribe-live", kind="transcribe", text_answers=True, calls="none", system_instruction=False),
)


@dataclass(frozen=True)
class Retired:
    name: str
    shut_down: str  # ISO date
    replacement: str


RETIRED: tuple[Retired, ...] = (
    Retired("gemini-live-2.5-flash-preview", "2025-12-09", "gemini-2.5-flash-native-audio-preview-12-2025"),
    Retired("gemini-2.0-flash-live-001", "2025-12-09", "gemini-2.5-flash-native-audio-preview-12-2025"),
)


def _bare(name: str) -> str:
    return name.strip().removeprefix("models/")


def info(name: str) -> ModelInfo | None:
    """What the console knows of `name` ("models/" optional), or None for a model it does not know."""
    bare = _bare(name)
    return next((m for m in KNOWN if m.name == bare), None)


def retired(name: str) -> Retired | None:
    bare = _bare(name)
    return next((r for r in RETIRED if r.name == bare), None)


def describe(name: str) -> str:
    """One line on why a model cannot be used, or "" when it can."""
    gone = retired(name)
    if gone is None:
        return ""
    return f"{gone.name} was shut down on {gone.shut_down}; use {gone.replacement} or {DEFAULT_MODEL} (the default)"
