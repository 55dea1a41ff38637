"""Resumption, compression, models, and every fault the simulator can play."""

from __future__ import annotations

import pytest
from google.genai import errors, types

from .helpers import AUDIO_OUT, MODEL, client_for, read_turn


async def ask(session, text: str):
    await session.send_realtime_input(text=text)
    return await read_turn(session)


async def next_handle(session) -> str:
    async for msg in session.receive():
        if msg.session_resumption_update:
            update = msg.session_resumption_update
            assert update.resumable
            return update.new_handle
    raise AssertionError("no sessionResumptionUpdate")


async def test_resumption_restores_the_conversation(sim):
    config = {**AUDIO_OUT, "session_resumption": {}}
    client = client_for(sim)
    async with client.aio.live.connect(model=MODEL, config=config) as session:
        await ask(session, "What is the capital of Norway?")
        handle = await next_handle(session)
    assert handle
    config = {**AUDIO_OUT, "session_resumption": {"handle": handle}}
    async with client.aio.live.connect(model=MODEL, config=config) as session:
        turn = await ask(session, "What did I ask you before?")
    assert "capital of Norway" in turn.output_transcript


async def test_no_resumption_updates_unless_asked(sim):
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await ask(session, "hello")
    assert not any("sessionResumptionUpdate" in r["msg"] for r in sim.frames.records if r["dir"] == "out")


async def test_an_unknown_handle_is_refused(sim):
    config = {**AUDIO_OUT, "session_resumption": {"handle": "no-such-handle"}}
    with pytest.raises(errors.APIError) as caught:
        async with client_for(sim).aio.live.connect(model=MODEL, config=config):
            pass
    assert caught.value.code == 1008
    assert "session not found" in str(caught.value)


async def test_sliding_window_compression_forgets_the_oldest_turns(sim):
    config = {**AUDIO_OUT, "context_window_compression": {"trigger_tokens": 40, "sliding_window": {"target_tokens": 20}}}
    async with client_for(sim).aio.live.connect(model=MODEL, config=config) as session:
        await ask(session, "My name is Bartholomew.")
        for _ in range(3):
            await ask(session, "What is the capital of Portugal?")
        turn = await ask(session, "What is my name?")
        prompt = turn.usage.prompt_token_count
    assert "Bartholomew" not in turn.output_transcript
    assert prompt <= 40 + 10


async def test_a_rejected_key(make_sim):
    sim = await make_sim(reject_keys=frozenset({"bad-key"}))
    with pytest.raises(errors.APIError) as caught:
        async with client_for(sim, api_key="bad-key").aio.live.connect(model=MODEL, config=AUDIO_OUT):
            pass
    assert caught.value.code == 1007
    assert str(caught.value) == "1007 None. API key not valid. Please pass a valid API key."
    async with client_for(sim, api_key="good-key").aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        assert "Paris" in (await ask(session, "capital of France?")).output_transcript


async def test_goaway_then_deadline(make_sim):
    sim = await make_sim(goaway_after=0.2, goaway_time_left=0.3)
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        seen = []
        with pytest.raises(errors.APIError) as caught:
            while True:
                async for msg in session.receive():
                    seen.append(msg)
    assert seen[0].go_away is not None and seen[0].go_away.time_left == "0.3s"
    assert caught.value.code == 1011
    assert "Deadline expired" in str(caught.value)


async def receive_until_it_fails(sim) -> errors.APIError:
    """Connect and read until the connection ends; the SDK's error for how it ended."""
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        with pytest.raises(errors.APIError) as caught:
            while True:
                async for _ in session.receive():
                    pass
    return caught.value


async def test_a_dropped_connection_has_no_close_frame(make_sim):
    sim = await make_sim(drop_after=0.2)
    assert (await receive_until_it_fails(sim)).code == 1006


async def test_random_drops_come_at_different_moments(make_sim):
    """--drop-random: every connection is aborted, each after its own random while."""
    sim = await make_sim(drop_random=0.05)
    for _ in range(3):
        assert (await receive_until_it_fails(sim)).code == 1006
    starts = {r["conn"]: r["t"] for r in sim.frames.records if r["dir"] == "out" and "setupComplete" in r["msg"]}
    drops = {r["conn"]: r["t"] for r in sim.frames.records if r["msg"].get("dropped")}
    assert drops.keys() == starts.keys() and len(drops) == 3
    assert len({round(drops[c] - starts[c], 4) for c in drops}) == 3


async def test_quota_after_n_sessions(make_sim):
    sim = await make_sim(quota_after=1)
    client = client_for(sim)
    async with client.aio.live.connect(model=MODEL, config=AUDIO_OUT):
        pass
    with pytest.raises(errors.APIError) as caught:
        async with client.aio.live.connect(model=MODEL, config=AUDIO_OUT):
            pass
    assert caught.value.code == 1011
    assert "quota" in str(caught.value)


async def test_latency_delays_each_answer(make_sim):
    sim = await make_sim(latency_ms=300)
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await ask(session, "hello")
    records = sim.frames.records
    asked = next(r["t"] for r in records if r["dir"] == "in" and "realtime_input" in r["msg"])
    answered = next(r["t"] for r in records if r["dir"] == "out" and "modelTurn" in r["msg"].get("serverContent", {}))
    assert answered - asked >= 0.3


async def test_system_instruction_and_config_arrive(sim):
    config = types.LiveConnectConfig(
        response_modalities=["AUDIO"],
        system_instruction="Be terse.",
        speech_config=types.SpeechConfig(
            voice_config=types.VoiceConfig(prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name="Kore")),
            language_code="en-US",
        ),
        realtime_input_config=types.RealtimeInputConfig(
            automatic_activity_detection=types.AutomaticActivityDetection(
                start_of_speech_sensitivity=types.StartSensitivity.START_SENSITIVITY_LOW,
                end_of_speech_sensitivity=types.EndSensitivity.END_SENSITIVITY_LOW,
                prefix_padding_ms=20,
                silence_duration_ms=100,
            )
        ),
    )
    async with client_for(sim).aio.live.connect(model=MODEL, config=config) as session:
        turn = await ask(session, "What is the capital of France?")
    assert turn.audio


async def test_the_server_survives_garbage(sim):
    import websockets

    url = sim.base_url.replace("https", "wss") + "/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"
    async with websockets.connect(url, ssl=sim.client_ssl_context(), additional_headers={"x-goog-api-key": "k"}) as ws:
        await ws.send("not json")
        with pytest.raises(websockets.ConnectionClosed) as caught:
            await ws.recv()
    assert caught.value.rcvd.code == 1007
    # Wrong path: an HTTP 404, not a crash.
    with pytest.raises(websockets.InvalidStatus):
        async with websockets.connect(sim.base_url.replace("https", "wss") + "/nope", ssl=sim.client_ssl_context()):
            pass
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        assert (await ask(session, "hello")).output_transcript
