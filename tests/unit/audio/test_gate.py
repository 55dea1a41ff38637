"""The silence gate on real (espeak-ng) speech, noise and silence: every word sent
whole with its onset, silence not sent, a steady noise learnt as the floor."""

from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livetui.core.audio.gate import HANG_S, WINDOW_S, SilenceGate, hang_for
from livetui.core.audio.pcm import resample

RATE = 16_000
CHUNK_MS = 20
N = RATE * CHUNK_MS // 1000  # samples a chunk
# Words whose onsets are soft (fricatives, /h/, /θ/) or that hold a pause inside.
WORDS = ("fifth", "three thousand", "hello there", "sixty six", "what is the weather", "thanks a lot")


def espeak(tmp: Path, text: str) -> np.ndarray:
    """`text` spoken by espeak-ng at 16 kHz, as float samples on the int16 scale."""
    path = tmp / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), text], check=True, capture_output=True, timeout=30)
    with wave.open(str(path)) as w:
        pcm = resample(w.readframes(w.getnframes()), w.getframerate(), RATE)
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    tmp = tmp_path_factory.mktemp("gate")
    return {word: espeak(tmp, word) for word in WORDS}


def noise(seconds: float, dbfs: float | None, seed: int = 0) -> np.ndarray:
    """White noise at an RMS of `dbfs`; None: digital silence (the virtual mic's)."""
    n = round(seconds * RATE)
    if dbfs is None:
        return np.zeros(n)
    return np.random.default_rng(seed).standard_normal(n) * 32768 * 10 ** (dbfs / 20)


def chunked(x: np.ndarray) -> list[bytes]:
    pcm = np.clip(np.rint(x), -32768, 32767).astype("<i2")
    return [pcm[i : i + N].tobytes() for i in range(0, len(pcm) - N + 1, N)]


@dataclass
class Run:
    """What the gate sent for a list of chunks, by chunk index."""

    sent: list[int] = field(default_factory=list)  # in the order sent
    ends: list[int] = field(default_factory=list)  # after which chunk fed each audioStreamEnd came
    voiced: list[bool] = field(default_factory=list)


def drive(gate: SilenceGate, chunks: list[bytes]) -> Run:
    where = {id(c): i for i, c in enumerate(chunks)}  # the gate hands back the very objects fed
    run = Run()
    for i, c in enumerate(chunks):
        out = gate.feed(c)
        run.sent += [where[id(s)] for s in out.chunks]
        run.voiced.append(out.voiced)
        if out.stream_end:
            run.ends.append(i)
    return run


def onset_and_end(word: np.ndarray) -> tuple[int, int]:
    """Where a word is sound: from its first to its last sample within 40 dB of its peak."""
    loud = np.flatnonzero(np.abs(word) >= np.abs(word).max() / 100)
    return int(loud[0]), int(loud[-1])


# (gain, noise floor): espeak's words peak near -15 dBFS; at -30 dB they would sink into the noisy room.
ROOMS = [(0, None), (-20, None), (-30, None), (0, -75.0), (-20, -75.0), (-30, -75.0), (0, -55.0), (-20, -55.0)]


@pytest.mark.parametrize(("gain_db", "floor"), ROOMS, ids=[f"{g} dB, floor {f}" for g, f in ROOMS])
@pytest.mark.parametrize("word", WORDS)
def test_a_word_is_sent_whole_from_before_its_onset(speech: dict[str, np.ndarray], word: str, gain_db: int,
                                                    floor: float | None) -> None:
    """After 6 s of the room (the floor learnt), a word starting mid-chunk: every chunk
    of it is sent, the first sent starts at least 100 ms before its onset (onsets are
    under any threshold: the pre-roll is what keeps them), then one audioStreamEnd
    after a second of silence, and nothing more."""
    said = speech[word] * 10 ** (gain_db / 20)
    start = round(6.0 * RATE) + 137  # not on a chunk boundary
    x = noise(6.0 + len(said) / RATE + 3.0, floor, seed=len(word))
    x[start : start + len(said)] += said
    chunks = chunked(x)
    run = drive(SilenceGate(CHUNK_MS), chunks)

    onset, end = onset_and_end(said)
    onset, end = start + onset, start + end
    first_chunk, last_chunk = onset // N, end // N
    assert run.sent, "the word never opened the gate"
    assert run.sent == list(range(run.sent[0], run.sent[-1] + 1)), "a hole in what was sent"
    assert (onset - run.sent[0] * N) / RATE >= 0.1, "the onset was cut, or nearly"
    assert run.sent[-1] >= last_chunk
    [end_at] = run.ends
    assert end_at == run.sent[-1]  # the stream ends with the last chunk sent
    silent_after = end_at - max(i for i, v in enumerate(run.voiced) if v)
    assert silent_after * CHUNK_MS >= HANG_S * 1000
    assert first_chunk >= run.sent[0]
    assert len(chunks) - 1 - end_at >= 1000 // CHUNK_MS  # the silence after it: a second and more, not sent


