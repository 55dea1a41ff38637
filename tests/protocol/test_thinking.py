"""Background reasoning and thoughts: the extended-thinking model, thought parts, usage.

The SDK's own `receive()` iterator is the judge of when a request is over: with
`interactionStatus` present it ends only on IDLE.
"""

from __future__ import annotations

from google.genai import types

from .helpers import client_for, read_turn

EXTENDED = "gemini-3.8-live-extended-thinking"
AUDIO = {"response_modalities": ["AUDIO"], "output_audio_transcription": {}}


def statuses(messages: list[types.LiveServerMessage]) -> list[str]:
    return [m.server_content.interaction_status.value for m in messages if m.server_content and m.server_content.interaction_status]


def thought_parts(messages: list[types.LiveServerMessage]) -> list[str]:
    return [
        p.text or ""
        for m in messages
        if m.server_content and m.server_content.model_turn
        for p in m.server_content.model_turn.parts or []
        if p.thought
    ]


async def test_extended_thinking_speaks_a_filler_then_answers_and_receive_ends_only_on_idle(sim):
    async with client_for(sim).aio.live.connect(model=EXTENDED, config=AUDIO) as session:
        await session.send_client_content(turns=types.Content(role="user", parts=[types.Part(text="What is the capital of France?")]))
        turn = await read_turn(session)  # ONE receive(): it must run through both generations
    assert turn.order.count("turnComplete") == 2
    assert turn.order.count("generationComplete") == 2
    assert statuses(turn.messages) == ["IN_PROGRESS", "IDLE"]
    # The IN_PROGRESS rides on the filler's turnComplete; IDLE on the last message receive() gave.
    first_done = next(m for m in turn.messages if m.server_content and m.server_content.turn_complete)
    assert first_done.server_content.interaction_status == types.InteractionStatus.IN_PROGRESS
    assert turn.messages[-1].server_content.interaction_status == types.InteractionStatus.IDLE
    assert turn.output_transcript.startswith("Let me think about that.")
    assert "Paris" in turn.output_transcript.split("Let me think about that.", 1)[1]
    assert turn.audio_seconds > 1.0
    assert thought_parts(turn.messages) == []  # not asked for
    usage = turn.usage
    assert usage is not None and usage.thoughts_token_count and usage.thoughts_token_count > 0
    assert usage.total_token_count == usage.prompt_token_count + usage.response_token_count + usage.thoughts_token_count


async def test_thought_parts_come_while_in_progress_and_are_not_the_answer(sim):
    config = {**AUDIO, "thinking_config": {"include_thoughts": True}}
    async with client_for(sim).aio.live.connect(model=EXTENDED, config=config) as session:
        await session.send_client_content(turns=types.Content(role="user", parts=[types.Part(text="What is the capital of Spain?")]))
        turn = await read_turn(session)
    thoughts = "".join(thought_parts(turn.messages))
    assert "capital of Spain" in thoughts
    # Between the filler's IN_PROGRESS and the answer's first audio, as background reasoning.
    kinds = []
    for m in turn.messages:
        sc = m.server_content
        if sc and sc.turn_complete:
            kinds.append("turnComplete")
        elif sc and sc.model_turn and any(p.thought for p in sc.model_turn.parts or []):
            kinds.append("thought")
        elif sc and sc.model_turn:
            kinds.append("audio")
    first_done = kinds.index("turnComplete")
    assert kinds.index("thought") > first_done
    assert kinds.index("audio", first_done) > max(i for i, k in enumerate(kinds) if k == "thought")
    # The SDK's text helper leaves thoughts out; the spoken answer never contains them.
    assert all(not (m.text or "") for m in turn.messages)
    assert "capital of Spain" not in turn.output_transcript.lower().replace("madrid", "")
    assert "Madrid" in turn.output_transcript


async def test_gemini_3_8_live_answers_in_one_generation_without_interaction_status(sim):
    async with client_for(sim).aio.live.connect(model="gemini-3.8-live", config=AUDIO) as session:
        await session.send_client_content(turns=types.Content(role="user", parts=[types.Part(text="What is the capital of Italy?")]))
        turn = await read_turn(session)
    assert turn.order.count("turnComplete") == 1
    assert statuses(turn.messages) == []
    assert "Rome" in turn.output_transcript and "think about" not in turn.output_transcript
    assert turn.usage is not None and not turn.usage.thoughts_token_count


async def test_thinking_level_model_sends_thoughts_inline_when_asked(sim):
    config = {**AUDIO, "thinking_config": {"thinking_level": "low", "include_thoughts": True}}
    async with client_for(sim).aio.live.connect(model="gemini-3.1-flash-live-preview", config=config) as session:
        await session.send_client_content(turns=types.Content(role="user", parts=[types.Part(text="What is the capital of Germany?")]))
        turn = await read_turn(session)
    assert turn.order.count("turnComplete") == 1 and statuses(turn.messages) == []
    assert "capital of Germany" in "".join(thought_parts(turn.messages))
    assert "Berlin" in turn.output_transcript
    assert turn.usage is not None and turn.usage.thoughts_token_count > 0


async def test_barge_in_during_background_reasoning_ends_the_request_idle(sim):
    # The reasoning lasts a wall-clock second however fast the output goes: room to cut in.
    async with client_for(sim).aio.live.connect(model=EXTENDED, config=AUDIO) as session:
        await session.send_client_content(turns=types.Content(role="user", parts=[types.Part(text="What is the capital of France?")]))
        seen: list[types.LiveServerMessage] = []
        async for msg in session.receive():
            seen.append(msg)
            if msg.server_content and msg.server_content.interaction_status == types.InteractionStatus.IN_PROGRESS:
                # Reasoning in the background: a new question cuts the request.
                await session.send_client_content(
                    turns=types.Content(role="user", parts=[types.Part(text="What is the capital of Japan?")])
                )
        assert statuses(seen) == ["IN_PROGRESS", "IDLE"]
        assert any(m.server_content and m.server_content.interrupted for m in seen)
        assert "Paris" not in "".join(
            m.server_content.output_transcription.text or "" for m in seen if m.server_content and m.server_content.output_transcription
        )
        nxt = await read_turn(session)
    assert "Tokyo" in nxt.output_transcript
    assert statuses(nxt.messages)[-1] == "IDLE"
