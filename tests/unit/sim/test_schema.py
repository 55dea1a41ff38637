"""The simulator's field tables: never narrower than what the SDK can send."""

from __future__ import annotations

import pytest
from google.genai import types

from livetui.sim.schema import MESSAGES, message_types, proto_name, unknown_field, unknown_field_reason

# The SDK's type for each table (the proto's names without the Live/Bidi prefixes).
SDK_TYPES = {
    "ClientMessage": types.LiveClientMessage,
    "Setup": types.LiveClientSetup,
    "GenerationConfig": types.GenerationConfig,
    "SpeechConfig": types.SpeechConfig,
    "VoiceConfig": types.VoiceConfig,
    "PrebuiltVoiceConfig": types.PrebuiltVoiceConfig,
    "ThinkingConfig": types.ThinkingConfig,
    "TranslationConfig": types.TranslationConfig,
    "RealtimeInputConfig": types.RealtimeInputConfig,
    "AutomaticActivityDetection": types.AutomaticActivityDetection,
    "SessionResumptionConfig": types.SessionResumptionConfig,
    "ContextWindowCompressionConfig": types.ContextWindowCompressionConfig,
    "SlidingWindow": types.SlidingWindow,
    "AudioTranscriptionConfig": types.AudioTranscriptionConfig,
    "ProactivityConfig": types.ProactivityConfig,
    "HistoryConfig": types.HistoryConfig,
    "SafetySetting": types.SafetySetting,
    "Content": types.Content,
    "Part": types.Part,
    "Blob": types.Blob,
    "FileData": types.FileData,
    "FunctionCall": types.FunctionCall,
    "FunctionResponse": types.FunctionResponse,
    "Tool": types.Tool,
    "FunctionDeclaration": types.FunctionDeclaration,
    "ClientContent": types.LiveClientContent,
    "RealtimeInput": types.LiveClientRealtimeInput,
    "ActivityStart": types.ActivityStart,
    "ActivityEnd": types.ActivityEnd,
    "ToolResponse": types.LiveClientToolResponse,
    "ContextUpdate": types.LiveClientContextUpdate,
    "ContextUpdateTools": types.LiveClientContextUpdateTools,
}


def test_every_table_has_its_sdk_type_and_every_child_is_a_table():
    assert set(SDK_TYPES) == set(MESSAGES)
    for fields in MESSAGES.values():
        for child in fields.values():
            assert child is None or child in MESSAGES


@pytest.mark.parametrize("message", sorted(SDK_TYPES))
def test_every_field_the_sdk_knows_is_accepted(message):
    missing = set(SDK_TYPES[message].model_fields) - set(MESSAGES[message])
    assert not missing, f"{message} would refuse {missing}"


def test_the_realtime_input_config_the_sdk_sends_at_setup_is_known():
    # LiveClientSetup has no such field: the SDK puts LiveConnectConfig's there (setup.realtimeInputConfig).
    assert "realtime_input_config" in MESSAGES["Setup"]


def test_both_spellings_are_one_name():
    assert proto_name("generationConfig") == proto_name("generation_config") == "generation_config"
    assert proto_name("_responseJsonSchema") in MESSAGES["GenerationConfig"]
    assert unknown_field({"setup": {"model": "m", "generation_config": {"responseModalities": ["AUDIO"]}}}) is None


def test_where_an_unknown_name_is():
    msg = {"setup": {"model": "m", "tools": [{"functionDeclarations": [{"name": "f"}, {"name": "g", "params": {}}]}]}}
    assert unknown_field(msg) == ("params", "setup.tools[0].function_declarations[1]")
    assert unknown_field_reason("params", "setup.tools[0].function_declarations[1]") == (
        "Invalid JSON payload received. Unknown name \"params\" at 'setup.tools[0].function_declarations[1]': Cannot find field."
    )
    assert unknown_field({"oops": 1}) == ("oops", "")


def test_free_form_values_are_not_looked_into():
    msg = {
        "tool_response": {"function_responses": [{"id": "1", "name": "f", "response": {"anything": {"deep": 1}}}]},
    }
    assert unknown_field(msg) is None
    call = {"client_content": {"turns": [{"parts": [{"function_call": {"name": "f", "args": {"x_y": 1}}}]}]}}
    assert unknown_field(call) is None
    assert unknown_field({"setup": {"model": "m", "labels": {"team": "a"}}}) is None


def test_message_types_counts_the_oneof():
    assert message_types({"realtime_input": {}, "clientContent": {}}) == ["realtime_input", "clientContent"]
    assert message_types({"contextUpdate": {}}) == ["contextUpdate"]