def test_pauses_between_words_shorter_than_the_hang_keep_it_open(speech: dict[str, np.ndarray]) -> None:
    def sound(word: str) -> np.ndarray:  # espeak-ng pads its words with silence: trimmed, so the pauses are 0.8 s
        onset, end = onset_and_end(speech[word])
        return speech[word][onset : end + 1]

    pause = noise(0.8, -70.0, seed=1)
    parts = [noise(6.0, -70.0), sound("hello there"), pause, sound("fifth"), pause, sound("thanks a lot"), noise(2.0, -70.0, seed=2)]
    chunks = chunked(np.concatenate(parts))
    run = drive(SilenceGate(CHUNK_MS), chunks)
    assert len(run.ends) == 1
    assert run.sent == list(range(run.sent[0], run.ends[0] + 1))


@pytest.mark.parametrize("floor", [None, -80.0, -65.0, -50.0])
def test_silence_and_a_steady_floor_send_nothing(floor: float | None) -> None:
    run = drive(SilenceGate(CHUNK_MS), chunked(noise(60.0, floor)))
    assert run.sent == [] and run.ends == []


@pytest.mark.parametrize("level", [-40.0, -30.0])
def test_a_hot_mic_is_learnt_as_the_floor(level: float) -> None:
    """Loud steady noise from the first chunk opens the gate, which closes within the
    floor's window plus the hang and stays closed."""
    chunks = chunked(noise(60.0, level))
    run = drive(SilenceGate(CHUNK_MS), chunks)
    assert len(run.ends) == 1
    assert run.ends[0] * CHUNK_MS / 1000 <= WINDOW_S + HANG_S
    assert max(run.sent) == run.ends[0]


def test_a_noise_that_starts_later_becomes_the_floor() -> None:
    x = np.concatenate([noise(10.0, -75.0), noise(50.0, -40.0, seed=3)])
    run = drive(SilenceGate(CHUNK_MS), chunked(x))
    assert len(run.ends) == 1
    assert (run.ends[0] * CHUNK_MS / 1000 - 10.0) <= WINDOW_S + HANG_S


def test_quiet_speech_in_a_quiet_room_opens_it(speech: dict[str, np.ndarray]) -> None:
    """Speech whose loudest chunk is about -50 dBFS (talking from across the room)."""
    said = speech["what is the weather"]
    said = said * 10 ** (-50 / 20) / (np.sqrt(np.mean(said**2)) / 32768)  # RMS at -50 dBFS
    chunks = chunked(np.concatenate([noise(6.0, -80.0), said, noise(2.0, -80.0, seed=1)]))
    run = drive(SilenceGate(CHUNK_MS), chunks)
    assert run.sent and len(run.ends) == 1


def test_speech_louder_than_the_floor_opens_it_in_a_noisy_room(speech: dict[str, np.ndarray]) -> None:
    """The same words over a -40 dBFS noise learnt as the floor: still heard."""
    x = np.concatenate([noise(8.0, -40.0), noise(3.0, -40.0, seed=1), noise(3.0, -40.0, seed=2)])
    x[round(8.0 * RATE) : round(8.0 * RATE) + len(speech["hello there"])] += speech["hello there"]
    run = drive(SilenceGate(CHUNK_MS), chunked(x))
    opened_after_floor = [i for i in run.sent if i * CHUNK_MS / 1000 >= 7.0]
    assert opened_after_floor and run.ends[-1] * CHUNK_MS / 1000 > 8.0


