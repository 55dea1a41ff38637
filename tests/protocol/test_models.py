"""Today's Live models, enforced at setup: the real SDK against the simulator's catalogue.

Every refused setup closes the connection before setupComplete, so the SDK raises
APIError(code, reason) from `connect()`; every model's own kind of setup is accepted.
"""

from __future__ import annotations

from typing import Any

import pytest
from google.genai import errors, types

from .helpers import AUDIO_OUT, MODEL, RETIRED_MODEL, client_for, read_turn

TEXT = {"response_modalities": ["TEXT"]}
EXTENDED = "gemini-3.8-live-extended-thinking"
FLASH_31 = "gemini-3.1-flash-live-preview"
NATIVE_25 = "gemini-2.5-flash-native-audio-preview-12-2025"
TRANSLATE = "gemini-3.5-live-translate-preview"
TRANSCRIBE = "gemini-3.5-transcribe-live"
RETIRED = (RETIRED_MODEL, "gemini-2.0-flash-live-001")


def lights(behavior: str | None = None, name: str = "turn_on_the_lights") -> dict[str, Any]:
    declaration: dict[str, Any] = {
        "name": name,
        "description": "Turn on the lights",
        "parameters": {"type": "OBJECT", "properties": {"room": {"type": "STRING"}}, "required": ["room"]},
    }
    if behavior:
        declaration["behavior"] = behavior
    return {"function_declarations": [declaration]}


async def refused(sim, model: str, config: Any, **http: Any) -> errors.APIError:
    client = client_for(sim)
    if http:
        config = {**config, "http_options": types.HttpOptions(**http)}
    with pytest.raises(errors.APIError) as caught:
        async with client.aio.live.connect(model=model, config=config):
            pass
    return caught.value


async def ask(sim, model: str, config: Any, question: str = "What is the capital of France?"):
    async with client_for(sim).aio.live.connect(model=model, config=config) as session:
        assert session.setup_complete is not None, "setupComplete came"
        await session.send_client_content(turns={"role": "user", "parts": [{"text": question}]})
        return await read_turn(session)


def not_found(model: str, version: str = "v1") -> str:
    return f"models/{model} is not found for API version {version}, or is not supported for bidiGenerateContent."


# -- models the service does not serve ------------------------------------------------


async def test_an_unknown_model_is_not_found(sim):
    error = await refused(sim, "gemini-9-live", AUDIO_OUT)
    assert error.code == 1008
    assert error.details == not_found("gemini-9-live")
    assert not any("setupComplete" in r["msg"] for r in sim.frames.records if r["dir"] == "out")


async def test_the_reason_names_the_api_version_of_the_request_path(sim):
    error = await refused(sim, "gemini-9-live", AUDIO_OUT, api_version="v1beta")
    assert error.details == not_found("gemini-9-live", "v1beta")


async def test_a_long_unknown_name_is_cut_to_a_close_frames_123_bytes(sim):
    name = "gemini-" + "x" * 150
    error = await refused(sim, name, AUDIO_OUT)
    assert error.code == 1008
    assert len(error.details.encode()) == 123 and error.details.startswith(f"models/{name[:40]}")


@pytest.mark.parametrize("model", RETIRED)
async def test_retired_models_are_not_found_today(sim, model):
    for config in (TEXT, AUDIO_OUT):
        error = await refused(sim, model, config)
        assert (error.code, error.details) == (1008, not_found(model))


async def test_reject_models_still_refuses_a_catalogued_model(make_sim):
    sim = await make_sim(reject_models=frozenset({FLASH_31}))
    error = await refused(sim, FLASH_31, AUDIO_OUT)
    assert (error.code, error.details) == (1008, not_found(FLASH_31))
    assert (await ask(sim, MODEL, AUDIO_OUT)).audio, "other models are still served"


# -- the retired switch ----------------------------------------------------------------


@pytest.mark.parametrize("model", RETIRED)
async def test_with_the_switch_retired_models_answer_in_text_as_in_2025(make_sim, model):
    sim = await make_sim(retired_models=True)
    turn = await ask(sim, model, TEXT)
    assert "Paris" in turn.text and not turn.audio


async def test_with_the_switch_retired_models_speak_and_take_any_config(make_sim):
    sim = await make_sim(retired_models=True)
    config = {
        **AUDIO_OUT,
        "thinking_config": {"thinking_budget": 0, "include_thoughts": True},
        "enable_affective_dialog": True,
        "proactivity": {"proactive_audio": False},
        "tools": [lights("NON_BLOCKING")],
    }
    turn = await ask(sim, RETIRED_MODEL, config)
    assert turn.audio and "Paris" in turn.output_transcript


async def test_the_switch_serves_no_unknown_model(make_sim):
    sim = await make_sim(retired_models=True)
    error = await refused(sim, "gemini-9-live", TEXT)
    assert (error.code, error.details) == (1008, not_found("gemini-9-live"))


