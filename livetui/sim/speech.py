"""Text to speech for the simulator's AUDIO answers.

Uses the ``espeak-ng`` command-line synthesiser when it is installed: robotic,
but real speech that a recogniser (or a person) can follow. Without it the
simulator still answers with audio, using a deterministic tone-burst signal
whose rhythm follows the text.
"""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import wave
import zlib

import numpy as np
import soxr

__all__ = [
    "DEFAULT_VOICE",
    "OUTPUT_RATE",
    "espeak_voice",
    "has_espeak",
    "speakable",
    "synthesize",
    "synthetic_speech",
]

OUTPUT_RATE = 24000  # the Live API's output audio rate
DEFAULT_VOICE = "Puck"  # what the Live API speaks with when no voice is configured
_SYNTHETIC_CHARS_PER_SECOND = 15

# espeak-ng variants by apparent gender, to give each Gemini voice a matching
# character. Feminine and masculine pools are kept apart so that unknown
# voices of a known gender still sound like it.
_FEMININE = ("f1", "f2", "f3", "f4", "f5")
_MASCULINE = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8")
# The eight classic Live voices each get their own variant, so any two of
# them sound different.
_CORE_VOICES = {
    "puck": "m3",
    "charon": "m1",
    "kore": "f2",
    "fenrir": "m4",
    "aoede": "f4",
    "leda": "f5",
    "orus": "m2",
    "zephyr": "f3",
}
# The newer prebuilt voices only need the right gender; the variant within
# the pool is picked by a stable hash of the name.
_FEMININE_VOICES = frozenset(
    "callirrhoe autonoe despina erinome laomedeia achernar gacrux pulcherrima vindemiatrix sulafat".split()
)
_MASCULINE_VOICES = frozenset(
    "enceladus iapetus umbriel algieba algenib rasalgethi alnilam schedar achird zubenelgenubi "
    "sadachbia sadaltager".split()
)

# Languages espeak-ng 1.51 speaks (``espeak-ng --voices``). Kept as data
# rather than asked of espeak-ng so that the mapping is the same everywhere.
_ESPEAK_LANGUAGES = frozenset(
    """af am an ar as az ba be bg bn bpy bs ca chr-us-qaaa-x-west cmn cmn-latn-pinyin cs cv cy da de
    el en-029 en-gb en-gb-scotland en-gb-x-gbclan en-gb-x-gbcwmd en-gb-x-rp en-us en-us-nyc eo es
    es-419 et eu fa fa-latn fi fr-be fr-ch fr-fr ga gd gn grc gu hak haw he hi hr ht hu hy hyw ia id
    io is it ja jbo ka kk kl kn ko kok ku ky la lb lfn lt ltg lv mi mk ml mr ms mt my nb nci ne nl
    nog om or pa pap piqd pl pt pt-br py qdb qu quc qya ro ru ru-lv sd shn si sjn sk sl smj sq sr sv
    sw ta te th tk tn tr tt ug uk ur uz vi vi-vn-x-central vi-vn-x-south yue""".split()
)
# BCP-47 tags whose espeak-ng name differs from the tag and from its base.
_LANGUAGE_ALIASES = {
    "en": "en-us",
    "en-au": "en-gb",
    "en-in": "en-gb",
    "en-ie": "en-gb",
    "en-nz": "en-gb",
    "en-za": "en-gb",
    "es-us": "es-419",
    "es-mx": "es-419",
    "fr": "fr-fr",
    "fr-ca": "fr-fr",
    "zh": "cmn",
    "zh-cn": "cmn",
    "zh-tw": "cmn",
    "cmn-cn": "cmn",
    "cmn-tw": "cmn",
    "no": "nb",
    "iw": "he",
    "in": "id",
}
_FALLBACK_LANGUAGE = "en-us"

# Markdown that would otherwise be read out ("asterisk", "hash", ...).
_MARKDOWN = re.compile(r"[*#`|_]")
_WHITESPACE = re.compile(r"\s+")


def has_espeak() -> bool:
    """Whether the ``espeak-ng`` program is on PATH."""
    return shutil.which("espeak-ng") is not None


def speakable(text: str) -> str:
    """``text`` with Markdown symbols removed and whitespace collapsed."""
    return _WHITESPACE.sub(" ", _MARKDOWN.sub(" ", text)).strip()


