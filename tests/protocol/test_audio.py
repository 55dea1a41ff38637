"""Audio in and out: real speech from espeak-ng, recognised by pocketsphinx in the sim."""

from __future__ import annotations

import asyncio

import numpy as np
from google.genai import types

from .helpers import AUDIO_OUT, MODEL, chunks, client_for, read_turn, rms_dbfs, silence, speech_pcm

PCM16K = "audio/pcm;rate=16000"


async def test_audio_answer_is_paced_24khz_speech_with_its_transcript(make_sim):
    sim = await make_sim(chunk_ms=40)
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "What is the capital of France?"}]})
        turn = await read_turn(session)
    assert "Paris" in turn.output_transcript
    assert not turn.text, "AUDIO modality carries text only in transcriptions"
    assert 1.0 < turn.audio_seconds < 6.0
    assert rms_dbfs(turn.audio) > -35, "the answer is audible speech, not silence"
    sizes = [r["msg"]["serverContent"]["modelTurn"]["parts"][0]["inlineData"]["data"]
             for r in sim.frames.records if r["dir"] == "out" and "modelTurn" in r["msg"].get("serverContent", {})]
    assert max(sizes) == 24000 * 2 * 40 // 1000, "40 ms chunks"
    assert turn.order[-2:] == ["generationComplete", "turnComplete"]
    assert turn.order.index("outputTranscription") > turn.order.index("audio")
    u = turn.usage
    assert u.response_tokens_details[0].modality == types.MediaModality.AUDIO
    assert u.response_token_count == round(25 * turn.audio_seconds), "native audio: about 25 tokens a second"
    assert sum(d.token_count for d in u.response_tokens_details) == u.response_token_count
    assert sum(d.token_count for d in u.prompt_tokens_details) == u.prompt_token_count
    assert u.total_token_count == u.prompt_token_count + u.response_token_count
    assert u.thoughts_token_count is None and u.tool_use_prompt_token_count is None, "sent only when there are any"


async def test_speed_1_paces_audio_at_real_time(make_sim):
    sim = await make_sim(speed=1.0, chunk_ms=100)
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "Hello"}]})
        turn = await read_turn(session)
    times = [r["t"] for r in sim.frames.records if r["dir"] == "out" and "modelTurn" in r["msg"].get("serverContent", {})]
    # The last chunk leaves no earlier than the audio before it would take to play.
    assert times[-1] - times[0] >= turn.audio_seconds - 0.1 - 0.05


async def test_by_default_audio_comes_faster_than_real_time_in_bursts(make_sim, tmp_path):
    """As the service generates it: 0.8 s of audio back to back, the next burst 0.2 s
    later (4x real time overall), never one chunk per chunk-length."""
    script = tmp_path / "tone.toml"
    script.write_text('[[reply]]\ntext = "A tone."\ntone_ms = 4000\n')
    sim = await make_sim(speed=None, chunk_ms=40, script=script)
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "Hello"}]})
        turn = await read_turn(session)
    assert turn.audio_seconds == 4.0
    times = np.array([r["t"] for r in sim.frames.records if r["dir"] == "out" and "modelTurn" in r["msg"].get("serverContent", {})])
    assert len(times) == 100
    bursts = times.reshape(5, 20)  # 20 chunks of 40 ms a burst
    assert (bursts[:, -1] - bursts[:, 0] < 0.1).all(), "a burst's chunks leave back to back"
    gaps = bursts[1:, 0] - bursts[:-1, 0]
    assert ((gaps > 0.15) & (gaps < 0.35)).all(), f"a burst every 0.2 s, not {gaps}"
    assert times[-1] - times[0] < turn.audio_seconds / 2, "faster than real time"


async def test_speech_with_automatic_vad_is_recognised_and_answered(sim):
    config = {**AUDIO_OUT, "input_audio_transcription": {}}
    audio = speech_pcm("what is the weather", tail_ms=800)
    async with client_for(sim).aio.live.connect(model=MODEL, config=config) as session:
        for chunk in chunks(audio, 20):
            await session.send_realtime_input(audio=types.Blob(data=chunk, mime_type=PCM16K))
        turn = await read_turn(session)
    assert turn.input_transcript == "what is the weather"
    assert turn.order.index("inputTranscription") < turn.order.index("audio")
    assert "weather" in turn.output_transcript.lower()
    u = turn.usage
    assert [d.modality for d in u.prompt_tokens_details] == [types.MediaModality.AUDIO]
    # The question's audio, counted at 25 tokens a second: about its spoken length.
    spoken = len(audio) / 2 / 16000
    assert 0.5 * 25 * spoken < u.prompt_token_count <= 25 * spoken


