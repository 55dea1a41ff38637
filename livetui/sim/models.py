"""The simulator's model catalogue: which Live models exist today and what each accepts.

Data, not code paths: the session asks a `Model` what it allows instead of testing
model names. The lineup follows Google's model pages (late 2026); where those pages
and this table disagree, the pages win and this table is the bug.

The console keeps its own picture of the models (`livetui.core.models`): the simulator
shares no code with the client it tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CATALOGUE", "Model", "RETIRED", "lookup", "live_models"]

Kind = Literal["conversation", "translate", "transcribe"]
# What `generationConfig.thinkingConfig` may carry: nothing at all, `thinking_level`,
# or `thinking_budget` (the 2.5 models).
Thinking = Literal["none", "level", "budget"]
# How function calls run: BLOCKING only, or NON_BLOCKING unless a declaration asks for BLOCKING.
Calls = Literal["none", "sync", "async"]


@dataclass(frozen=True)
class Model:
    name: str  # without "models/"
    display_name: str
    description: str
    kind: Kind = "conversation"
    modalities: frozenset[str] = frozenset({"AUDIO"})  # response modalities it accepts
    thinking: Thinking = "none"
    thinking_levels: tuple[str, ...] = ()  # accepted `thinking_level` values
    thoughts: bool = False  # honours include_thoughts with thought parts
    background: bool = False  # reasons in the background: interactionStatus IN_PROGRESS ... IDLE
    calls: Calls = "async"
    search: bool = True  # the google_search tool
    proactive_audio: bool = True  # takes a `proactivity` config at all (3.1: no proactive audio)
    proactive_audio_off: bool = False  # accepts proactivity.proactive_audio=false
    affective_dialog: bool = False  # accepts enable_affective_dialog
    system_instruction: bool = True
    input_token_limit: int = 131_072
    output_token_limit: int = 65_536
    # Retired models: the shut-down date and the model Google names as the replacement.
    retired: str | None = None
    replacement: str | None = None

    @property
    def resource(self) -> str:
        return f"models/{self.name}"

    def accepts(self, modality: str) -> bool:
        return modality.upper() in self.modalities


CATALOGUE: tuple[Model, ...] = (
    Model(
        name="gemini-3.8-live",
        display_name="Gemini 3.8 Live",
        description="The default Live model: low-latency spoken dialogue, asynchronous function calling.",
        thinking="none",
        thoughts=True,  # interleaved reasoning: thoughtsTokenCount can appear in usage
    ),
    Model(
        name="gemini-3.8-live-extended-thinking",
        display_name="Gemini 3.8 Live Extended Thinking",
        description="Reasons and runs tools in the background while it speaks short fillers.",
        thinking="level",
        thinking_levels=("low", "medium", "high"),
        thoughts=True,
        background=True,
    ),
    Model(
        name="gemini-3.1-flash-live-preview",
        display_name="Gemini 3.1 Flash Live Preview",
        description="Legacy preview: thinking levels, synchronous function calls only.",
        thinking="level",
        thinking_levels=("minimal", "low", "medium", "high"),
        thoughts=True,
        calls="sync",
        proactive_audio=False,
    ),
    Model(
        name="gemini-2.5-flash-native-audio-preview-12-2025",
        display_name="Gemini 2.5 Flash Native Audio Preview (12-2025)",
        description="Older native-audio preview; the replacement named for the retired 2.5 Live models.",
        thinking="budget",
        thoughts=True,
        calls="async",
        proactive_audio_off=True,
        affective_dialog=True,
        input_token_limit=128_000,
        output_token_limit=8_192,
    ),
    Model(
        name="gemini-3.5-live-translate-preview",
        display_name="Gemini 3.5 Live Translate Preview",
        description="Speech-to-speech interpreter: speech in, translated speech out, continuously.",
        kind="translate",
        calls="none",
        search=False,
        system_instruction=False,
    ),
    Model(
        name="gemini-3.5-transcribe-live",
        display_name="Gemini 3.5 Transcribe Live",
        description="Live transcription: the text of the speech it hears, streamed.",
        kind="transcribe",
        modalities=frozenset({"TEXT"}),
        calls="none",
        search=False,
        system_instruction=False,  # the live-transcribe page: a speech-to-text pipeline, no instructions
    ),
)

# Shut down 2025-12-09; `livetui-sim --retired-models` serves them as they behaved then
# (TEXT or AUDIO answers, any config), so the 2025 guide's programs still run.
RETIRED: tuple[Model, ...] = tuple(
    Model(
        name=name,
        display_name=display,
        description="Retired Live model (shut down 2025-12-09).",
        modalities=frozenset({"TEXT", "AUDIO"}),
        thinking="budget",
        calls="async",
        proactive_audio_off=True,
        affective_dialog=True,
        input_token_limit=1_048_576,
        output_token_limit=8_192,
        retired="2025-12-09",
        replacement="gemini-2.5-flash-native-audio-preview-12-2025",
    )
    for name, display in (
        ("gemini-live-2.5-flash-preview", "Gemini Live 2.5 Flash Preview"),
        ("gemini-2.0-flash-live-001", "Gemini 2.0 Flash Live"),
    )
)


def lookup(name: str, retired: bool = False) -> Model | None:
    """The model a setup names ("models/" optional); retired ones only when served."""
    bare = name.removeprefix("models/")
    for model in CATALOGUE + (RETIRED if retired else ()):
        if model.name == bare:
            return model
    return None


def live_models(retired: bool = False) -> tuple[Model, ...]:
    """Every model `models.list` offers, in catalogue order."""
    return CATALOGUE + (RETIRED if retired else ())
