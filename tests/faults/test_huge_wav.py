"""`/wav` of a huge file: the real console streams it from disk with flat memory, shows
its progress, and Escape or a new `/wav` stops it, the turn closed and the sending over.

The file is sparse (a header, then `truncate` to 200 MB of zeros): it costs no disk, and a
console that read it whole would grow by hundreds of MB before sending anything.
"""

from __future__ import annotations

import json
import re
import struct
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

from livetui.testing.pty import Console
from livetui.testing.simproc import SimProcess

from .helpers import console_env, foreign_sequences

SIZE = 200 * 1024 * 1024
RATE, CHANNELS = 44100, 2  # converted on the way: a mix-down and a resampling per block
TOTAL = "19:48"  # (SIZE - 44) bytes of 16-bit stereo at 44.1 kHz
GROWTH_KB = 40 * 1024  # what a few seconds of streaming may add to the console's memory
STOPPED = re.compile(rb"stopped sending huge\.wav at (\d+):(\d\d)")


def sparse_wav(path: Path) -> Path:
    block = CHANNELS * 2
    fmt = struct.pack("<HHIIHH", 1, CHANNELS, RATE, RATE * block, block, 16)
    head = b"RIFF" + struct.pack("<I", SIZE - 8) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
    with open(path, "wb") as out:
        out.write(head + b"data" + struct.pack("<I", SIZE - 44))
        out.truncate(SIZE)
    return path


def rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1))


def until_shown(console: Console, condition: Callable[[list[str]], bool], what: str, timeout: float = 10) -> None:
    """Read what the console draws until `condition(rows on screen)` holds."""
    deadline = time.monotonic() + timeout
    while not condition(console.text().splitlines()):
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {what}; the screen:\n{console.text()}")
        console.read_once(0.2)


def sent_audio(log: Path) -> list[str]:
    """What the console sent, in order: 'audio' for each chunk, 'end' for audioStreamEnd,
    'text' for a typed turn."""
    sent = []
    for line in log.read_text().splitlines():
        record = json.loads(line)
        msg = record["msg"] if record["dir"] == "in" else {}
        realtime = msg.get("realtimeInput") or msg.get("realtime_input") or {}
        if "audio" in realtime:
            sent.append("audio")
        if realtime.get("audioStreamEnd") or realtime.get("audio_stream_end"):
            sent.append("end")
        if "text" in realtime or "clientContent" in msg or "client_content" in msg:
            sent.append("text")
    return sent


def test_a_200_mb_wav_streams_with_flat_memory_and_escape_stops_it(tmp_path: Path) -> None:
    huge = sparse_wav(tmp_path / "huge.wav")
    log = tmp_path / "frames.jsonl"
    with SimProcess("--log", str(log)) as sim:
        console = Console(["--no-mic"], console_env(tmp_path, sim))
        try:
            console.expect(b"connected")
            before = rss_kb(console.pid)
            console.send(f"/wav {huge}\r".encode())
            peak = before
            for second in range(1, 4):  # the status bar counts the seconds sent, out of the file's length
                console.expect(f"sending huge.wav 0:0{second} / {TOTAL}".encode(), timeout=15)
                peak = max(peak, rss_kb(console.pid))
            console.mark()
            console.send(b"\x1b")  # Escape
            console.expect(b"stopped sending huge.wav at 0:0", timeout=15)
            until_shown(console, lambda rows: "sending huge.wav" not in rows[0], "the progress gone from the status bar")
            console.send(b"What is the capital of France?\r")  # goes after whatever was sent
            console.expect(b"Paris")
            status = console.quit(timeout=30)
        finally:
            if console.status is None:
                console.kill()
    assert status == 0
    assert peak - before < GROWTH_KB, f"the console grew by {(peak - before) // 1024} MB while streaming"
    minutes, seconds = map(int, STOPPED.search(bytes(console.screen)).groups())
    sent = sent_audio(log)
    chunks = sent.count("audio")
    assert chunks // 50 == minutes * 60 + seconds >= 3  # 20 ms chunks: as many as the message says
    assert sent == ["audio"] * chunks + ["end", "text"]  # the turn closed; nothing sent after the stop
    assert foreign_sequences(bytes(console.screen)) == []
    assert b"Traceback" not in console.screen


def test_a_new_wav_stops_the_one_being_sent(tmp_path: Path) -> None:
    huge = sparse_wav(tmp_path / "huge.wav")
    short = tmp_path / "beep.wav"
    with wave.open(str(short), "wb") as w:  # half a second of a tone, at 16 kHz mono
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.sin(np.arange(8000) * 2 * np.pi * 440 / 16000) * 8000).astype("<i2").tobytes())
    log = tmp_path / "frames.jsonl"
    with SimProcess("--log", str(log)) as sim:
        console = Console(["--no-mic"], console_env(tmp_path, sim))
        try:
            console.expect(b"connected")
            console.send(f"/wav {huge}\r".encode())
            console.expect(f"sending huge.wav 0:01 / {TOTAL}".encode(), timeout=15)
            console.send(f"/wav {short}\r".encode())
            console.expect(b"stopped sending huge.wav at 0:0", timeout=15)
            console.expect(b"sent beep.wav (0.5 s of audio)", timeout=15)
            status = console.quit(timeout=30)
        finally:
            if console.status is None:
                console.kill()
    assert status == 0
    sent = [item for item in sent_audio(log) if item != "text"]
    first_end = sent.index("end")
    assert first_end >= 50 and set(sent[:first_end]) == {"audio"}  # a second or more of the huge file, then its end
    assert sent[first_end + 1 :] == ["audio"] * 25 + ["end"]  # then all of the short one, and its own end
