"""Text turns: the real SDK against the simulator.

Today's models answer a typed turn in speech, with its transcript as the text; TEXT
answers come only from the retired 2025 models, served with `retired_models=True`.
"""

from __future__ import annotations

import pytest
from google.genai import types

from .helpers import AUDIO_OUT, MODEL, RETIRED_MODEL, client_for, read_turn

TEXT = {"response_modalities": ["TEXT"]}


@pytest.fixture
async def retired_sim(make_sim):
    return await make_sim(retired_models=True)


async def test_setup_complete_comes_first_and_is_empty(sim):
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        assert session.session_id is None  # the real service sends setupComplete {}
    out = [r["msg"] for r in sim.frames.records if r["dir"] == "out"]
    assert out[0] == {"setupComplete": {}}
    connect, first_in = [r["msg"] for r in sim.frames.records if r["dir"] == "in"][:2]
    assert list(connect) == ["connect"] and \
        connect["connect"]["path"].endswith("GenerativeService.BidiGenerateContent")
    assert first_in["setup"]["model"] == f"models/{MODEL}"  # the client's first frame


async def test_a_text_question_gets_a_checkable_streamed_answer(retired_sim):
    async with client_for(retired_sim).aio.live.connect(model=RETIRED_MODEL, config=TEXT) as session:
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "What is the capital of France?"}]})
        turn = await read_turn(session)
    assert "Paris" in turn.text
    assert turn.order.count("text") >= 2, "a text answer streams in several parts"
    assert turn.order[-2:] == ["generationComplete", "turnComplete"]
    assert not turn.audio


async def test_usage_counts_what_passed(retired_sim):
    question = "What is the capital of Japan?"
    async with client_for(retired_sim).aio.live.connect(model=RETIRED_MODEL, config=TEXT) as session:
        await session.send_client_content(turns={"role": "user", "parts": [{"text": question}]})
        first = await read_turn(session)
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "And of Italy?"}]})
        second = await read_turn(session)
    u = first.usage
    assert u is not None
    assert u.response_token_count == -(-len(first.text) // 4)  # about 4 characters a token
    assert u.prompt_token_count == -(-len(question) // 4)
    assert u.total_token_count == u.prompt_token_count + u.response_token_count
    assert [(d.modality, d.token_count) for d in u.response_tokens_details] == [
        (types.MediaModality.TEXT, u.response_token_count)
    ]
    # The second turn's prompt is the whole context so far.
    assert "Rome" in second.text
    assert second.usage.prompt_token_count > u.total_token_count


async def test_turn_complete_false_only_adds_context(sim):
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await session.send_client_content(
            turns=[
                {"role": "user", "parts": [{"text": "What is the capital of France?"}]},
                {"role": "model", "parts": [{"text": "Paris"}]},
            ],
            turn_complete=False,
        )
        await session.send_client_content(turns=[{"role": "user", "parts": [{"text": "What did I ask you before?"}]}])
        turn = await read_turn(session)
    assert "capital of France" in turn.output_transcript
    answers = [r for r in sim.frames.records if r["dir"] == "out" and "turnComplete" in r["msg"].get("serverContent", {})]
    assert len(answers) == 1, "turnComplete=false must not be answered"


async def test_realtime_text_is_a_user_turn(sim):
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await session.send_realtime_input(text="What is the capital of Germany?")
        turn = await read_turn(session)
    assert "Berlin" in turn.output_transcript


async def test_legacy_send_with_snake_case_keys_is_understood(sim):
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await session.send(input="What is the capital of Spain?", end_of_turn=True)
        turn = await read_turn(session)
    assert "Madrid" in turn.output_transcript
    sent = [r["msg"] for r in sim.frames.records if r["dir"] == "in" and "client_content" in r["msg"]]
    assert "turn_complete" in sent[0]["client_content"], "the SDK really sent snake_case"


async def test_it_remembers_earlier_turns(sim):
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await session.send_realtime_input(text="My name is Ada.")
        await read_turn(session)
        await session.send_realtime_input(text="What is my name?")
        turn = await read_turn(session)
    assert "Ada" in turn.output_transcript


async def test_text_frames_are_camel_case_and_small(retired_sim):
    sim = retired_sim
    async with client_for(sim).aio.live.connect(model=RETIRED_MODEL, config=TEXT) as session:
        await session.send_realtime_input(text="Tell me a long story in markdown")
        turn = await read_turn(session)
    assert len(turn.text) > 1000
    for record in sim.frames.records:
        if record["dir"] == "out":
            assert all("_" not in key for key in record["msg"]), record["msg"]
