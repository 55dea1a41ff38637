"""The settings, as typed frozen dataclasses with their defaults and range checks.

Where they come from is elsewhere: the config file (`core.configfile`), the flags
(`livetui.cli.args`); what the service is sent, `core.connectconfig`. Settings never
hold an API key: the SDK reads it from the environment itself, so it cannot leak
through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from .answers import Answers, answers_for
from .audio.engine import ENGINES, EngineKind
from .carryover import MIN_BUDGET_CHARS
from .events import Modality
from .models import DEFAULT_MODEL
from .modes import MODES, Mode
from .prices import ModelPrices
from .tools.spec import ToolBox

__all__ = [
    "CHUNK_MS_RANGE",
    "DEFAULT_MODEL",
    "ECHO_MODES",
    "ENGINES",
    "METER_HZ_RANGE",
    "AudioSettings",
    "EchoMode",
    "EngineKind",
    "Modality",
    "Sensitivity",
    "Settings",
    "VadSettings",
]

Sensitivity = Literal["high", "low"]
EchoMode = Literal["headset", "speaker"]
ECHO_MODES: tuple[EchoMode, ...] = ("headset", "speaker")
CHUNK_MS_RANGE = (20, 40)  # mic chunk length sent to the service, inclusive
METER_HZ_RANGE = (5, 30)  # how often the UI pulls levels, inclusive


@dataclass(frozen=True)
class VadSettings:
    automatic: bool = True  # server-side activity detection; False: push-to-talk (the client marks activity)
    start_sensitivity: Sensitivity | None = None  # None: the service's default
    end_sensitivity: Sensitivity | None = None
    prefix_padding_ms: int | None = None
    silence_duration_ms: int | None = None


@dataclass(frozen=True)
class AudioSettings:
    input_device: str | None = None  # a device index or part of its name; None: the system's default
    output_device: str | None = None
    chunk_ms: int = 20  # mic chunk length sent to the service (CHUNK_MS_RANGE)
    # headset: full duplex; speaker: half duplex, the mic gated while the model's audio plays (no echo)
    echo_mode: EchoMode = "headset"
    record_dir: Path | None = None  # both directions saved here as WAV files; None: no recording
    meter_hz: int = 15  # how often the UI pulls levels (METER_HZ_RANGE)
    mic_on_start: bool | None = None  # None: live in AUDIO sessions, muted in TEXT ones
    # process: the devices run in a helper process, out of the UI's way (core/audio/engine.py);
    # thread: in this process, as PortAudio's own threads
    engine: EngineKind = "process"
    # With automatic VAD, stop streaming the mic after a second of silence (audioStreamEnd) and
    # resume, with the audio just before, when speech comes (core.audio.gate). Push-to-talk: no gate.
    silence_gate: bool = True

    def __post_init__(self) -> None:
        low, high = CHUNK_MS_RANGE
        if not low <= self.chunk_ms <= high:
            raise ValueError(f"chunk_ms must be from {low} to {high}, not {self.chunk_ms}")
        low, high = METER_HZ_RANGE
        if not low <= self.meter_hz <= high:
            raise ValueError(f"meter_hz must be from {low} to {high}, not {self.meter_hz}")
        if self.echo_mode not in ECHO_MODES:
            raise ValueError(f"echo_mode must be 'headset' or 'speaker', not {self.echo_mode!r}")
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be 'process' or 'thread', not {self.engine!r}")


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    modality: Modality = "AUDIO"
    voice: str | None = None
    language: str | None = None  # BCP-47, e.g. "en-US"
    system_instruction: str = ""
    vad: VadSettings = VadSettings()
    audio: AudioSettings = AudioSettings()
    mouse: bool = True
    sim: bool = False  # force the built-in simulator
    theme: str | None = None  # a Textual theme's name (None: Textual's default); checked by the UI's list
    # binding id -> key(s), applied with App.set_keymap; ids checked by check_binding_ids at start-up
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    # Past this many tokens in context the service drops the oldest turns (half of them).
    context_trigger_tokens: int = 100_000
    carry_over_budget: int = 6000  # characters of earlier conversation replayed into a new session
    # Thinking, where the model takes it (core.models): a level ("minimal".."high"; None: the
    # model's default) and whether thought summaries are sent to be shown apart from the answer.
    thinking_level: str | None = None
    show_thoughts: bool = False
    # chat, or a pipeline model: the interpreter (`translate_to`: a BCP-47 tag) or dictation (core.modes)
    mode: Mode = "chat"
    translate_to: str | None = None
    # A model the console did not know to be audio-only until the service refused TEXT
    # answers from it (1007): its text answers come from the transcript (core.answers).
    refused_text_model: str | None = None
    config_path: Path | None = None  # the file these came from, if any
    # The functions the model may call (`--tools FILE`, `[tools] file`; core.tools.load) and
    # Google Search grounding (`--search`, `[tools] search`).
    tools: ToolBox = field(default_factory=ToolBox)
    # [prices] in config.toml: models' prices on top of the shipped table (core.prices)
    prices: tuple[ModelPrices, ...] = field(default=(), hash=False)

    def __post_init__(self) -> None:
        if self.modality not in ("TEXT", "AUDIO"):
            raise ValueError(f"modality must be 'TEXT' or 'AUDIO', not {self.modality!r}")
        if self.mode not in MODES or (self.mode == "translate") != bool(self.translate_to):
            raise ValueError(f"mode {self.mode!r} with translate_to {self.translate_to!r}: a target language goes with translate only")
        if self.carry_over_budget < MIN_BUDGET_CHARS:
            raise ValueError(f"carry_over_budget must be at least {MIN_BUDGET_CHARS} characters")
        # A read-only copy, so a frozen Settings stays unchanged whoever held the dict.
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))

    def answers(self) -> Answers:
        """What this session asks the service for, and how its answers are shown and played."""
        return answers_for(self.model, self.modality, refused_text=self.model == self.refused_text_model)

    def with_modality(self, modality: Modality) -> Settings:
        return replace(self, modality=modality)