# -- response modalities ---------------------------------------------------------------


@pytest.mark.parametrize("model", [MODEL, EXTENDED, FLASH_31, NATIVE_25, TRANSLATE])
async def test_text_answers_are_refused_by_the_models_that_only_speak(sim, model):
    error = await refused(sim, model, TEXT)
    assert (error.code, error.details) == (1007, "Cannot extract voices from a non-audio request.")


async def test_audio_answers_are_refused_by_the_transcription_model(sim):
    error = await refused(sim, TRANSCRIBE, {"response_modalities": ["AUDIO"]})
    assert error.code == 1007
    assert error.details == f"Response modality AUDIO is not supported by models/{TRANSCRIBE}; use TEXT."


# -- thinking --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "thinking", [{"thinking_level": "low"}, {"thinking_budget": 0}, {"include_thoughts": True}, {}]
)
async def test_gemini_3_8_live_takes_no_thinking_config_at_all(sim, thinking):
    error = await refused(sim, MODEL, {**AUDIO_OUT, "thinking_config": thinking})
    assert (error.code, error.details) == (1007, f"thinking_config is not supported by models/{MODEL}; omit it.")


@pytest.mark.parametrize(
    ("model", "thinking", "reason"),
    [
        (FLASH_31, {"thinking_budget": 1024}, f"thinking_budget is not supported by models/{FLASH_31}; use thinking_level."),
        (EXTENDED, {"thinking_budget": 1024}, f"thinking_budget is not supported by models/{EXTENDED}; use thinking_level."),
        (NATIVE_25, {"thinking_level": "low"}, f"thinking_level is not supported by models/{NATIVE_25}; use thinking_budget."),
        (EXTENDED, {"thinking_level": "minimal"}, f"thinking_level MINIMAL is not supported by models/{EXTENDED}; use low/medium/high."),
        (FLASH_31, {"thinking_level": "xhigh"}, f"thinking_level XHIGH is not supported by models/{FLASH_31}; use minimal/low/medium/high."),
        (FLASH_31, {"thinking_level": "low", "thinking_budget": 10}, "thinking_level and thinking_budget cannot be set together."),
    ],
)
async def test_thinking_settings_the_model_does_not_take_are_refused(sim, model, thinking, reason):
    error = await refused(sim, model, {**AUDIO_OUT, "thinking_config": thinking})
    assert (error.code, error.details) == (1007, reason)


# -- proactive audio and affective dialog -----------------------------------------------


@pytest.mark.parametrize("model", [MODEL, EXTENDED])
async def test_proactive_audio_cannot_be_switched_off_on_3_8(sim, model):
    error = await refused(sim, model, {**AUDIO_OUT, "proactivity": {"proactive_audio": False}})
    assert error.code == 1007
    assert error.details == f"Proactive audio is always on for models/{model}; proactive_audio=false is not allowed."


async def test_3_1_has_no_proactive_audio_at_all(sim):
    error = await refused(sim, FLASH_31, {**AUDIO_OUT, "proactivity": {"proactive_audio": True}})
    assert error.code == 1007
    assert error.details == f"Proactive audio is not supported by models/{FLASH_31}; remove the proactivity config."


@pytest.mark.parametrize("model", [MODEL, EXTENDED, FLASH_31])
@pytest.mark.parametrize("enabled", [True, False])
async def test_affective_dialog_is_gone_from_3_8_and_3_1(sim, model, enabled):
    error = await refused(sim, model, {**AUDIO_OUT, "enable_affective_dialog": enabled})
    assert error.code == 1007
    assert error.details == f"Affective dialog is not supported by models/{model}; remove enable_affective_dialog."


# -- tools and system instruction ----------------------------------------------------------


async def test_3_1_calls_functions_synchronously_only(sim):
    error = await refused(sim, FLASH_31, {**AUDIO_OUT, "tools": [lights("NON_BLOCKING")]})
    assert error.code == 1007
    assert error.details == f"Asynchronous function calls (behavior NON_BLOCKING) are not supported by models/{FLASH_31}."


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"tools": [lights()]}, f"Function calling is not supported by models/{TRANSLATE}."),
        ({"tools": [{"google_search": {}}]}, f"Google Search is not supported by models/{TRANSLATE}."),
        ({"system_instruction": "Be terse."}, f"System instruction is not supported by models/{TRANSLATE}."),
    ],
)
async def test_the_translation_model_takes_no_tools_and_no_system_instruction(sim, extra, reason):
    config = {"response_modalities": ["AUDIO"], "translation_config": {"target_language_code": "fr"}, **extra}
    error = await refused(sim, TRANSLATE, config)
    assert (error.code, error.details) == (1007, reason)


