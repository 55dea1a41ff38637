"""Voice activity detection on real (espeak-ng) speech."""

from __future__ import annotations

import math
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
import soxr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livetui.sim.vad import DBFS_FLOOR, Vad, VadConfig, VadEvent, frame_levels_dbfs

RATE = 16000
BYTES_PER_MS = RATE * 2 // 1000



def espeak(tmp: Path, text: str) -> np.ndarray:
    """``text`` spoken by espeak-ng, at 16 kHz, trimmed to where the sound is."""
    path = tmp / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), text], check=True)
    with wave.open(str(path)) as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    samples = soxr.resample(samples, rate, RATE)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 100)
    return samples[loud[0] : loud[-1] + 1]


def silence(ms: float) -> np.ndarray:
    return np.zeros(int(ms * RATE / 1000), dtype=np.int16)


def noise(ms: float, dbfs: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(ms * RATE / 1000)) * 32768 * 10 ** (dbfs / 20)).astype(np.int16)


def tone(ms: float, dbfs: float, hz: float = 300.0) -> np.ndarray:
    t = np.arange(int(ms * RATE / 1000)) / RATE
    # A sine's RMS is peak/sqrt(2).
    return (np.sin(2 * np.pi * hz * t) * 32768 * 10 ** (dbfs / 20) * math.sqrt(2)).astype(np.int16)


def pcm(*parts: np.ndarray) -> bytes:
    return np.concatenate(parts).astype("<i2").tobytes()


def ms_of(samples: np.ndarray) -> float:
    return len(samples) * 1000 / RATE


