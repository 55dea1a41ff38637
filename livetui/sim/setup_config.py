"""The setup message a client opens a Live connection with, read into `SetupConfig`:
modality, transcriptions, activity detection, voice, tools, resumption, compression."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .errors import BAD_JSON, Closed
from .models import Model
from .tools import FunctionDecl, function_decls_from_setup
from .vad import VadConfig
from .wire import field

__all__ = ["SetupConfig", "content_text"]


@dataclass
class SetupConfig:
    model: str
    modality: Literal["TEXT", "AUDIO"]
    input_transcription: bool
    output_transcription: bool
    vad: VadConfig | None  # None: automatic VAD disabled, the client marks activity
    interrupt: bool  # activity_handling != NO_INTERRUPTION
    voice_name: str | None
    language_code: str | None
    tools: list[FunctionDecl]
    resumption: bool
    resume_handle: str | None
    compression: tuple[int, int] | None  # (trigger_tokens, target_tokens)
    system_instruction: str
    model_spec: Model | None = None  # the catalogue's entry for `model`, set by LiveSession._setup
    search: bool = False  # the tools include googleSearch: questions may be searched (livetui.sim.search)

    @classmethod
    def parse(cls, setup: Any) -> SetupConfig:
        if not isinstance(setup, dict):
            raise Closed(*BAD_JSON)
        model = field(setup, "model")
        if not isinstance(model, str) or not model:
            raise Closed(1007, "Request contains an invalid argument.")
        generation = field(setup, "generationConfig") or {}
        modalities = field(generation, "responseModalities") or ["AUDIO"]
        modality = str(modalities[0]).upper() if modalities else "AUDIO"
        if modality not in ("TEXT", "AUDIO") or len(modalities) > 1:
            raise Closed(1007, "Request contains an invalid argument.")
        speech_config = field(generation, "speechConfig") or {}
        voice = field(field(field(speech_config, "voiceConfig"), "prebuiltVoiceConfig"), "voiceName")
        realtime = field(setup, "realtimeInputConfig") or {}
        aad = field(realtime, "automaticActivityDetection") or {}
        vad = None if field(aad, "disabled") is True else VadConfig.from_setup(aad)
        resumption = field(setup, "sessionResumption")
        compression = field(setup, "contextWindowCompression")
        return cls(
            model=model,
            modality=modality,  # type: ignore[arg-type]
            input_transcription=field(setup, "inputAudioTranscription") is not None,
            output_transcription=field(setup, "outputAudioTranscription") is not None,
            vad=vad,
            interrupt=field(realtime, "activityHandling") != "NO_INTERRUPTION",
            voice_name=voice if isinstance(voice, str) else None,
            language_code=field(speech_config, "languageCode"),
            tools=function_decls_from_setup(field(setup, "tools")),
            resumption=resumption is not None,
            resume_handle=field(resumption, "handle") or None,
            compression=_compression(compression),
            system_instruction=content_text(field(setup, "systemInstruction")),
            search=declares_search(field(setup, "tools")),
        )


def declares_search(tools: Any) -> bool:
    """Whether a setup's `tools` hold Google Search (either spelling, as the SDK may send it)."""
    return isinstance(tools, list) and any(field(tool, "googleSearch") is not None for tool in tools if isinstance(tool, dict))


def _compression(config: Any) -> tuple[int, int] | None:
    if config is None:
        return None
    trigger = int(field(config, "triggerTokens") or 25_600)
    target = int(field(field(config, "slidingWindow"), "targetTokens") or trigger // 2)
    return trigger, min(target, trigger)


def content_text(content: Any) -> str:
    """The text of a Content (or a plain string)."""
    if isinstance(content, str):
        return content
    parts = field(content, "parts") or []
    return "".join(p.get("text", "") for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str))

