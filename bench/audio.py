"""Audio: answer onset, barge-in, completeness, uplink and turn latency (livetui, the quickstart baseline, the floor).

Everything runs on a private PulseAudio (livetui.testing.pulse): the speaker is the
null sink `spk`, recorded from its monitor; the mic is `micfeed`'s monitor, into
which espeak-ng speech is played. Both clients talk to a `livetui-sim` process
(the real SDK over TLS) whose frame log stamps every frame with time.monotonic(),
the clock the recorders map samples to, so "sent by the server" and "heard on the
speaker" line up across processes.

- livetui runs as the real command in a pseudo-terminal (UI included), with
  `--modality audio` (mic live); the baseline is bench/baseline.py. Both are told
  what to say by typed lines, and hear speech through the virtual mic.
- Answers are the simulator's scripted steady tones (script key `tone_ms`), so
  the first and last sound, and any gap, can be timed to the sample; barge-in is
  the simulator interrupting its own answer (`interrupt_after_ms`, and
  `turn_complete_delay_ms` for the late-turnComplete variant), at staggered
  moments so that block boundaries do not line up.
- The floor: PortAudio straight to `spk` with 2 ms blocks, a tone started and
  stopped at known instants: what this sound path costs with no client at all.
  For the uplink, PortAudio capturing the virtual mic in 20 ms blocks, as livetui
  does, with nothing else running: how regularly the mic's blocks arrive at all.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .metrics import Metric, median, percentile

SUITE = "audio"
RATE = 24_000  # the speaker's rate
MIC_RATE = 16_000
LOUD = 1000  # |sample| above this is the tone (-12 dBFS, peak ~8200); the null sink's silence is 0
SPEECH = 600  # |sample| above this in the mic is speech
GAP_SAMPLES = 48  # a run of 2 ms below LOUD inside a tone is a gap (a zero crossing lasts ~2 samples)
# Answers come as livetui-sim sends them by default, as the real service does: faster
# than real time, in bursts (0.8 s of audio back to back, about 4x real time overall).
SENT = "in bursts (livetui-sim's default)"
PHRASE = "what is the weather"

N_ONSET = 8  # complete answers (onset, gaps, completeness)
N_CUT = 10  # barge-ins per variant
N_SPEECH = 4  # spoken questions (uplink, turn latency)
TONE_MS = 1200  # a complete answer
STORY_MS = 5000  # an answer that is cut
CUT_AT_MS = 700  # the first cut, after the first chunk; later ones are staggered
TIMEOUT = 30.0
# The simulator waits this long before answering, as the real model does: the first
# chunk does not land while the console is still drawing the question.
THINK_MS = 300

REPO = Path(__file__).resolve().parents[1]


# -- the simulator's frame log ------------------------------------------------------


class SimLog:
    """The JSON lines of `livetui-sim --log`, read as they grow."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records: list[dict[str, Any]] = []
        self._pos = 0

    def poll(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return self.records
        with self.path.open("rb") as f:
            f.seek(self._pos)
            data = f.read()
        end = data.rfind(b"\n") + 1
        for line in data[:end].splitlines():
            self.records.append(json.loads(line))
        self._pos += end
        return self.records

    def wait_for(self, pred: Callable[[dict[str, Any]], bool], after: float, timeout: float = TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for r in self.poll():
                if r["t"] >= after and pred(r):
                    return r
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing in the simulator's log after {timeout:.0f} s")
            time.sleep(0.01)

    def since(self, t: float, until: float = math.inf) -> list[dict[str, Any]]:
        return [r for r in self.poll() if t <= r["t"] <= until]


def content(r: dict[str, Any]) -> dict[str, Any]:
    return r["msg"].get("serverContent", {}) if r["dir"] == "out" else {}


def answer_chunks(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if "modelTurn" in content(r)]


def chunk_bytes(r: dict[str, Any]) -> int:
    return sum(p.get("inlineData", {}).get("data", 0) for p in content(r)["modelTurn"].get("parts", []))


def mic_frames(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The client's realtime audio frames, each with `size` and `peak`."""
    out = []
    for r in records:
        if r["dir"] != "in":
            continue
        rt = r["msg"].get("realtime_input", r["msg"].get("realtimeInput"))
        blob = rt.get("audio") if isinstance(rt, dict) else None
        if isinstance(blob, dict) and isinstance(blob.get("data"), int):
            out.append({"t": r["t"], "size": blob["data"], "peak": blob.get("peak", 0)})
    return out


# -- the two clients ----------------------------------------------------------------


class Livetui:
    """The real `livetui` in a pty, its screen drained (and counted) by a thread."""

    name = "livetui"

    def __init__(self, env: dict[str, str]) -> None:
        from livetui.testing.pty import Console

        # Ungated, like the baseline: the readiness check and the uplink's chunk and jitter
        # figures need a mic that streams all the time (the silence gate would send nothing).
        self.console = Console(["--modality", "audio", "--no-mouse", "--no-silence-gate"], env, size=(100, 30))
        self.drawn = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        import select

        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.console.fd], [], [], 0.1)
                if ready:
                    self.drawn += len(os.read(self.console.fd, 65536))
            except OSError:
                return

    def say(self, text: str) -> None:
        self.console.send(text.encode() + b"\r")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        try:
            self.console.send(b"\x11")  # ctrl+q
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                pid, _ = os.waitpid(self.console.pid, os.WNOHANG)
                if pid:
                    os.close(self.console.fd)
                    return
                time.sleep(0.05)
        except OSError:
            pass
        self.console.kill()


class Baseline:
    """bench/baseline.py, fed lines on stdin."""

    name = "baseline"

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.baseline"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=env, cwd=REPO, text=True)

    def say(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.close()  # stdin's end: it quits
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


# -- what one run of one client gives ---------------------------------------------


@dataclass
class Results:
    onset_ms: list[float] = field(default_factory=list)
    gaps: list[int] = field(default_factory=list)
    complete_pct: list[float] = field(default_factory=list)
    cut_ms: dict[str, list[float]] = field(default_factory=dict)
    cut_skipped: int = 0
    chunk_ms: list[float] = field(default_factory=list)
    jitter_ms: list[float] = field(default_factory=list)
    uplink_end_ms: list[float] = field(default_factory=list)
    turn_ms: list[float] = field(default_factory=list)
    sim_share_ms: list[float] = field(default_factory=list)


def script_text(variant: str, n_cut: int) -> str:
    entries = []

    def add(match: str, **keys: Any) -> None:
        body = "".join(f"{k} = {json.dumps(v)}\n" for k, v in keys.items())
        entries.append(f'[[reply]]\nmatch = "^{match}$"\ntext = "A steady tone."\n{body}')

    if variant == "40":
        for i in range(N_ONSET):
            add(f"whole {i}", tone_ms=TONE_MS)
    for i in range(n_cut):
        add(f"cut {i}", tone_ms=STORY_MS, interrupt_after_ms=CUT_AT_MS + 23 * i)
        if variant == "40":
            add(f"late {i}", tone_ms=STORY_MS, interrupt_after_ms=CUT_AT_MS + 23 * i, turn_complete_delay_ms=300)
    entries.append('[[reply]]\nmatch = "weather"\ntext = "It is sunny."\ntone_ms = 800\nrepeat = true\n')
    return "\n".join(entries)


def loud(x: np.ndarray, level: int = LOUD) -> np.ndarray:
    return np.flatnonzero(np.abs(x.astype(np.int32)) > level)


def count_gaps(x: np.ndarray) -> int:
    """Runs of >= GAP_SAMPLES quiet samples between the first and last loud one."""
    idx = loud(x)
    if len(idx) < 2:
        return 0
    return int(np.count_nonzero(np.diff(idx) > GAP_SAMPLES))


class Session:
    """One client against one simulator (one chunk size), the speaker recorded."""

    def __init__(self, pulse: Any, client_cls: type[Livetui] | type[Baseline], chunk_ms: int, variant: str, workdir: Path, out: Results) -> None:
        self.pulse, self.client_cls, self.chunk_ms, self.variant, self.out = pulse, client_cls, chunk_ms, variant, out
        self.workdir = workdir / f"{client_cls.name}-{variant}"
        self.workdir.mkdir(parents=True)

    def run(self) -> None:
        from livetui.testing.simproc import SimProcess

        script = self.workdir / "script.toml"
        n_cut = N_CUT
        script.write_text(script_text(self.variant, n_cut))
        log = SimLog(self.workdir / "frames.jsonl")
        with SimProcess("--log", str(log.path), "--chunk-ms", str(self.chunk_ms),
                        "--latency-ms", str(THINK_MS), "--script", str(script)) as sim, self.pulse.speaker_recorder() as spk:
            env = self.pulse.child_env(TERM="xterm-256color", **sim.exports)
            t_start = time.monotonic()
            client = self.client_cls(env)
            try:
                # Ready: the mic streams (the devices are open), and a moment for the speaker.
                deadline = time.monotonic() + TIMEOUT
                while len(mic_frames(log.since(t_start))) < 10:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{self.client_cls.name} never streamed its mic")
                    time.sleep(0.05)
                time.sleep(0.5)
                self.log, self.spk, self.client = log, spk, client
                if self.variant == "40":
                    for i in range(N_ONSET):
                        self.whole(f"whole {i}")
                for i in range(n_cut):
                    self.cut(f"cut {i}", f"{self.chunk_ms} ms chunks")
                if self.variant == "40":
                    for i in range(n_cut):
                        self.cut(f"late {i}", "turnComplete 300 ms late")
                    # Before the speech: the simulator's recogniser holds its loop while it
                    # works, which would show as the client's jitter.
                    t_jitter_end = time.monotonic()
                    with self.pulse.speaker_recorder("micfeed.monitor", MIC_RATE) as mic:
                        for _ in range(N_SPEECH):
                            self.spoken(mic)
            finally:
                client.close()
        if self.variant == "40":
            frames = mic_frames(log.since(t_start, t_jitter_end))
            self.out.chunk_ms += [f["size"] / 2 / MIC_RATE * 1000 for f in frames]
            if frames:
                nominal = median([f["size"] / 2 / MIC_RATE for f in frames])
                dt = np.diff([f["t"] for f in frames])
                self.out.jitter_ms += list(1000 * np.abs(dt - nominal))

    # -- one turn each ------------------------------------------------------------

    def _turn(self, prompt: str) -> tuple[list[dict[str, Any]], float]:
        t0 = time.monotonic()
        self.client.say(prompt)
        done = self.log.wait_for(lambda r: "turnComplete" in content(r), after=t0)
        return self.log.since(t0, done["t"]), t0

    def _quiet_after(self, t: float, quiet_s: float = 0.3) -> np.ndarray:
        """Wait until the speaker has been silent for quiet_s after t; the samples."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            self.spk.wait_until(t + quiet_s, timeout=TIMEOUT)
            x = self.spk.samples()
            tail = x[self.spk.index_at(time.monotonic() - quiet_s):]
            if not len(loud(tail)) or time.monotonic() > deadline:
                return x
            t = time.monotonic()

    def whole(self, prompt: str) -> None:
        records, _ = self._turn(prompt)
        chunks = answer_chunks(records)
        t_first = chunks[0]["t"]
        sent_s = sum(chunk_bytes(r) for r in chunks) / 2 / RATE
        x = self._quiet_after(t_first + sent_s)
        seg_start = self.spk.index_at(t_first - 0.05)
        idx = loud(x[seg_start:])
        if not len(idx):
            self.out.onset_ms.append(math.nan)
            self.out.complete_pct.append(0.0)
            return
        first, last = seg_start + int(idx[0]), seg_start + int(idx[-1])
        self.out.onset_ms.append(1000 * (self.spk.time_of(first) - t_first))
        seg = x[first : last + 1]
        self.out.gaps.append(count_gaps(seg))
        quiet = sum(int(g) - 1 for g in np.diff(loud(seg)) if g > GAP_SAMPLES)
        heard_s = (len(seg) - quiet) / RATE
        self.out.complete_pct.append(min(100.0, 100 * heard_s / sent_s))

    def cut(self, prompt: str, variant: str) -> None:
        records, _ = self._turn(prompt)
        cut = next((r for r in records if content(r).get("interrupted")), None)
        if cut is None:
            self.out.cut_skipped += 1
            return
        t_cut = cut["t"]
        x = self._quiet_after(t_cut)
        before = x[self.spk.index_at(t_cut - 0.05) : self.spk.index_at(t_cut)]
        after = loud(x[self.spk.index_at(t_cut - 0.05) :])
        if len(loud(before)) < len(before) // 2 or not len(after):
            self.out.cut_skipped += 1  # the tone was not playing when it was cut: no measurement
            return
        last = self.spk.index_at(t_cut - 0.05) + int(after[-1])
        self.out.cut_ms.setdefault(variant, []).append(1000 * (self.spk.time_of(last) - t_cut))

    def spoken(self, mic: Any) -> None:
        t0 = time.monotonic()
        speaker = self.pulse.play_into_mic(self.pulse.say(PHRASE))
        first = self.log.wait_for(lambda r: "modelTurn" in content(r), after=t0)
        done = self.log.wait_for(lambda r: "turnComplete" in content(r), after=first["t"])
        speaker.wait(timeout=TIMEOUT)
        records = self.log.since(t0, done["t"])
        chunks = answer_chunks(records)
        t_answer = first["t"]
        x = self._quiet_after(t_answer + sum(chunk_bytes(r) for r in chunks) / 2 / RATE)
        m = mic.samples()
        speech = loud(m[mic.index_at(t0) :], SPEECH)
        said = [f for f in mic_frames(records) if f["t"] <= t_answer and f["peak"] > SPEECH]
        sound = loud(x[self.spk.index_at(t_answer - 0.05) :])
        if not len(speech) or not said or not len(sound):
            return
        t_speech_end = mic.time_of(mic.index_at(t0) + int(speech[-1]))
        t_heard = self.spk.time_of(self.spk.index_at(t_answer - 0.05) + int(sound[0]))
        self.out.uplink_end_ms.append(1000 * (said[-1]["t"] - t_speech_end))
        self.out.turn_ms.append(1000 * (t_heard - t_speech_end))
        self.out.sim_share_ms.append(1000 * (t_answer - said[-1]["t"]))


# -- the floor ------------------------------------------------------------------------


@dataclass
class Floor:
    onset_ms: list[float] = field(default_factory=list)
    stop_ms: list[float] = field(default_factory=list)
    mic_jitter_ms: list[float] = field(default_factory=list)


def measure_mic_floor(floor: Floor, seconds: float = 10.0, block_ms: int = 20) -> None:
    """PortAudio capturing the default source (the virtual mic) in block_ms blocks,
    the callback only noting the time: |interval - block| of the blocks, the jitter
    any client of this capture path starts with."""
    import pyaudio

    times: list[float] = []

    def callback(_in: bytes | None, _n: int, _info: Any, _status: int) -> tuple[None, int]:
        times.append(time.monotonic())
        return None, pyaudio.paContinue

    pa = pyaudio.PyAudio()
    try:
        stream = pa.open(format=pyaudio.paInt16, channels=1, rate=MIC_RATE, input=True,
                         frames_per_buffer=MIC_RATE * block_ms // 1000, stream_callback=callback)
        time.sleep(seconds)
        stream.stop_stream()
        stream.close()
    finally:
        pa.terminate()
    steady = times[len(times) // 10 :]  # past the stream's start
    floor.mic_jitter_ms += list(1000 * np.abs(np.diff(steady) - block_ms / 1000))


def measure_floor(pulse: Any, reps: int = 10, block: int = 48) -> Floor:
    """PortAudio straight to spk, 2 ms blocks: a stream started at t0 playing a
    tone at once (onset), stopped at t1 (stop). No network, no decoding, no queue."""
    import pyaudio

    tone = (8000 * np.sin(2 * np.pi * 440 * np.arange(RATE * 2) / RATE)).astype("<i2")
    pos = [0]

    def callback(_in: bytes | None, n: int, _info: Any, _status: int) -> tuple[bytes, int]:
        p = pos[0]
        pos[0] = p + n
        return tone[p : p + n].tobytes().ljust(2 * n, b"\0"), pyaudio.paContinue

    floor = Floor()
    pa = pyaudio.PyAudio()
    try:
        stream = pa.open(format=pyaudio.paInt16, channels=1, rate=RATE, output=True, frames_per_buffer=block,
                         stream_callback=callback, start=False)
        with pulse.speaker_recorder() as rec:
            for i in range(reps):
                time.sleep(0.15 + 0.0137 * i)
                pos[0] = 0
                t0 = time.monotonic()
                stream.start_stream()
                time.sleep(0.3 + 0.011 * i)
                t1 = time.monotonic()
                stream.stop_stream()
                rec.wait_until(t1 + 0.2)
                base = rec.index_at(t0 - 0.05)
                idx = loud(rec.samples()[base:])
                if len(idx):
                    floor.onset_ms.append(1000 * (rec.time_of(base + int(idx[0])) - t0))
                    floor.stop_ms.append(1000 * (rec.time_of(base + int(idx[-1])) - t1))
        stream.close()
    finally:
        pa.terminate()
    return floor


# -- the suite ------------------------------------------------------------------------


def _p(values: list[float], p: float) -> float | None:
    return None if not values else percentile(values, p)


def _med(values: list[float]) -> float | None:
    return None if not values else median(values)


def _max(values: list[float]) -> float | None:
    return None if not values else max(values)


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    from livetui.core.audio.quiet import quiet_stderr

    with quiet_stderr():
        yield


def run() -> list[Metric]:
    from livetui.testing.pulse import virtual_audio

    results = {"livetui": Results(), "baseline": Results()}
    keep = os.environ.get("BENCH_AUDIO_KEEP")  # a folder: keep the sims' frame logs there
    with virtual_audio() as pulse, tempfile.TemporaryDirectory(prefix="lt-bench-audio-") as tmp:
        tmp = keep or tmp
        with _quiet_stderr():
            floor = measure_floor(pulse)
            measure_mic_floor(floor)
        for client_cls in (Livetui, Baseline):
            out = results[client_cls.name]
            Session(pulse, client_cls, 40, "40", Path(tmp), out).run()
            Session(pulse, client_cls, 200, "200", Path(tmp), out).run()
    return metrics(results["livetui"], results["baseline"], floor)


def metrics(lt: Results, bl: Results, floor: Floor) -> list[Metric]:
    m: list[Metric] = []
    how_onset = (f"sim log time of an answer's first chunk (40 ms chunks, sent {SENT}) -> first sound on spk.monitor; "
                 f"{len(lt.onset_ms)} answers")
    m.append(Metric(SUITE, "answer onset median", "ms", _med(lt.onset_ms), _med(bl.onset_ms), _med(floor.onset_ms), 10, "max", how_onset))
    m.append(Metric(SUITE, "answer onset max", "ms", _max(lt.onset_ms), _max(bl.onset_ms), _max(floor.onset_ms), 20, "max", how_onset))
    m.append(Metric(SUITE, "playback gaps inside answers", "count", float(sum(lt.gaps)), float(sum(bl.gaps)), None, 0, "max",
                    f"runs of >= {GAP_SAMPLES * 1000 // RATE} ms of silence inside {len(lt.gaps)} steady-tone answers"))
    m.append(Metric(SUITE, "answer completeness (worst)", "%", min(lt.complete_pct, default=None), min(bl.complete_pct, default=None),
                    None, 100 - 0.5, "min",
                    f"tone heard / tone sent, answers not interrupted, sent {SENT} (100% within 0.5%)"))
    for variant in ("40 ms chunks", "200 ms chunks", "turnComplete 300 ms late"):
        a, b = lt.cut_ms.get(variant, []), bl.cut_ms.get(variant, [])
        m.append(Metric(SUITE, f"barge-in p95, {variant}", "ms", _p(a, 95), _p(b, 95), _p(floor.stop_ms, 95), 15, "max",
                        f"sim log time of `interrupted` (answer cut {CUT_AT_MS}+ ms in, {STORY_MS / 1000:g} s long) -> last sound on "
                        f"spk.monitor; {len(a)} cuts (median {_fmt(_med(a))}, baseline median {_fmt(_med(b))})"))
    m.append(Metric(SUITE, "uplink chunk", "ms", _med(lt.chunk_ms), _med(bl.chunk_ms), None, 20, "max",
                    "audio per realtime_input message, at the sim"))
    m.append(Metric(SUITE, "uplink jitter p95", "ms", _p(lt.jitter_ms, 95), _p(bl.jitter_ms, 95), _p(floor.mic_jitter_ms, 95), 2, "max",
                    "|inter-arrival time - chunk length| of mic chunks at the sim, over the whole full-duplex run; "
                    "the floor: of PortAudio's own 20 ms capture callbacks on the same mic, nothing else running"))
    m.append(Metric(SUITE, "end of speech -> last speech chunk at sim", "ms", _med(lt.uplink_end_ms), _med(bl.uplink_end_ms), None, 25, "max",
                    f"median of {len(lt.uplink_end_ms)}: last speech sample on micfeed.monitor -> last chunk with speech in it at the sim"))
    m.append(Metric(SUITE, "turn latency", "ms", _med(lt.turn_ms), _med(bl.turn_ms), None, None, "report",
                    "end of speech in the mic -> first answer sound on the speaker, median"))
    m.append(Metric(SUITE, "turn latency, sim's share", "ms", _med(lt.sim_share_ms), _med(bl.sim_share_ms), None, None, "report",
                    "last speech chunk at the sim -> its first answer chunk (VAD silence wait, recognition); "
                    "the rest of the turn latency is the client's"))
    lt_client = [t - s for t, s in zip(lt.turn_ms, lt.sim_share_ms)]
    bl_client = [t - s for t, s in zip(bl.turn_ms, bl.sim_share_ms)]
    m.append(Metric(SUITE, "turn latency, client's share", "ms", _med(lt_client), _med(bl_client), None, None, "report",
                    "turn latency minus the sim's share: the mic path up plus the speaker path down"))
    m = [replace(x, value=_float(x.value), baseline=_float(x.baseline), floor=_float(x.floor)) for x in m]
    skipped = lt.cut_skipped + bl.cut_skipped
    if skipped:
        m.append(Metric(SUITE, "barge-in cuts not measured", "count", float(lt.cut_skipped), float(bl.cut_skipped), None, None, "report",
                        "the tone was not playing when `interrupted` was sent"))
    return m


def _float(x: Any) -> float | None:
    return None if x is None else float(x)  # numpy's floats would make numpy's bools in Metric.passed


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}"


if __name__ == "__main__":
    from .metrics import table

    print(table(run()))