async def test_audio_that_stops_arriving_ends_the_turn(sim):
    """The guide sends a whole file at once, with no audioStreamEnd: it still gets an answer."""
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await session.send_realtime_input(audio=types.Blob(data=speech_pcm("what is the weather"), mime_type=PCM16K))
        turn = await read_turn(session)
    assert turn.audio and turn.output_transcript


async def test_audio_stream_end_closes_the_turn_at_once(make_sim):
    sim = await make_sim()
    config = {
        **AUDIO_OUT,
        "realtime_input_config": {"automatic_activity_detection": {"silence_duration_ms": 10_000}},
    }
    async with client_for(sim).aio.live.connect(model=MODEL, config=config) as session:
        await session.send_realtime_input(audio=types.Blob(data=speech_pcm("hello there"), mime_type=PCM16K))
        await session.send_realtime_input(audio_stream_end=True)
        turn = await asyncio.wait_for(read_turn(session), 5)  # far less than the 10 s silence
    assert turn.output_transcript


async def test_silence_and_noise_are_not_a_turn(sim):
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        for chunk in chunks(silence(1500), 20):
            await session.send_realtime_input(audio=types.Blob(data=chunk, mime_type=PCM16K))
        await session.send_realtime_input(audio_stream_end=True)
        await session.send_realtime_input(text="What is the capital of Canada?")
        turn = await read_turn(session)
    assert "Ottawa" in turn.output_transcript, "the first answer is to the text, not to silence"


async def test_manual_activity_delimits_the_turn_when_vad_is_disabled(sim):
    config = {**AUDIO_OUT, "input_audio_transcription": {},
              "realtime_input_config": {"automatic_activity_detection": {"disabled": True}}}
    async with client_for(sim).aio.live.connect(model=MODEL, config=config) as session:
        await session.send_realtime_input(activity_start=types.ActivityStart())
        # Long silence inside the activity must not end it: VAD is off.
        await session.send_realtime_input(audio=types.Blob(data=speech_pcm("what is the weather", tail_ms=1500), mime_type=PCM16K))
        await asyncio.sleep(0)  # let the frame go
        assert not any("serverContent" in r["msg"] for r in sim.frames.records if r["dir"] == "out")
        await session.send_realtime_input(activity_end=types.ActivityEnd())
        turn = await read_turn(session)
    assert "weather" in turn.input_transcript


async def test_24khz_input_is_resampled(sim):
    config = {**AUDIO_OUT, "input_audio_transcription": {}}
    audio = speech_pcm("what is the weather", rate=24000, tail_ms=800)
    async with client_for(sim).aio.live.connect(model=MODEL, config=config) as session:
        for chunk in chunks(audio, 20, rate=24000):
            await session.send_realtime_input(audio=types.Blob(data=chunk, mime_type="audio/pcm;rate=24000"))
        turn = await read_turn(session)
    assert "weather" in turn.input_transcript


async def test_speech_interrupts_the_answer_being_sent(make_sim):
    sim = await make_sim(speed=1.0, chunk_ms=40)
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await session.send_realtime_input(text="Tell me a story")
        first_audio = asyncio.Event()
        answer = asyncio.create_task(read_turn(session, on_audio=first_audio))
        await first_audio.wait()
        for chunk in chunks(speech_pcm("stop please"), 20):
            await session.send_realtime_input(audio=types.Blob(data=chunk, mime_type=PCM16K))
        turn = await asyncio.wait_for(answer, 10)
    assert turn.interrupted
    assert turn.order[-2:] == ["interrupted", "turnComplete"]
    assert "generationComplete" not in turn.order
    assert turn.audio_seconds < 3, "the story was cut short"
    assert turn.usage.response_token_count == round(25 * turn.audio_seconds)


async def test_speech_interrupts_an_answer_that_would_still_be_playing(make_sim):
    """Sent faster than real time, the answer is all out but not yet all heard."""
    sim = await make_sim(speed=20.0)
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await session.send_realtime_input(text="Tell me a story")
        turn = await read_turn(session)
        assert turn.audio_seconds > 5 and not turn.interrupted
        for chunk in chunks(speech_pcm("wait"), 20):
            await session.send_realtime_input(audio=types.Blob(data=chunk, mime_type=PCM16K))
        late = await read_turn(session)
    assert late.order[0] == "interrupted"


