"""Asynchronous function calls on the 3.8 models, and client content with roles.

NON_BLOCKING is the default on 3.8: the model keeps talking while the client runs the
call, and speaks the result as the FunctionResponse's `scheduling` says.
"""

from __future__ import annotations

import asyncio

from google.genai import types

from .helpers import chunks, client_for, read_turn, speech_pcm

LIVE = "gemini-3.8-live"
AUDIO = {"response_modalities": ["AUDIO"], "output_audio_transcription": {}}


def lights(behavior: str | None = None) -> dict:
    decl: dict = {
        "name": "turn_on_the_lights",
        "description": "Turn on the lights",
        "parameters": {"type": "OBJECT", "properties": {"room": {"type": "STRING"}}, "required": ["room"]},
    }
    if behavior:
        decl["behavior"] = behavior
    return {"function_declarations": [decl]}


def ask(text: str) -> types.Content:
    return types.Content(role="user", parts=[types.Part(text=text)])


def result(call: types.FunctionCall, scheduling: str | None = None, value: str = "ok-123") -> types.FunctionResponse:
    return types.FunctionResponse(id=call.id, name=call.name, response={"result": value}, scheduling=scheduling)


async def test_non_blocking_is_the_default_the_model_keeps_talking_and_says_the_result_when_idle(sim):
    config = {**AUDIO, "tools": [lights()]}
    async with client_for(sim).aio.live.connect(model=LIVE, config=config) as session:
        await session.send_client_content(turns=ask("Please turn on the lights in the kitchen"))
        first = await read_turn(session)  # nobody answers the call: the turn still ends
        assert [c.name for c in first.tool_calls] == ["turn_on_the_lights"]
        assert first.order.index("toolCall") < first.order.index("audio")
        assert "check" in first.output_transcript.lower() and "ok-123" not in first.output_transcript
        assert first.generation_complete and not first.interrupted
        await session.send_tool_response(function_responses=[result(first.tool_calls[0])])  # WHEN_IDLE by default
        second = await read_turn(session)
    assert "ok-123" in second.output_transcript
    assert second.tool_calls == []
    usage = second.usage
    assert usage is not None and usage.tool_use_prompt_token_count and usage.tool_use_prompt_token_count > 0
    assert usage.total_token_count == usage.prompt_token_count + usage.response_token_count + usage.tool_use_prompt_token_count


async def test_a_blocking_declaration_waits_for_the_response(sim):
    config = {**AUDIO, "tools": [lights("BLOCKING")]}
    async with client_for(sim).aio.live.connect(model=LIVE, config=config) as session:
        await session.send_client_content(turns=ask("Please turn on the lights in the hall"))

        async def responder(session, tool_call):
            await session.send_tool_response(function_responses=[result(c) for c in tool_call.function_calls])

        turn = await read_turn(session, tool_responder=responder)
    assert turn.tool_calls and "ok-123" in turn.output_transcript
    assert "check" not in turn.output_transcript.lower()  # nothing said while it waited
    assert turn.order.count("turnComplete") == 1


async def test_the_legacy_model_calls_synchronously_even_when_not_declared_blocking(sim):
    config = {**AUDIO, "tools": [lights()]}
    async with client_for(sim).aio.live.connect(model="gemini-3.1-flash-live-preview", config=config) as session:
        await session.send_client_content(turns=ask("Please turn on the lights in the hall"))

        async def responder(session, tool_call):
            await session.send_tool_response(function_responses=[result(c) for c in tool_call.function_calls])

        turn = await read_turn(session, tool_responder=responder)
    assert "ok-123" in turn.output_transcript and "check" not in turn.output_transcript.lower()


async def test_silent_takes_the_result_into_context_without_a_word(sim):
    config = {**AUDIO, "tools": [lights()]}
    async with client_for(sim).aio.live.connect(model=LIVE, config=config) as session:
        await session.send_client_content(turns=ask("Please turn on the lights in the kitchen"))
        first = await read_turn(session)
        before = first.usage.prompt_token_count
        await session.send_tool_response(function_responses=[result(first.tool_calls[0], "SILENT")])
        await session.send_client_content(turns=ask("What is the capital of France?"))
        nxt = await read_turn(session)
    # The next thing said is the answer to the question: the result was never spoken...
    assert "Paris" in nxt.output_transcript and "ok-123" not in nxt.output_transcript
    assert nxt.order.count("turnComplete") == 1
    # ... but it is in the context the model read.
    assert nxt.usage.prompt_token_count > before + 10