def test_reset_drops_the_preroll_and_closes() -> None:
    """What was fed before a reset (the mic muted) is never sent, and the next opening
    starts from silence again."""
    gate = SilenceGate(CHUNK_MS)
    quiet, loud = chunked(noise(0.2, -80.0)), chunked(noise(0.1, -20.0, seed=1))
    for c in quiet:
        assert gate.feed(c).chunks == []
    assert gate.feed(loud[0]).chunks == [*quiet, loud[0]]
    assert gate.open
    gate.reset()
    assert not gate.open
    after = chunked(noise(0.06, -80.0, seed=2))
    for c in after:
        assert gate.feed(c).chunks == []
    out = gate.feed(loud[1])
    assert out.chunks == [*after, loud[1]] and not out.stream_end


def test_the_preroll_and_hang_round_up_to_whole_chunks() -> None:
    gate = SilenceGate(40, hang_s=1.01, preroll_ms=300)
    assert gate.hang_chunks == 26  # 25.25 chunks of 40 ms
    x = np.clip(np.rint(noise(1.0, -80.0)), -32768, 32767).astype("<i2")
    for i in range(0, len(x), 640):
        gate.feed(x[i : i + 640].tobytes())
    out = gate.feed(b"\x00\x40" * 640)  # a loud 40 ms chunk
    assert len(out.chunks) == 8 + 1  # 300 ms is 7.5 chunks of 40 ms: 8 of them, and the loud one


def test_the_hang_outlasts_the_services_silence() -> None:
    assert hang_for(None) == HANG_S
    assert hang_for(300) == HANG_S
    assert hang_for(2000) == 2.5


# -- properties ----------------------------------------------------------------------

LEVELS = [None, -90.0, -75.0, -60.0, -45.0, -30.0, -15.0]  # None: digital silence


@settings(max_examples=200, deadline=None)
@given(
    plan=st.lists(st.tuples(st.sampled_from(LEVELS), st.integers(1, 80)), min_size=1, max_size=30),
    chunk_ms=st.sampled_from([20, 40]),
    hang_s=st.sampled_from([0.2, 1.0, 1.5]),
    preroll_ms=st.sampled_from([100, 300]),
    resets=st.sets(st.integers(0, 1500), max_size=4),
)
def test_what_is_sent_follows_the_rules(plan: list[tuple[float | None, int]], chunk_ms: int, hang_s: float,
                                         preroll_ms: int, resets: set[int]) -> None:
    """Any run of levels: the chunks sent are in order, none twice; every voiced chunk
    is sent at once with the unsent ones up to preroll_ms before it; an opening sends
    every chunk up to its audioStreamEnd, which comes only after hang_s without voice;
    nothing is sent between an audioStreamEnd and the next voiced chunk; and nothing
    fed before a reset is sent after it."""
    n = RATE * chunk_ms // 1000
    chunks: list[bytes] = []
    for k, (level, count) in enumerate(plan):
        x = noise(count * chunk_ms / 1000, level, seed=k)
        chunks += [x[i : i + n].astype("<i2").tobytes() for i in range(0, count * n, n)]
    gate = SilenceGate(chunk_ms, hang_s=hang_s, preroll_ms=preroll_ms)
    where = {id(c): i for i, c in enumerate(chunks)}
    preroll_chunks = -(-preroll_ms // chunk_ms)
    sent: list[int] = []
    last_voiced = last_reset = -1
    is_open = False
    for i, c in enumerate(chunks):
        if i in resets:
            gate.reset()
            last_reset, is_open = i, False
        out = gate.feed(c)
        now = [where[id(s)] for s in out.chunks]
        assert all(j >= last_reset for j in now)
        if out.voiced:
            unsent_before = list(range(max(last_reset, i - preroll_chunks, sent[-1] + 1 if sent else 0), i))
            assert now == ([i] if is_open else [*unsent_before, i])
            last_voiced, is_open = i, True
        elif is_open:
            assert now == [i]  # an opening sends everything up to its end
        else:
            assert now == [] and not out.stream_end  # closed: silence is not sent
        if out.stream_end:
            assert (i - last_voiced) * chunk_ms >= hang_s * 1000 - 1e-9
            is_open = False
        assert gate.open == is_open
        sent += now
    assert sent == sorted(set(sent))  # in order, none twice
