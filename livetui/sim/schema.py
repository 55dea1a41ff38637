"""The field names the Live service knows, message by message, and the check that
refuses any other name as the service does (close 1007, `Unknown name "x" at 'path'`).

Names are the union of the service's own definition (googleapis/googleapis,
google/ai/generativelanguage/v1beta/generative_service.proto and content.proto) and
the google-genai SDK's types (LiveClientMessage and what it holds), so that strictness
never refuses a field the real service takes. Both spellings of every name are
accepted (the SDK sends nested objects in snake_case).

A field maps to the name of the message it holds, or to None when its value is not
looked into: scalars, enums, and free-form user data (function call args, function
responses, JSON schemas, labels), whose keys are the user's, never protocol fields.
Sub-tools other than function declarations (Google Search, code execution, ...) and
rarely used SDK-only configs are not looked into either: checked one level deep they
could only refuse something real.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

FREE = None  # not looked into

MESSAGES: dict[str, dict[str, str | None]] = {
    # The oneof `message_type` (proto), plus the SDK's newer context_update.
    "ClientMessage": {
        "setup": "Setup",
        "client_content": "ClientContent",
        "realtime_input": "RealtimeInput",
        "tool_response": "ToolResponse",
        "context_update": "ContextUpdate",
    },
    "Setup": {
        "model": FREE,
        "generation_config": "GenerationConfig",
        "system_instruction": "Content",
        "tools": "Tool",
        "realtime_input_config": "RealtimeInputConfig",
        "session_resumption": "SessionResumptionConfig",
        "context_window_compression": "ContextWindowCompressionConfig",
        "input_audio_transcription": "AudioTranscriptionConfig",
        "output_audio_transcription": "AudioTranscriptionConfig",
        "proactivity": "ProactivityConfig",
        "history_config": "HistoryConfig",
        "explicit_vad_signal": FREE,
        "avatar_config": FREE,
        "safety_settings": "SafetySetting",
        "labels": FREE,
    },
    "GenerationConfig": {
        "candidate_count": FREE,
        "stop_sequences": FREE,
        "max_output_tokens": FREE,
        "temperature": FREE,
        "top_p": FREE,
        "top_k": FREE,
        "seed": FREE,
        "response_mime_type": FREE,
        "response_schema": FREE,
        "response_json_schema": FREE,
        "_response_json_schema": FREE,  # the proto's json_name for response_json_schema
        "response_json_schema_ordered": FREE,
        "presence_penalty": FREE,
        "frequency_penalty": FREE,
        "response_logprobs": FREE,
        "logprobs": FREE,
        "enable_enhanced_civic_answers": FREE,
        "response_modalities": FREE,
        "speech_config": "SpeechConfig",
        "thinking_config": "ThinkingConfig",
        "image_config": FREE,
        "media_resolution": FREE,
        "model_selection_config": FREE,
        "audio_timestamp": FREE,
        "enable_affective_dialog": FREE,
        "routing_config": FREE,
        "response_format": FREE,
        "translation_config": "TranslationConfig",
        "audio_transcription_config": FREE,
    },
    "SpeechConfig": {
        "voice_config": "VoiceConfig",
        "language_code": FREE,
        "multi_speaker_voice_config": FREE,
    },
    "VoiceConfig": {
        "prebuilt_voice_config": "PrebuiltVoiceConfig",
        "replicated_voice_config": FREE,
        "voice": FREE,
    },
    "PrebuiltVoiceConfig": {"voice_name": FREE},
    "ThinkingConfig": {"include_thoughts": FREE, "thinking_budget": FREE, "thinking_level": FREE},
    "TranslationConfig": {"target_language_code": FREE, "echo_target_language": FREE},
    "RealtimeInputConfig": {
        "automatic_activity_detection": "AutomaticActivityDetection",
        "activity_handling": FREE,
        "turn_coverage": FREE,
        "interim_transcript_timestamp_enabled": FREE,
    },
    "AutomaticActivityDetection": {
        "disabled": FREE,
        "start_of_speech_sensitivity": FREE,
        "end_of_speech_sensitivity": FREE,
        "prefix_padding_ms": FREE,
        "silence_duration_ms": FREE,
    },
    "SessionResumptionConfig": {"handle": FREE, "transparent": FREE},
    "ContextWindowCompressionConfig": {"trigger_tokens": FREE, "sliding_window": "SlidingWindow"},
    "SlidingWindow": {"target_tokens": FREE},
    "AudioTranscriptionConfig": {
        "language_codes": FREE,
        "language_auto": FREE,
        "language_hints": FREE,
        "custom_vocabulary": FREE,
        "adaptation_phrases": FREE,
        "word_timestamp": FREE,
        "diarization": FREE,
        "mode": FREE,
        "source_text": FREE,
    },
    "ProactivityConfig": {"proactive_audio": FREE, "proactive_video": FREE},
    "HistoryConfig": {"initial_history_in_client_content": FREE},
    "SafetySetting": {"category": FREE, "threshold": FREE, "method": FREE},
    "Content": {"parts": "Part", "role": FREE},
    "Part": {
        "text": FREE,
        "inline_data": "Blob",
        "function_call": "FunctionCall",
        "function_response": "FunctionResponse",
        "file_data": "FileData",
        "executable_code": FREE,
        "code_execution_result": FREE,
        "video_metadata": FREE,
        "thought": FREE,
        "thought_signature": FREE,
        "part_metadata": FREE,
        "media_resolution": FREE,
        "tool_call": FREE,
        "tool_response": FREE,
        "audio_transcription": FREE,
        "media_processing": FREE,
        "speech_metadata": FREE,
        "document_metadata": FREE,
        "spreadsheet_metadata": FREE,
        "audio_metadata": FREE,
    },
    "Blob": {"data": FREE, "mime_type": FREE, "display_name": FREE},
    "FileData": {"file_uri": FREE, "mime_type": FREE, "display_name": FREE},
    "FunctionCall": {"id": FREE, "name": FREE, "args": FREE, "partial_args": FREE, "will_continue": FREE},
    "FunctionResponse": {
        "id": FREE,
        "name": FREE,
        "response": FREE,
        "parts": FREE,
        "will_continue": FREE,
        "scheduling": FREE,
    },
    "Tool": {
        "function_declarations": "FunctionDeclaration",
        "google_search": FREE,
        "google_search_retrieval": FREE,
        "code_execution": FREE,
        "computer_use": FREE,
        "url_context": FREE,
        "file_search": FREE,
        "google_maps": FREE,
        "retrieval": FREE,
        "enterprise_web_search": FREE,
        "parallel_ai_search": FREE,
        "mcp_servers": FREE,
        "exa_ai_search": FREE,
    },
    "FunctionDeclaration": {
        "name": FREE,
        "description": FREE,
        "parameters": FREE,
        "parameters_json_schema": FREE,
        "response": FREE,
        "response_json_schema": FREE,
        "behavior": FREE,
    },
    "ClientContent": {"turns": "Content", "turn_complete": FREE},
    "RealtimeInput": {
        "media_chunks": "Blob",
        "audio": "Blob",
        "audio_stream_end": FREE,
        "video": "Blob",
        "text": FREE,
        "activity_start": "ActivityStart",
        "activity_end": "ActivityEnd",
    },
    "ActivityStart": {},
    "ActivityEnd": {},
    "ToolResponse": {"function_responses": "FunctionResponse"},
    "ContextUpdate": {"system_instruction": "Content", "tools": "ContextUpdateTools"},
    "ContextUpdateTools": {"tools": "Tool"},
}

_UPPER = re.compile(r"(?<!^)([A-Z])")


def proto_name(key: str) -> str:
    """`generationConfig` and `generation_config` -> `generation_config`."""
    return _UPPER.sub(r"_\1", key).lower()


def unknown_field(obj: Any, message: str = "ClientMessage", path: str = "") -> tuple[str, str] | None:
    """The first name in `obj` that `message` does not have, with where it is
    (`setup.generation_config`, `client_content.turns[0].parts[1]`), or None."""
    if isinstance(obj, list):
        for index, item in enumerate(obj):
            found = unknown_field(item, message, f"{path}[{index}]")
            if found:
                return found
        return None
    if not isinstance(obj, Mapping):
        return None  # a scalar where a message goes: not this check's business
    fields = MESSAGES[message]
    for key, value in obj.items():
        name = proto_name(str(key))
        if name not in fields:
            return str(key), path
        child = fields[name]
        if child is not None:
            found = unknown_field(value, child, f"{path}.{name}" if path else name)
            if found:
                return found
    return None


def unknown_field_reason(name: str, path: str) -> str:
    """The close reason, worded as the service words it."""
    where = f" at '{path}'" if path else ""
    return f'Invalid JSON payload received. Unknown name "{name}"{where}: Cannot find field.'


def message_types(msg: Mapping[str, Any]) -> list[str]:
    """The top-level message types a client message carries (the proto's oneof)."""
    return [key for key in msg if proto_name(str(key)) in MESSAGES["ClientMessage"]]
