"""Function calling: toolCall out, tool_response in, the answer continues.

These are synchronous calls: declared BLOCKING on gemini-3.8-live (whose default is
asynchronous), or on gemini-3.1-flash-live-preview, which calls only synchronously.
"""

from __future__ import annotations

import asyncio

from google.genai import types

from .helpers import AUDIO_OUT, MODEL, chunks, client_for, read_turn, speech_pcm

SYNC_ONLY = "gemini-3.1-flash-live-preview"

LIGHTS = {
    "function_declarations": [
        {
            "name": "turn_on_the_lights",
            "description": "Turn on the lights",
            "parameters": {"type": "OBJECT", "properties": {"room": {"type": "STRING"}}, "required": ["room"]},
            "behavior": "BLOCKING",
        }
    ]
}


def get_weather(city: str, unit: str = "C") -> dict:
    """Get the weather for a city."""
    return {"temp": 21}


async def answer_with(result: dict):
    async def responder(session, tool_call):
        await session.send_tool_response(
            function_responses=[types.FunctionResponse(id=c.id, name=c.name, response=result) for c in tool_call.function_calls]
        )
    return responder


async def test_a_named_function_is_called_and_its_result_used(sim):
    config = {**AUDIO_OUT, "tools": [LIGHTS, {"google_search": {}}]}
    async with client_for(sim).aio.live.connect(model=MODEL, config=config) as session:
        await session.send_realtime_input(text="Please turn on the lights in the kitchen")
        turn = await read_turn(session, tool_responder=await answer_with({"result": "ok-123"}))
    assert [c.name for c in turn.tool_calls] == ["turn_on_the_lights"]
    assert turn.tool_calls[0].args == {"room": "kitchen"}
    assert turn.tool_calls[0].id
    assert "ok-123" in turn.output_transcript
    assert turn.order.index("toolCall") < turn.order.index("audio")


async def test_python_callables_as_tools(sim):
    config = types.LiveConnectConfig(response_modalities=["AUDIO"], output_audio_transcription={}, tools=[get_weather])
    async with client_for(sim).aio.live.connect(model=SYNC_ONLY, config=config) as session:
        await session.send_realtime_input(text="get weather for Paris")
        turn = await read_turn(session, tool_responder=await answer_with({"temp": 21}))
    assert turn.tool_calls and turn.tool_calls[0].args.get("city") == "Paris"
    assert "21" in turn.output_transcript


async def test_interrupting_a_pending_call_cancels_it(make_sim):
    sim = await make_sim()
    config = {**AUDIO_OUT, "tools": [LIGHTS]}
    async with client_for(sim).aio.live.connect(model=MODEL, config=config) as session:
        await session.send_realtime_input(text="turn on the lights in the hall")
        calls = []

        async def never_answer(session, tool_call):
            calls.append(tool_call)
            for chunk in chunks(speech_pcm("never mind", tail_ms=800), 20):
                await session.send_realtime_input(audio=types.Blob(data=chunk, mime_type="audio/pcm;rate=16000"))

        turn = await asyncio.wait_for(read_turn(session, tool_responder=never_answer), 10)
    assert calls
    assert "toolCallCancellation" in turn.order
    cancelled = [m.tool_call_cancellation.ids for m in turn.messages if m.tool_call_cancellation]
    assert cancelled == [[calls[0].function_calls[0].id]]
    assert turn.interrupted