def cut_after_audio(turn) -> bool:
    """Interrupted once it had begun to speak (the filler still playing may be cut first)."""
    return "interrupted" in turn.order[turn.order.index("audio") :]


async def _call_then_question(session, scheduling: str, question: str = "Tell me a story"):
    """A NON_BLOCKING call is made; while the model answers another question, its result arrives."""
    await session.send_client_content(turns=ask("Please turn on the lights in the kitchen"))
    first = await read_turn(session)
    call = first.tool_calls[0]
    await session.send_client_content(turns=ask(question))
    answering = asyncio.Event()
    task = asyncio.create_task(read_turn(session, on_audio=answering))
    await asyncio.wait_for(answering.wait(), 10)
    await session.send_tool_response(function_responses=[result(call, scheduling)])
    story = await asyncio.wait_for(task, 60)
    after = await asyncio.wait_for(read_turn(session), 30)
    return story, after


async def test_interrupt_cuts_what_the_model_says_and_speaks_the_result_now(make_sim):
    sim = await make_sim(speed=1.0)
    async with client_for(sim).aio.live.connect(model=LIVE, config={**AUDIO, "tools": [lights()]}) as session:
        story, after = await _call_then_question(session, "INTERRUPT")
    assert cut_after_audio(story) and not story.generation_complete
    assert story.audio_seconds < 5  # cut short, not told to the end
    assert "ok-123" in after.output_transcript


async def test_when_idle_lets_the_current_answer_finish_first(make_sim):
    sim = await make_sim(speed=1.0)
    async with client_for(sim).aio.live.connect(model=LIVE, config={**AUDIO, "tools": [lights()]}) as session:
        story, after = await _call_then_question(session, "WHEN_IDLE", "What is the capital of France?")
    assert story.generation_complete and not cut_after_audio(story)
    assert "Paris" in story.output_transcript and "ok-123" not in story.output_transcript
    assert "ok-123" in after.output_transcript


async def test_a_call_whose_turn_is_cut_is_cancelled(make_sim):
    sim = await make_sim(speed=1.0)
    async with client_for(sim).aio.live.connect(model=LIVE, config={**AUDIO, "tools": [lights()]}) as session:
        await session.send_client_content(turns=ask("Please turn on the lights in the hall"))

        async def cut(session, tool_call):  # a new question while the model says it will check
            await session.send_client_content(turns=ask("What is the capital of Italy?"))

        turn = await asyncio.wait_for(read_turn(session, tool_responder=cut), 10)
        cancelled = [m.tool_call_cancellation.ids for m in turn.messages if m.tool_call_cancellation]
        assert cancelled == [[turn.tool_calls[0].id]]
        assert turn.interrupted
        nxt = await read_turn(session)
        assert "Rome" in nxt.output_transcript
        # A late response to a dropped call is ignored, not an error.
        await session.send_tool_response(function_responses=[result(turn.tool_calls[0])])
        await session.send_client_content(turns=ask("What is the capital of Spain?"))
        last = await read_turn(session)
    assert "Madrid" in last.output_transcript and "ok-123" not in last.output_transcript


async def test_extended_thinking_stays_in_progress_until_the_result_is_spoken(sim):
    config = {**AUDIO, "tools": [lights()]}
    async with client_for(sim).aio.live.connect(model="gemini-3.8-live-extended-thinking", config=config) as session:
        await session.send_client_content(turns=ask("Please turn on the lights in the kitchen"))
        answered = []

        async def later(session, tool_call):
            answered.append(tool_call)

        statuses: list[str] = []
        spoken = ""
        async for msg in session.receive():  # one request: receive() runs until IDLE
            sc = msg.server_content
            if msg.tool_call:
                answered.append(msg.tool_call)
            if sc and sc.output_transcription:
                spoken += sc.output_transcription.text or ""
            if sc and sc.interaction_status:
                statuses.append(sc.interaction_status.value)
                if sc.interaction_status == types.InteractionStatus.IN_PROGRESS and len(statuses) == 2:
                    calls = answered[0].function_calls
                    await session.send_tool_response(function_responses=[result(c) for c in calls])
    assert statuses == ["IN_PROGRESS", "IN_PROGRESS", "IDLE"]
    assert spoken.index("think") < spoken.index("check") < spoken.index("ok-123")


