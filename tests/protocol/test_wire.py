"""Closer to the wire: frames, paths and refusals as the real service has them.

The real SDK where it can produce the input; a raw websocket where it cannot (it
never sends an unknown field, two message types at once, or a malformed frame).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import websockets
from google import genai
from google.genai import errors, types

from livetui.sim import Simulator

from .helpers import chunks, client_for, read_turn, speech_pcm

MODEL = "gemini-3.8-live"  # today's default: answers in audio, text comes as its transcript
AUDIO = {"response_modalities": ["AUDIO"], "output_audio_transcription": {}}
PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
SETUP = {"setup": {"model": f"models/{MODEL}", "generationConfig": {"responseModalities": ["AUDIO"]}}}


def raw(sim: Simulator, path: str = PATH) -> Any:
    url = sim.base_url.replace("https", "wss") + path
    return websockets.connect(url, ssl=sim.client_ssl_context(), additional_headers={"x-goog-api-key": "k"})


async def refused(ws: Any) -> websockets.frames.Close:
    """Read until the server closes; the close it sent."""
    with pytest.raises(websockets.ConnectionClosed) as caught:
        while True:
            await ws.recv()
    assert caught.value.rcvd is not None, "the server sent a close frame"
    return caught.value.rcvd


async def set_up(ws: Any, setup: dict[str, Any] = SETUP) -> None:
    await ws.send(json.dumps(setup))
    assert json.loads(await ws.recv()) == {"setupComplete": {}}


# -- frames ------------------------------------------------------------------------


async def test_every_server_message_is_a_binary_frame_of_json(sim):
    async with raw(sim) as ws:
        await ws.send(json.dumps(SETUP))
        first = await ws.recv()
        assert isinstance(first, bytes), "binary, as the real service sends it"
        assert json.loads(first) == {"setupComplete": {}}, "no sessionId: the real service sends {}"
        await ws.send(json.dumps({"realtimeInput": {"text": "What is the capital of France?"}}))
        while True:
            frame = await ws.recv()
            assert isinstance(frame, bytes)
            if json.loads(frame).get("serverContent", {}).get("turnComplete"):
                break


async def test_the_sdk_reads_binary_frames_and_has_no_session_id(sim):
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO) as session:
        assert session.session_id is None
        await session.send_realtime_input(text="What is the capital of France?")
        turn = await read_turn(session)
    assert "Paris" in turn.output_transcript and turn.audio


async def test_a_base_url_ending_in_a_slash_connects(sim):
    """The SDKs then ask for `//ws/...` (the JavaScript SDK always does): not a 404."""
    client = genai.Client(
        api_key="k",
        http_options=types.HttpOptions(base_url=sim.base_url + "/", async_client_args={"ssl": sim.client_ssl_context()}),
    )
    async with client.aio.live.connect(model=MODEL, config=AUDIO) as session:
        await session.send_realtime_input(text="What is the capital of Italy?")
        turn = await read_turn(session)
    assert "Rome" in turn.output_transcript
    connect = next(r["msg"]["connect"] for r in sim.frames.records if "connect" in r["msg"])
    assert connect["path"].startswith("//ws/google.ai.generativelanguage.")


async def test_a_double_slash_path_with_a_query_is_still_the_live_endpoint(sim):
    async with raw(sim, "/" + PATH + "?alt=ws") as ws:
        await set_up(ws)


# -- field names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (
            {"setup": {"model": f"models/{MODEL}", "generationConfig": {"responseModality": ["AUDIO"]}}},
            "Unknown name \"responseModality\" at 'setup.generation_config': Cannot find field.",
        ),
        (
            {"setup": {"model": f"models/{MODEL}", "realtime_input_config": {"automatic_activity_detection": {"silence_ms": 5}}}},
            "Unknown name \"silence_ms\" at 'setup.realtime_input_config.automatic_activity_detection'",
        ),
        ({"setup": {"model": f"models/{MODEL}", "voice": "Kore"}}, "Unknown name \"voice\" at 'setup': Cannot find field."),
    ],
)
async def test_an_unknown_setup_field_is_refused_with_where_it_is(sim, message, reason):
    async with raw(sim) as ws:
        await ws.send(json.dumps(message))
        close = await refused(ws)
    assert close.code == 1007
    assert close.reason.startswith("Invalid JSON payload received. ")
    assert reason in close.reason


@pytest.mark.parametrize(
    ("message", "where"),
    [
        ({"realtimeInput": {"txt": "hello"}}, "'realtime_input'"),
        ({"realtime_input": {"audio": {"data": "AAA=", "mimeType": "audio/pcm", "rate": 16000}}}, "'realtime_input.audio'"),
        (
            {"clientContent": {"turns": [{"role": "user", "parts": [{"text": "a"}, {"txt": "b"}]}], "turnComplete": True}},
            "'client_content.turns[0].parts[1]'",
        ),
        ({"toolResponse": {"functionResponses": [{"id": "x", "name": "f", "response": {}, "result": 1}]}}, "'tool_response.function_responses[0]'"),
    ],
)
async def test_an_unknown_field_in_a_session_is_refused(sim, message, where):
    async with raw(sim) as ws:
        await set_up(ws)
        await ws.send(json.dumps(message))
        close = await refused(ws)
    assert close.code == 1007
    assert f"at {where}: Cannot find field." in close.reason


async def test_an_unknown_message_type_is_refused_by_its_name(sim):
    async with raw(sim) as ws:
        await set_up(ws)
        await ws.send(json.dumps({"clientMessage": {}}))
        close = await refused(ws)
    assert (close.code, close.reason) == (1007, 'Invalid JSON payload received. Unknown name "clientMessage": Cannot find field.')


async def test_the_keys_of_user_data_are_never_checked(sim):
    """Function args, responses, schemas and labels are the user's: any key goes."""
    setup = {
        "setup": {
            "model": f"models/{MODEL}",
            "generationConfig": {"responseModalities": ["AUDIO"]},
            "outputAudioTranscription": {},
            "tools": [
                {
                    "functionDeclarations": [
                        {
                            "name": "set_mood",
                            "parameters": {"type": "OBJECT", "properties": {"no_such_field": {"type": "STRING"}}},
                        },
                        {
                            "name": "get_thing",
                            "parameters_json_schema": {"type": "object", "additionalProperties": False, "$defs": {}},
                            "response_json_schema": {"x-anything": True},
                        },
                    ]
                },
                {"googleSearch": {"someFutureOption": True}},
            ],
        }
    }
    async with raw(sim) as ws:
        await set_up(ws, setup)
        await ws.send(json.dumps({"realtimeInput": {"text": "What is the capital of France?"}}))
        transcript = ""
        while True:
            msg = json.loads(await ws.recv())
            transcript += msg.get("serverContent", {}).get("outputTranscription", {}).get("text", "")
            if msg.get("serverContent", {}).get("turnComplete"):
                break
    assert "Paris" in transcript


