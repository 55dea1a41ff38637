"""Text to speech: espeak-ng when present, a synthetic signal when not."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys

import numpy as np
import pytest

from livetui.sim import speech
from livetui.sim.speech import OUTPUT_RATE, espeak_voice, speakable, synthesize, synthetic_speech


CORE_VOICES = ["Puck", "Charon", "Kore", "Fenrir", "Aoede", "Leda", "Orus", "Zephyr"]
SENTENCE = "What is the weather like today?"


def seconds(pcm: bytes, rate: int = OUTPUT_RATE) -> float:
    return len(pcm) / 2 / rate


def rms_dbfs(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    return float(20 * np.log10(max(np.sqrt(np.mean(samples**2)), 1e-9) / 32768))


@pytest.fixture
def no_espeak(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)


# --- espeak-ng ------------------------------------------------------------------------


async def test_speech_is_pcm16_at_24khz_with_a_plausible_length() -> None:
    pcm24 = await synthesize(SENTENCE)
    pcm16 = await synthesize(SENTENCE, rate=16000)
    assert len(pcm24) % 2 == 0
    # The same speech at both rates: the lengths must be in the ratio of the rates.
    assert len(pcm24) / len(pcm16) == pytest.approx(24000 / 16000, rel=0.01)
    # Six words take a second or two, not a blip and not half a minute.
    assert 1.0 < seconds(pcm24) < 4.0
    assert rms_dbfs(pcm24) > -35.0  # silence would be far below
    assert pcm24 != synthetic_speech(SENTENCE)  # really espeak-ng, not the fallback


async def test_longer_text_takes_longer() -> None:
    short = await synthesize("Yes.")
    long = await synthesize("Yes. " + "The quick brown fox jumps over the lazy dog. " * 3)
    assert seconds(long) > seconds(short) + 4.0


async def test_speech_is_deterministic() -> None:
    assert await synthesize("Hello there", voice_name="Kore") == await synthesize("Hello there", voice_name="Kore")


async def test_gemini_voices_sound_different() -> None:
    puck, kore = await asyncio.gather(
        synthesize("Hello there", voice_name="Puck"), synthesize("Hello there", voice_name="Kore")
    )
    assert puck and kore and puck != kore


@pytest.mark.parametrize("text", ["-q --help", '--voices "quoted" text', "-v xx\nsecond line", "'single' -- --"])
async def test_odd_text_is_spoken_not_taken_as_options(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    argvs: list[tuple[str, ...]] = []
    real_exec = asyncio.create_subprocess_exec

    async def spy(*argv: str, **kwargs: object) -> asyncio.subprocess.Process:
        argvs.append(argv)
        return await real_exec(*argv, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(asyncio, "create_subprocess_exec", spy)
    pcm = await synthesize(text)
    assert len(argvs) == 1
    assert all(speakable(text) not in arg for arg in argvs[0])
    # Options like -q or --help would have produced no WAV, hence the fallback.
    assert pcm != synthetic_speech(text)
    assert seconds(pcm) > 0.5
    assert rms_dbfs(pcm) > -35.0


def test_every_mapped_language_is_an_installed_espeak_voice() -> None:
    listing = subprocess.run(["espeak-ng", "--voices"], capture_output=True, text=True, check=True).stdout
    installed = {line.split()[1].lower() for line in listing.splitlines()[1:] if line.split()}
    codes = ["en-US", "en-GB", "en-AU", "en-IN", "de-DE", "fr-FR", "fr-CA", "es-ES", "es-US", "it-IT", "pt-BR"]
    codes += ["ja-JP", "ko-KR", "cmn-CN", "hi-IN", "nl-NL", "pl-PL", "ru-RU", "tr-TR", "vi-VN", "ar-XA", "id-ID"]
    codes += ["th-TH", "bn-IN", "ta-IN", "te-IN", "mr-IN", "gu-IN", "kn-IN", "ml-IN", None, "xx-YY"]
    for code in codes:
        language = espeak_voice("Puck", code).split("+")[0]
        assert language in installed, code


# --- voice mapping --------------------------------------------------------------------


def test_core_voices_map_to_distinct_espeak_voices() -> None:
    voices = [espeak_voice(name, "en-US") for name in CORE_VOICES]
    assert len(set(voices)) == len(CORE_VOICES)
    assert all(v.startswith("en-us+") for v in voices)


def test_voice_names_are_case_insensitive_and_default_to_puck() -> None:
    assert espeak_voice("kore", None) == espeak_voice("Kore", None) == espeak_voice("KORE", "en-US")
    assert espeak_voice(None, None) == espeak_voice("Puck", "en-US")


def test_feminine_and_masculine_voices_get_matching_variants() -> None:
    for name in ["Kore", "Aoede", "Leda", "Zephyr", "Sulafat", "Despina"]:
        assert espeak_voice(name, None).split("+")[1].startswith("f"), name
    for name in ["Puck", "Charon", "Fenrir", "Orus", "Enceladus", "Iapetus"]:
        assert espeak_voice(name, None).split("+")[1].startswith("m"), name


def test_unknown_voices_map_deterministically() -> None:
    names = ["Nonesuch", "Bob", "Gemini", "Alloy", "Echo"]
    here = [espeak_voice(name, "de-DE") for name in names]
    assert all(voice.startswith("de+") for voice in here)
    # crc32, not hash(): the same in every process, whatever PYTHONHASHSEED is.
    script = f"from livetui.sim.speech import espeak_voice; print([espeak_voice(n, 'de-DE') for n in {names!r}])"
    elsewhere = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    ).stdout.strip()
    assert elsewhere == repr(here)


@pytest.mark.parametrize(
    ("code", "language"),
    [
        (None, "en-us"),
        ("", "en-us"),
        ("en-US", "en-us"),
        ("en_us", "en-us"),
        ("en-GB", "en-gb"),
        ("en-AU", "en-gb"),
        ("de-DE", "de"),
        ("fr-FR", "fr-fr"),
        ("fr-CA", "fr-fr"),
        ("es-ES", "es"),
        ("es-US", "es-419"),
        ("it-IT", "it"),
        ("pt-BR", "pt-br"),
        ("ja-JP", "ja"),
        ("cmn-CN", "cmn"),
        ("xx-YY", "en-us"),
        ("--help", "en-us"),
    ],
)
def test_language_codes(code: str | None, language: str) -> None:
    assert espeak_voice("Puck", code).split("+")[0] == language


# --- text and fallback ----------------------------------------------------------------


def test_speakable_strips_markdown() -> None:
    assert speakable("# Title\n**bold** and _it_ `code`\n| a | b |") == "Title bold and it code a b"
    assert speakable("snake_case") == "snake case"
    assert speakable("  \n\t ") == ""


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "**", "# | `"])
async def test_nothing_to_say_is_empty(text: str) -> None:
    assert await synthesize(text) == b""
    assert synthetic_speech(text) == b""


def test_synthetic_speech_follows_the_text() -> None:
    pcm = synthetic_speech(SENTENCE)
    assert seconds(pcm) == pytest.approx(len(SENTENCE) / 15, rel=0.02)
    assert rms_dbfs(pcm) > -30.0
    assert synthetic_speech(SENTENCE) == pcm  # deterministic
    assert seconds(synthetic_speech(SENTENCE, rate=16000), 16000) == pytest.approx(seconds(pcm), rel=0.02)
    # Syllables and pauses, not one steady tone: the level must move.
    frames = np.frombuffer(pcm, dtype="<i2").astype(np.float64)[: len(pcm) // 2 // 480 * 480].reshape(-1, 480)
    levels = np.sqrt(np.mean(frames**2, axis=1))
    assert levels.min() < 0.05 * levels.max()


@pytest.mark.usefixtures("no_espeak")
async def test_falls_back_without_espeak() -> None:
    assert not speech.has_espeak()
    pcm = await synthesize("**Hello** there")
    assert pcm == synthetic_speech("Hello there")
    assert seconds(pcm) == pytest.approx(len("Hello there") / 15, rel=0.05)


async def test_falls_back_when_has_espeak_says_no(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speech, "has_espeak", lambda: False)
    assert await synthesize("Hello there", rate=16000) == synthetic_speech("Hello there", 16000)


async def test_falls_back_when_espeak_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    # An "espeak-ng" that exits with an error and prints no WAV.
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: "/bin/false")
    assert speech.has_espeak()
    assert await synthesize("Hello there") == synthetic_speech("Hello there")
