"""The LiveConnectConfig a session is set up with, built from the settings.

Plain dicts for `client.aio.live.connect(config=...)`: only what is set goes in, because
the service (and each model's rules, core.modelsettings) refuses what it does not take.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import info as model_info
from .modelsettings import function_calls_for, non_blocking_for
from .tools.declare import declaration

if TYPE_CHECKING:
    from .settings import Settings, VadSettings

__all__ = ["function_tools", "live_config", "realtime_input_config", "search_note", "search_tool", "thinking_config"]


def live_config(settings: Settings) -> dict[str, Any]:
    """The LiveConnectConfig, as a plain dict for `client.aio.live.connect(config=...)`."""
    if settings.mode != "chat":
        return _pipeline_config(settings)  # the interpreter and dictation take their own, smaller config
    asked = settings.answers().asked  # AUDIO from a model that only speaks, whatever the user chose
    config: dict[str, Any] = {
        "response_modalities": [asked],
        # Typed and spoken turns both belong in the transcript, whatever the answer's modality:
        # spoken input into a TEXT session is transcribed too.
        "input_audio_transcription": {},
        "session_resumption": {},
    }
    if asked == "AUDIO":
        config["output_audio_transcription"] = {}  # spoken answers, as text in the history (or as the text answer)
        speech: dict[str, Any] = {}
        if settings.voice:
            speech["voice_config"] = {"prebuilt_voice_config": {"voice_name": settings.voice}}
        if settings.language:
            speech["language_code"] = settings.language
        if speech:
            config["speech_config"] = speech
    if settings.system_instruction:
        config["system_instruction"] = settings.system_instruction
    thinking = thinking_config(settings)
    if thinking:
        config["thinking_config"] = thinking
    realtime = realtime_input_config(settings.vad)
    if realtime:
        config["realtime_input_config"] = realtime
    tools = function_tools(settings)
    if (search := search_tool(settings)) is not None:
        tools.append(search)
    if tools:
        config["tools"] = tools
    # A sliding window keeps a session going past the context limit.
    config["context_window_compression"] = {
        "trigger_tokens": settings.context_trigger_tokens,
        "sliding_window": {"target_tokens": settings.context_trigger_tokens // 2},
    }
    return config


def thinking_config(settings: Settings) -> dict[str, Any]:
    """What this model takes of the thinking settings; empty when it takes none
    (gemini-3.8-live refuses any thinking_config, so none is sent)."""
    model = model_info(settings.model)
    if model is None:
        return {}
    config: dict[str, Any] = {}
    if model.thinking == "level" and settings.thinking_level in model.thinking_levels:
        config["thinking_level"] = settings.thinking_level
    if model.thoughts and model.thinking != "none" and settings.show_thoughts:
        config["include_thoughts"] = True
    return config


def function_tools(settings: Settings) -> list[dict[str, Any]]:
    """The declared functions as `tools` entries (one tool holding them all, as the SDK
    merges them); none where the model or mode takes no tools. On a model that calls
    synchronously only, NON_BLOCKING is left out (modelsettings.tool_notes says so)."""
    functions = settings.tools.functions
    if not functions or not function_calls_for(settings.model, settings.mode).enabled:
        return []
    non_blocking = non_blocking_for(settings.model).enabled
    declarations = [declaration(f, behavior=non_blocking or f.behavior != "NON_BLOCKING") for f in functions]
    return [{"function_declarations": declarations}]


def search_tool(settings: Settings) -> dict[str, Any] | None:
    """The `google_search` tool when search is on and the model takes tools; else None.
    A pipeline (the interpreter, dictation) takes no tools at all: `search_note` says so."""
    if not settings.tools.search or not takes_search(settings):
        return None
    return {"google_search": {}}


def takes_search(settings: Settings) -> bool:
    """Whether this session may be sent Google Search: a chat with a conversation model
    (one the console does not know is tried: the user asked for it by name)."""
    model = model_info(settings.model)
    return settings.mode == "chat" and (model is None or model.kind == "conversation")


def search_note(settings: Settings) -> str:
    """What the session's first chat line adds about Google Search: "" when it is off."""
    if not settings.tools.search:
        return ""
    if takes_search(settings):
        return " · Google Search on"
    return " · Google Search off: this model takes no tools"


def realtime_input_config(vad: VadSettings) -> dict[str, Any]:
    """The LiveConnectConfig's `realtime_input_config`; empty when nothing is set."""
    if not vad.automatic:
        return {"automatic_activity_detection": {"disabled": True}}
    detection: dict[str, Any] = {}
    if vad.start_sensitivity:
        detection["start_of_speech_sensitivity"] = f"START_SENSITIVITY_{vad.start_sensitivity.upper()}"
    if vad.end_sensitivity:
        detection["end_of_speech_sensitivity"] = f"END_SENSITIVITY_{vad.end_sensitivity.upper()}"
    if vad.prefix_padding_ms is not None:
        detection["prefix_padding_ms"] = vad.prefix_padding_ms
    if vad.silence_duration_ms is not None:
        detection["silence_duration_ms"] = vad.silence_duration_ms
    return {"automatic_activity_detection": detection} if detection else {}


def _pipeline_config(settings: Settings) -> dict[str, Any]:
    """The LiveConnectConfig of a pipeline mode (core.modes): what the pages configure and
    nothing else (no system instruction, tools, thinking, voice, resumption or compression)."""
    if settings.mode == "translate":
        config: dict[str, Any] = {
            "response_modalities": ["AUDIO"],
            "input_audio_transcription": {},
            "output_audio_transcription": {},
            # Speech already in the target language is not parroted back.
            "translation_config": {"target_language_code": settings.translate_to, "echo_target_language": False},
        }
    else:
        config = {"response_modalities": ["TEXT"], "input_audio_transcription": {}}
    realtime = realtime_input_config(settings.vad)
    if realtime:
        config["realtime_input_config"] = realtime
    return config