async def test_everything_the_sdk_sends_for_a_rich_config_is_accepted(sim):
    """Both spellings, nested snake_case, tools with schemas: a real field is never refused."""

    def get_weather(city: str, unit: str = "C") -> dict:
        """Get the weather for a city."""
        return {"temp": 21}

    config = types.LiveConnectConfig(
        response_modalities=["AUDIO"],
        temperature=0.4,
        top_p=0.9,
        top_k=40,
        max_output_tokens=500,
        seed=7,
        media_resolution=types.MediaResolution.MEDIA_RESOLUTION_LOW,
        speech_config=types.SpeechConfig(
            voice_config=types.VoiceConfig(prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name="Kore")),
            language_code="en-US",
        ),
        system_instruction="Be terse.",
        tools=[
            get_weather,
            types.Tool(google_search=types.GoogleSearch()),
            types.Tool(function_declarations=[types.FunctionDeclaration(
                name="turn_on_the_lights",
                description="Lights on",
                behavior=types.Behavior.NON_BLOCKING,
                parameters=types.Schema(type="OBJECT", properties={"room": types.Schema(type="STRING")}, required=["room"]),
            )]),
        ],
        session_resumption=types.SessionResumptionConfig(),
        context_window_compression=types.ContextWindowCompressionConfig(
            trigger_tokens=25600, sliding_window=types.SlidingWindow(target_tokens=12800)
        ),
        input_audio_transcription=types.AudioTranscriptionConfig(),
        output_audio_transcription=types.AudioTranscriptionConfig(),
        realtime_input_config=types.RealtimeInputConfig(
            automatic_activity_detection=types.AutomaticActivityDetection(
                disabled=False,
                start_of_speech_sensitivity=types.StartSensitivity.START_SENSITIVITY_LOW,
                end_of_speech_sensitivity=types.EndSensitivity.END_SENSITIVITY_LOW,
                prefix_padding_ms=20,
                silence_duration_ms=300,
            ),
            activity_handling=types.ActivityHandling.START_OF_ACTIVITY_INTERRUPTS,
            turn_coverage=types.TurnCoverage.TURN_INCLUDES_ALL_INPUT,
        ),
        proactivity=types.ProactivityConfig(proactive_audio=True),
    )
    async with client_for(sim).aio.live.connect(model=MODEL, config=config) as session:
        await session.send_client_content(
            turns=[types.Content(role="user", parts=[types.Part(text="Hi"), types.Part(inline_data=types.Blob(data=b"\xff\xd8", mime_type="image/jpeg"))])],
            turn_complete=True,
        )
        turn = await read_turn(session)
        await session.send_realtime_input(audio=types.Blob(data=bytes(640), mime_type="audio/pcm;rate=16000"))
        await session.send_realtime_input(video=types.Blob(data=b"\xff\xd8", mime_type="image/jpeg"))
        await session.send_realtime_input(audio_stream_end=True)
        await session.send_context_update(system_instruction="Be brief.")
        await session.send_realtime_input(text="What is the capital of France?")
        second = await read_turn(session)
    assert turn.audio and "Paris" in second.output_transcript