# -- what each model accepts ---------------------------------------------------------------


async def test_gemini_3_8_live_speaks_with_its_own_settings(sim):
    config = {
        **AUDIO_OUT,
        "proactivity": {"proactive_audio": True},
        "tools": [lights("BLOCKING"), lights("NON_BLOCKING", "turn_off_the_lights"), {"google_search": {}}],
        "system_instruction": "Be terse.",
    }
    turn = await ask(sim, MODEL, config)
    assert turn.audio and "Paris" in turn.output_transcript and not turn.text


async def test_extended_thinking_takes_its_levels_and_thoughts(sim):
    config = {**AUDIO_OUT, "thinking_config": {"thinking_level": "high", "include_thoughts": True}}
    turn = await ask(sim, EXTENDED, config)
    assert turn.audio and "Paris" in turn.output_transcript


@pytest.mark.parametrize("level", ["minimal", "low", "medium", "high"])
async def test_3_1_takes_every_thinking_level_and_blocking_calls(sim, level):
    config = {**AUDIO_OUT, "thinking_config": {"thinking_level": level}, "tools": [lights("BLOCKING"), lights(name="turn_off_the_lights")]}
    async with client_for(sim).aio.live.connect(model=FLASH_31, config=config) as session:
        assert session.setup_complete is not None


async def test_3_1_answers(sim):
    turn = await ask(sim, FLASH_31, {**AUDIO_OUT, "thinking_config": {"thinking_level": "minimal"}})
    assert turn.audio and "Paris" in turn.output_transcript


async def test_the_2_5_native_audio_model_keeps_its_2025_settings(sim):
    config = {
        **AUDIO_OUT,
        "thinking_config": {"thinking_budget": 0, "include_thoughts": True},
        "enable_affective_dialog": True,
        "proactivity": {"proactive_audio": False},
        "tools": [lights("NON_BLOCKING")],
    }
    turn = await ask(sim, NATIVE_25, config)
    assert turn.audio and "Paris" in turn.output_transcript


async def test_the_translation_model_accepts_a_translation_setup(sim):
    config = types.LiveConnectConfig(
        response_modalities=["AUDIO"],
        input_audio_transcription=types.AudioTranscriptionConfig(),
        output_audio_transcription=types.AudioTranscriptionConfig(),
        translation_config=types.TranslationConfig(target_language_code="fr", echo_target_language=True),
    )
    async with client_for(sim).aio.live.connect(model=TRANSLATE, config=config) as session:
        assert session.setup_complete is not None


@pytest.mark.parametrize("config", [TEXT, {"input_audio_transcription": {}}, None])
async def test_the_transcription_model_accepts_text_answers(sim, config):
    async with client_for(sim).aio.live.connect(model=TRANSCRIBE, config=config) as session:
        assert session.setup_complete is not None


async def test_models_prefix_and_every_catalogue_name_connect(sim):
    for model in (f"models/{MODEL}", EXTENDED, FLASH_31, NATIVE_25):
        async with client_for(sim).aio.live.connect(model=model, config=AUDIO_OUT) as session:
            assert session.setup_complete is not None


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (
            {"model": f"models/{MODEL}", "generationConfig": {"responseModalities": ["AUDIO"], "thinkingConfig": {"thinkingLevel": "LOW"}}},
            f"thinking_config is not supported by models/{MODEL}; omit it.",
        ),
        (
            {"model": f"models/{EXTENDED}", "generationConfig": {"thinkingConfig": {"thinkingLevel": "MINIMAL"}}},
            f"thinking_level MINIMAL is not supported by models/{EXTENDED}; use low/medium/high.",
        ),
        (
            {"model": f"models/{MODEL}", "proactivity": {"proactiveAudio": False}},
            f"Proactive audio is always on for models/{MODEL}; proactive_audio=false is not allowed.",
        ),
        (
            {"model": f"models/{FLASH_31}", "tools": [{"functionDeclarations": [{"name": "f", "behavior": "NON_BLOCKING"}]}]},
            f"Asynchronous function calls (behavior NON_BLOCKING) are not supported by models/{FLASH_31}.",
        ),
    ],
)
async def test_camel_case_setups_as_other_sdks_send_them_are_checked_too(sim, setup, reason):
    """The JS SDK camel-cases the keys the Python SDK leaves snake_case: both are read."""
    import json

    import websockets

    url = sim.base_url.replace("https", "wss") + "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
    async with websockets.connect(url, ssl=sim.client_ssl_context(), additional_headers={"x-goog-api-key": "k"}) as ws:
        await ws.send(json.dumps({"setup": setup}))
        with pytest.raises(websockets.ConnectionClosed) as caught:
            await ws.recv()
    assert (caught.value.rcvd.code, caught.value.rcvd.reason) == (1007, reason)