async def test_no_interruption_lets_the_answer_finish(make_sim):
    sim = await make_sim(speed=1.0)
    config = {**AUDIO_OUT, "realtime_input_config": {"activity_handling": "NO_INTERRUPTION"}}
    async with client_for(sim).aio.live.connect(model=MODEL, config=config) as session:
        await session.send_realtime_input(text="What is the capital of France?")
        first_audio = asyncio.Event()
        answer = asyncio.create_task(read_turn(session, on_audio=first_audio))
        await first_audio.wait()
        for chunk in chunks(speech_pcm("what is the weather", tail_ms=800), 20):
            await session.send_realtime_input(audio=types.Blob(data=chunk, mime_type=PCM16K))
        first = await asyncio.wait_for(answer, 20)
        second = await asyncio.wait_for(read_turn(session), 20)
    assert not first.interrupted and first.generation_complete
    assert "Paris" in first.output_transcript
    assert second.audio, "the speech is answered after the first answer"


async def test_a_script_can_interrupt_its_own_tone_answer_and_delay_turn_complete(make_sim, tmp_path):
    """The benchmarks' barge-in: a scripted answer of a steady tone is cut
    `interrupt_after_ms` after its first chunk (interrupted, as user speech would
    cause), and turnComplete follows `turn_complete_delay_ms` later."""
    script = tmp_path / "bench.toml"
    script.write_text('[[reply]]\nmatch = "story"\ntext = "Once upon a time there was a tone."\n'
                      'tone_ms = 5000\ninterrupt_after_ms = 400\nturn_complete_delay_ms = 300\n\n'
                      '[[reply]]\nmatch = "short"\ntext = "Short."\ntone_ms = 700\n')
    sim = await make_sim(speed=1.0, chunk_ms=40, script=script)
    async with client_for(sim).aio.live.connect(model=MODEL, config=AUDIO_OUT) as session:
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "Tell me a story"}]})
        story = await read_turn(session)
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "Something short"}]})
        short = await read_turn(session)

    assert story.interrupted and "interrupted" in story.order
    assert story.order.index("interrupted") < story.order.index("turnComplete")
    assert 0.2 < story.audio_seconds < 1.0, "cut after about 400 ms of paced audio, not the whole 5 s"
    out = [r for r in sim.frames.records if r["dir"] == "out" and "serverContent" in r["msg"]]
    first_chunk = next(r["t"] for r in out if "modelTurn" in r["msg"]["serverContent"])
    cut = next(r["t"] for r in out if "interrupted" in r["msg"]["serverContent"])
    done = next(r["t"] for r in out if "turnComplete" in r["msg"]["serverContent"])
    assert 0.35 < cut - first_chunk < 0.6
    assert done - cut >= 0.3

    # The tone is steady and loud in every 10 ms window, and the short answer is whole.
    assert not short.interrupted and short.audio_seconds == 0.7
    x = np.frombuffer(short.audio, dtype="<i2").astype(float).reshape(-1, 240)
    assert (np.sqrt((x**2).mean(axis=1)) > 3000).all()


async def test_the_consoles_mic_chunks_are_the_sdks_messages_and_are_heard(sim):
    """livetui's LiveSession writes each mic chunk itself (core/audioframes.py), not through
    the SDK's per-chunk path: every frame it sends is the SDK's own text for that chunk,
    byte for byte, and the simulator hears the speech in them."""
    from google.genai import live

    from livetui.core.events import InputTranscript
    from livetui.core.live import LiveSession
    from livetui.core.settings import Settings

    client = client_for(sim)
    audio = speech_pcm("what is the weather", tail_ms=800)
    async with LiveSession(client, Settings(modality="AUDIO", model=MODEL)) as session:
        ws = session._session._ws
        sent: list[str] = []
        send = ws.send

        async def keep(message, *args, **kwargs):
            sent.append(message)
            return await send(message, *args, **kwargs)

        ws.send = keep
        for chunk in chunks(audio, 20):
            await session.send_audio(chunk, 16000)
        heard = ""
        async for event in session.events():
            if isinstance(event, InputTranscript):
                heard += event.text
                if event.finished or heard.strip() == "what is the weather":
                    break
    assert heard.strip() == "what is the weather"
    assert len(sent) == len(chunks(audio, 20))
    assert session._audio_frames[PCM16K].ready, "written by the console, not by the SDK"

    class Catch:
        async def send(self, message):
            expected.append(message)

    expected: list[str] = []
    sdk = live.AsyncSession(api_client=client._api_client, websocket=Catch())
    for chunk in chunks(audio, 20):
        await sdk.send_realtime_input(audio=types.Blob(data=chunk, mime_type=PCM16K))
    assert sent == expected
    frames = [r for r in sim.frames.records if r["dir"] == "in" and "audio" in r["msg"].get("realtime_input", {})]
    assert len(frames) == len(sent) and frames[0]["msg"]["realtime_input"]["audio"]["mime_type"] == PCM16K