# -- one message type, activity --------------------------------------------------


async def test_two_message_types_in_one_message_are_refused(sim):
    async with raw(sim) as ws:
        await set_up(ws)
        await ws.send(json.dumps({"realtimeInput": {"text": "hi"}, "clientContent": {"turnComplete": True}}))
        close = await refused(ws)
    assert close.code == 1007
    assert "oneof field 'message_type' is already set. Cannot set 'clientContent'" in close.reason
    assert not [r for r in sim.frames.records if r["dir"] == "out" and "serverContent" in r["msg"]], "neither was answered"


async def test_activity_signals_are_refused_while_automatic_detection_is_on(sim):
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO) as session:
        await session.send_realtime_input(activity_start=types.ActivityStart())
        with pytest.raises(errors.APIError) as caught:
            async for _ in session.receive():
                pass
    assert caught.value.code == 1007
    assert "activityStart can only be sent if automatic" in str(caught.value)


async def test_activity_signals_work_with_automatic_detection_off(sim):
    config = {**AUDIO, "input_audio_transcription": {}, "realtime_input_config": {"automatic_activity_detection": {"disabled": True}}}
    async with client_for(sim).aio.live.connect(model=MODEL, config=config) as session:
        await session.send_realtime_input(activity_start=types.ActivityStart())
        for chunk in chunks(speech_pcm("what is the weather"), 20):
            await session.send_realtime_input(audio=types.Blob(data=chunk, mime_type="audio/pcm;rate=16000"))
        await session.send_realtime_input(activity_end=types.ActivityEnd())
        turn = await read_turn(session)
    assert turn.input_transcript == "what is the weather" and turn.audio


def test_livetui_sim_sends_bursts_unless_told_a_speed():
    from livetui.sim.cli import parse_args

    assert parse_args([]).speed is None, "bursts by default"
    assert parse_args(["--speed", "1"]).speed == 1.0
    assert parse_args(["--speed", "max"]).speed == float("inf")
    options = parse_args([])
    # A 40 ms chunk each: the first burst at once, the next 0.2 s later, evenly paced at --speed 1.
    assert [options.audio_due(k * 0.04) for k in (0, 19, 20, 40)] == pytest.approx([0.0, 0.0, 0.2, 0.4])
    assert parse_args(["--speed", "1"]).audio_due(0.8) == pytest.approx(0.8)