def peak_frame_dbfs(samples: np.ndarray) -> float:
    return float(frame_levels_dbfs(samples.astype("<i2").tobytes(), RATE // 50).max())


@pytest.fixture(scope="module")
def weather(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    return espeak(tmp_path_factory.mktemp("vad"), "What is the weather like today?")


@pytest.fixture(scope="module")
def hello(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    return espeak(tmp_path_factory.mktemp("vad"), "Hello")


def kinds(events: list[VadEvent]) -> list[str]:
    return [e.kind for e in events]


# --- detection on real speech -------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        VadConfig(),
        VadConfig(start_sensitivity="START_SENSITIVITY_LOW", end_sensitivity="END_SENSITIVITY_LOW"),
        VadConfig(start_sensitivity="START_SENSITIVITY_LOW", end_sensitivity="END_SENSITIVITY_HIGH"),
    ],
)
def test_speech_start_and_end_land_where_the_speech_is(weather: np.ndarray, config: VadConfig) -> None:
    lead_ms = 1000
    vad = Vad(config)
    events = vad.feed(pcm(silence(lead_ms), weather, silence(1000)))
    assert kinds(events) == ["start", "end"]
    start, end = events
    # Frames are 20 ms, and a quiet first frame may be missed at LOW.
    assert lead_ms - 20 <= start.at_ms <= lead_ms + 60
    # espeak's final consonant fades; the end must still be close to it.
    assert lead_ms + ms_of(weather) - 150 <= end.at_ms <= lead_ms + ms_of(weather) + 20
    assert not vad.in_speech


def test_start_is_reported_once_prefix_padding_has_passed(weather: np.ndarray) -> None:
    vad = Vad(VadConfig(prefix_padding_ms=200))
    stream = pcm(silence(500), weather)
    # 150 ms into the speech: not yet long enough to commit.
    assert vad.feed(stream[: (500 + 150) * BYTES_PER_MS]) == []
    assert not vad.in_speech
    events = vad.feed(stream[(500 + 150) * BYTES_PER_MS :])
    assert kinds(events) == ["start"]
    # The start is dated from where the speech began, not when it was committed.
    assert 480 <= events[0].at_ms <= 540
    assert vad.in_speech


@pytest.mark.parametrize("start", ["START_SENSITIVITY_HIGH", "START_SENSITIVITY_LOW"])
@pytest.mark.parametrize("end", ["END_SENSITIVITY_HIGH", "END_SENSITIVITY_LOW"])
def test_silence_and_low_noise_are_never_speech(start: str, end: str) -> None:
    vad = Vad(VadConfig(start_sensitivity=start, end_sensitivity=end))
    assert vad.feed(pcm(silence(2000), noise(3000, -60.0), silence(500))) == []
    assert vad.flush() == []
    assert vad.take_utterance() == b""


def test_quiet_speech_is_heard_at_high_start_sensitivity_only(weather: np.ndarray) -> None:
    # Scale the speech so that even its loudest 20 ms frame is at -36 dBFS:
    # between the LOW (-30) and HIGH (-45) start thresholds.
    gain = 10 ** ((-36.0 - peak_frame_dbfs(weather)) / 20)
    quiet = (weather * gain).astype(np.int16)
    assert -36.5 < peak_frame_dbfs(quiet) < -35.5
    stream = pcm(silence(500), quiet, silence(1000))

    high = Vad(VadConfig(start_sensitivity="START_SENSITIVITY_HIGH", end_sensitivity="END_SENSITIVITY_LOW"))
    assert kinds(high.feed(stream)) == ["start", "end"]
    low = Vad(VadConfig(start_sensitivity="START_SENSITIVITY_LOW", end_sensitivity="END_SENSITIVITY_LOW"))
    assert low.feed(stream) == []


def test_end_sensitivity_is_hysteresis(hello: np.ndarray) -> None:
    # Speech followed by a soft -52 dBFS hum: below HIGH start (-45) and HIGH
    # continuation (-49), above the LOW end continuation (-55).
    stream = pcm(silence(500), hello, tone(1500, -52.0), silence(1000))
    speech_end = 500 + ms_of(hello)

    eager = Vad(VadConfig(end_sensitivity="END_SENSITIVITY_HIGH")).feed(stream)
    assert kinds(eager) == ["start", "end"]
    assert eager[1].at_ms <= speech_end + 20

    patient = Vad(VadConfig(end_sensitivity="END_SENSITIVITY_LOW")).feed(stream)
    assert kinds(patient) == ["start", "end"]
    assert patient[1].at_ms == pytest.approx(speech_end + 1500, abs=20)


# --- timing ---------------------------------------------------------------------------


def test_word_gap_shorter_than_silence_duration_keeps_one_utterance(hello: np.ndarray) -> None:
    stream = pcm(silence(300), hello, silence(300), hello, silence(1000))
    one = Vad(VadConfig(silence_duration_ms=500)).feed(stream)
    assert kinds(one) == ["start", "end"]
    two = Vad(VadConfig(silence_duration_ms=200)).feed(stream)
    assert kinds(two) == ["start", "end", "start", "end"]
    assert two[2].at_ms == pytest.approx(300 + ms_of(hello) + 300, abs=40)


@pytest.mark.parametrize("silence_ms", [200, 500, 1200])
def test_end_is_committed_after_exactly_silence_duration(hello: np.ndarray, silence_ms: int) -> None:
    vad = Vad(VadConfig(silence_duration_ms=silence_ms))
    assert kinds(vad.feed(pcm(silence(200), hello))) == ["start"]
    # Just short of the silence duration: still speaking.
    assert vad.feed(pcm(silence(silence_ms - 40))) == []
    assert vad.in_speech
    events = vad.feed(pcm(silence(80)))
    assert kinds(events) == ["end"]
    assert not vad.in_speech


def test_flush_ends_speech_in_progress(weather: np.ndarray) -> None:
    vad = Vad()
    assert kinds(vad.feed(pcm(silence(400), weather))) == ["start"]
    events = vad.flush()
    assert kinds(events) == ["end"]
    assert events[0].at_ms == pytest.approx(400 + ms_of(weather), abs=150)
    assert not vad.in_speech
    assert len(vad.take_utterance()) >= len(weather.tobytes()) - 150 * BYTES_PER_MS
    assert vad.flush() == []


def test_flush_drops_a_start_still_inside_its_prefix_padding() -> None:
    vad = Vad(VadConfig(prefix_padding_ms=100))
    assert vad.feed(pcm(silence(200), tone(60, -20.0))) == []
    assert vad.flush() == []
    # The 60 ms before the flush must not count towards the next 100 ms.
    assert vad.feed(pcm(tone(60, -20.0))) == []
    assert kinds(vad.feed(pcm(tone(60, -20.0)))) == ["start"]


# --- the utterance --------------------------------------------------------------------


def test_utterance_runs_from_lead_in_to_just_after_the_end(weather: np.ndarray) -> None:
    stream = pcm(silence(1000), weather, silence(800))
    vad = Vad(VadConfig(prefix_padding_ms=40))
    start, end = vad.feed(stream)
    utterance = vad.take_utterance()
    # prefix padding + 100 ms before the start, 100 ms after the end.
    first = int(start.at_ms - 140) * BYTES_PER_MS
    last = int(end.at_ms + 100) * BYTES_PER_MS
    assert utterance == stream[first:last]
    assert vad.take_utterance() == b""  # cleared once taken


def test_memory_stays_bounded_while_idle(hello: np.ndarray) -> None:
    vad = Vad()
    for _ in range(60):  # a minute of silence
        vad.feed(pcm(silence(1000)))
    assert kinds(vad.feed(pcm(hello, silence(1000)))) == ["start", "end"]
    # Only the lead-in of that minute of silence is kept.
    assert len(vad.take_utterance()) < len(hello.tobytes()) + 400 * BYTES_PER_MS


def test_reset_forgets_everything(weather: np.ndarray) -> None:
    vad = Vad()
    vad.feed(pcm(silence(500), weather))
    assert vad.in_speech
    vad.reset()
    assert not vad.in_speech
    assert vad.flush() == []
    # Positions count from the reset.
    assert vad.feed(pcm(silence(200), weather))[0].at_ms == pytest.approx(200, abs=20)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(st.integers(min_value=1, max_value=7000), min_size=1, max_size=20))
def test_chunking_does_not_change_the_events(hello: np.ndarray, sizes: list[int]) -> None:
    stream = pcm(silence(300), hello, silence(250), hello, silence(600), hello, silence(100))
    whole = Vad()
    expected = whole.feed(stream) + whole.flush()
    expected_utterance = whole.take_utterance()
    assert kinds(expected) == ["start", "end", "start", "end"]

    chunked = Vad()
    events: list[VadEvent] = []
    position, i = 0, 0
    while position < len(stream):
        size = sizes[i % len(sizes)]  # odd sizes split samples in half
        events += chunked.feed(stream[position : position + size])
        position += size
        i += 1
    events += chunked.flush()
    assert events == expected
    assert chunked.take_utterance() == expected_utterance


def test_tiny_and_odd_chunks_carry_over() -> None:
    vad = Vad()
    stream = pcm(silence(100), tone(300, -20.0), silence(600))
    events = [e for byte in range(len(stream)) for e in vad.feed(stream[byte : byte + 1])]
    assert events == [VadEvent("start", 100.0), VadEvent("end", 400.0)]


def test_frame_levels() -> None:
    levels = frame_levels_dbfs(pcm(silence(20), tone(20, -20.0, hz=1000)) + b"\x01", 320)
    assert len(levels) == 2  # the odd trailing byte is not a frame
    assert levels[0] == DBFS_FLOOR
    assert levels[1] == pytest.approx(-20.0, abs=0.1)


# --- configuration --------------------------------------------------------------------


def test_defaults() -> None:
    config = VadConfig.from_setup(None)
    assert config == VadConfig()
    assert config.start_sensitivity == "START_SENSITIVITY_HIGH"
    assert config.end_sensitivity == "END_SENSITIVITY_HIGH"
    assert (config.prefix_padding_ms, config.silence_duration_ms) == (20, 500)
    assert VadConfig.from_setup({}) == VadConfig()


def test_from_setup_camel_case() -> None:
    config = VadConfig.from_setup(
        {
            "disabled": False,
            "startOfSpeechSensitivity": "START_SENSITIVITY_LOW",
            "endOfSpeechSensitivity": "END_SENSITIVITY_LOW",
            "prefixPaddingMs": 120,
            "silenceDurationMs": 900,
        }
    )
    assert config == VadConfig("START_SENSITIVITY_LOW", "END_SENSITIVITY_LOW", 120, 900)


def test_from_setup_snake_case_and_other_spellings() -> None:
    config = VadConfig.from_setup(
        {
            "start_of_speech_sensitivity": "low",
            "end_of_speech_sensitivity": 2,  # proto enum number
            "prefix_padding_ms": "60",
            "silence_duration_ms": 250.0,
        }
    )
    assert config == VadConfig("START_SENSITIVITY_LOW", "END_SENSITIVITY_LOW", 60, 250)
    assert VadConfig.from_setup({"startOfSpeechSensitivity": 1}).start_sensitivity == "START_SENSITIVITY_HIGH"


@pytest.mark.parametrize(
    "garbage",
    [None, "", "LOUD", "SENSITIVITY_LOW", -1, 0, 7, True, 3.5, [], {}, "START_SENSITIVITY_UNSPECIFIED"],
)
def test_from_setup_bad_sensitivities_fall_back(garbage: object) -> None:
    config = VadConfig.from_setup({"startOfSpeechSensitivity": garbage, "end_of_speech_sensitivity": garbage})
    assert config.start_sensitivity == "START_SENSITIVITY_HIGH"
    assert config.end_sensitivity == "END_SENSITIVITY_HIGH"


def test_from_setup_rejects_the_other_enum() -> None:
    config = VadConfig.from_setup(
        {"startOfSpeechSensitivity": "END_SENSITIVITY_LOW", "endOfSpeechSensitivity": "START_SENSITIVITY_LOW"}
    )
    assert config == VadConfig()


@pytest.mark.parametrize("garbage", [None, "", "soon", -20, True, float("nan"), float("inf"), 10**9, [], {}])
def test_from_setup_bad_durations_fall_back(garbage: object) -> None:
    config = VadConfig.from_setup(
        {"prefixPaddingMs": garbage, "silence_duration_ms": garbage, "startOfSpeechSensitivity": "LOW"}
    )
    assert (config.prefix_padding_ms, config.silence_duration_ms) == (20, 500)
    assert config.start_sensitivity == "START_SENSITIVITY_LOW"  # good values survive bad neighbours


def test_from_setup_tolerates_a_non_object() -> None:
    assert VadConfig.from_setup("nonsense") == VadConfig()  # type: ignore[arg-type]


def test_thresholds_follow_sensitivity() -> None:
    high, low = VadConfig(start_sensitivity="HIGH"), VadConfig(start_sensitivity="LOW")
    assert high.start_threshold_db < low.start_threshold_db  # HIGH hears quieter speech
    eager = VadConfig(end_sensitivity="END_SENSITIVITY_HIGH")
    patient = VadConfig(end_sensitivity="END_SENSITIVITY_LOW")
    assert eager.start_threshold_db == patient.start_threshold_db
    assert patient.continue_threshold_db < eager.continue_threshold_db < eager.start_threshold_db
    assert VadConfig(start_sensitivity="START_SENSITIVITY_UNSPECIFIED").start_threshold_db == high.start_threshold_db


@pytest.mark.parametrize(
    "kwargs",
    [{"start_sensitivity": "LOUD"}, {"end_sensitivity": "START_SENSITIVITY_LOW"}, {"prefix_padding_ms": -1}],
)
def test_direct_construction_rejects_nonsense(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        VadConfig(**kwargs)  # type: ignore[arg-type]