async def test_content_without_turn_complete_waits_for_what_follows(sim):
    async with client_for(sim).aio.live.connect(model=LIVE, config=AUDIO) as session:
        await session.send_client_content(
            turns=[ask("What is the capital of Spain?"), types.Content(role="model", parts=[types.Part(text="Madrid.")])],
            turn_complete=False,
        )
        await session.send_client_content(turns=ask("What is the capital of France?"), turn_complete=False)
        await session.send_client_content(turns=ask("What was my first question?"), turn_complete=False)
        # Nothing is said until the turn is complete (the frame times below show it).
        await session.send_client_content(turn_complete=True)
        turn = await read_turn(session)
    assert "capital of Spain" in turn.output_transcript  # the history with roles was taken in
    out = [r for r in sim.frames.records if r["dir"] == "out" and "serverContent" in r["msg"]]
    ins = [r for r in sim.frames.records if r["dir"] == "in" and "client_content" in r["msg"]]
    assert out and min(r["t"] for r in out) > max(r["t"] for r in ins)


async def test_turn_complete_content_interrupts_a_generation_in_progress(make_sim):
    sim = await make_sim(speed=1.0)
    async with client_for(sim).aio.live.connect(model=LIVE, config=AUDIO) as session:
        await session.send_client_content(turns=ask("Tell me a story"))
        answering = asyncio.Event()
        task = asyncio.create_task(read_turn(session, on_audio=answering))
        await asyncio.wait_for(answering.wait(), 10)
        await session.send_client_content(turns=ask("What is the capital of Japan?"))
        story = await asyncio.wait_for(task, 10)
        nxt = await read_turn(session)
    assert cut_after_audio(story) and not story.generation_complete
    assert "Tokyo" in nxt.output_transcript


async def test_a_result_that_comes_while_the_user_speaks_waits_for_them_to_finish(sim):
    # The 3.8 migration notes: INTERRUPT while the user is speaking waits for the user to finish.
    config = {**AUDIO, "input_audio_transcription": {}, "tools": [lights()]}
    async with client_for(sim).aio.live.connect(model=LIVE, config=config) as session:
        await session.send_client_content(turns=ask("Please turn on the lights in the kitchen"))
        first = await read_turn(session)
        speech = chunks(speech_pcm("what is the weather", tail_ms=900), 20)
        half = len(speech) // 2
        for chunk in speech[:half]:
            await session.send_realtime_input(audio=types.Blob(data=chunk, mime_type="audio/pcm;rate=16000"))
        await session.send_tool_response(function_responses=[result(first.tool_calls[0], "INTERRUPT")])
        for chunk in speech[half:]:  # the rest as a microphone would send it, in real time
            await session.send_realtime_input(audio=types.Blob(data=chunk, mime_type="audio/pcm;rate=16000"))
            await asyncio.sleep(0.02)
        said = await read_turn(session)
        heard = await read_turn(session)
    assert "ok-123" in said.output_transcript  # the result first, once the user was done...
    assert "weather" in heard.input_transcript.lower()  # ... then the answer to what they said
    response_in = next(r["t"] for r in sim.frames.records if r["dir"] == "in" and "tool_response" in r["msg"])
    speech_in = [r["t"] for r in sim.frames.records if r["dir"] == "in" and "realtime_input" in r["msg"]]
    spoken_out = [
        r["t"] for r in sim.frames.records
        if r["dir"] == "out" and r["t"] > response_in and "modelTurn" in r["msg"].get("serverContent", {})
    ]
    last_voiced = speech_in[len(speech) - 900 // 20 - 1]  # the tail is 900 ms of silence
    assert spoken_out and min(spoken_out) > last_voiced  # nothing said over the user