def _language(language_code: str | None) -> str:
    if not language_code or not isinstance(language_code, str):
        return _FALLBACK_LANGUAGE
    tag = language_code.strip().lower().replace("_", "-")
    base = tag.split("-", 1)[0]
    for candidate in (tag, base):
        if candidate in _ESPEAK_LANGUAGES:
            return candidate
        if candidate in _LANGUAGE_ALIASES:
            return _LANGUAGE_ALIASES[candidate]
    return _FALLBACK_LANGUAGE


def _variant(voice_name: str | None) -> str:
    name = (voice_name or DEFAULT_VOICE).strip().lower() or DEFAULT_VOICE.lower()
    if name in _CORE_VOICES:
        return _CORE_VOICES[name]
    if name in _FEMININE_VOICES:
        pool = _FEMININE
    elif name in _MASCULINE_VOICES:
        pool = _MASCULINE
    else:
        pool = _FEMININE + _MASCULINE
    # crc32, not hash(): str hashes change between processes.
    return pool[zlib.crc32(name.encode()) % len(pool)]


def espeak_voice(voice_name: str | None, language_code: str | None) -> str:
    """espeak-ng ``-v`` argument (``language+variant``) for a Gemini voice."""
    return f"{_language(language_code)}+{_variant(voice_name)}"


def synthetic_speech(text: str, rate: int = OUTPUT_RATE) -> bytes:
    """Deterministic speech-like PCM16LE mono: tone bursts paced like text.

    Each character gets 1/15 s; every three characters of a word make one
    "syllable" (a windowed harmonic tone whose pitch comes from the letters),
    and spaces are pauses, so the result is about as long as the text would
    take to say.
    """
    words = speakable(text)
    slot = max(1, rate // _SYNTHETIC_CHARS_PER_SECOND)
    out = np.zeros(len(words) * slot, dtype=np.float64)
    for match in re.finditer(r"\S+", words):
        word = match.group()
        for offset in range(0, len(word), 3):
            syllable = word[offset : offset + 3]
            start = (match.start() + offset) * slot
            n = len(syllable) * slot
            pitch = 110.0 + zlib.crc32(syllable.encode()) % 110  # 110..219 Hz, voice-like
            t = np.arange(n) / rate
            tone = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in (1, 2, 3))
            out[start : start + n] = tone * np.hanning(n)
    # About -18 dBFS RMS while "speaking": clearly audible, far from clipping.
    return (out * 0.15 * 32767).astype("<i2").tobytes()


def _decode_wav(data: bytes, rate: int) -> bytes:
    """PCM16LE mono at ``rate`` from espeak-ng's WAV output."""
    with wave.open(io.BytesIO(data)) as wav:
        if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise ValueError("espeak-ng returned something other than PCM16 mono")
        source_rate = wav.getframerate()
        # When writing to a pipe espeak-ng cannot seek back to fill in the
        # sizes, so the header claims ~2**30 frames; readframes stops at EOF.
        frames = wav.readframes(wav.getnframes())
    samples = np.frombuffer(frames, dtype="<i2", count=len(frames) // 2)
    if samples.size == 0:
        raise ValueError("espeak-ng returned no audio")
    if source_rate != rate:
        samples = soxr.resample(samples, source_rate, rate)
    return samples.astype("<i2").tobytes()


async def _espeak(text: str, voice: str, rate: int) -> bytes:
    program = shutil.which("espeak-ng")
    if program is None:
        raise FileNotFoundError("espeak-ng")
    # Text goes on stdin so that text like "-v xx" can never become options;
    # -b 1 says it is UTF-8 whatever the locale.
    process = await asyncio.create_subprocess_exec(
        program,
        "--stdout",
        "-b",
        "1",
        "-v",
        voice,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        wav_bytes, _ = await process.communicate(text.encode("utf-8"))
    except BaseException:
        # Cancelled (e.g. the user barged in): don't leave espeak-ng running.
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    if process.returncode != 0:
        raise RuntimeError(f"espeak-ng exited with status {process.returncode}")
    return _decode_wav(wav_bytes, rate)


async def synthesize(
    text: str,
    *,
    voice_name: str | None = None,
    language_code: str | None = None,
    rate: int = OUTPUT_RATE,
) -> bytes:
    """Speak ``text`` as PCM16LE mono at ``rate`` Hz (b"" if nothing to say)."""
    words = speakable(text)
    if not words:
        return b""
    if has_espeak():
        try:
            return await _espeak(words, espeak_voice(voice_name, language_code), rate)
        except (OSError, RuntimeError, ValueError, EOFError, wave.Error):
            pass  # a broken espeak-ng should not silence the simulator
    return synthetic_speech(words, rate)
