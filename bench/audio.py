"""Audio: answer onset, gaps (also with injected stalls), barge-in, uplink and turn latency (livetui, the quickstart baseline, the floor).

Everything runs on a private PulseAudio (livetui.testing.pulse): the speaker is the
null sink `spk`, recorded from its monitor; the mic is `micfeed`'s monitor, into
which espeak-ng speech (or a murmur) is played. Both clients talk to a
`livetui-sim` process (the real SDK over TLS) whose frame log stamps every frame
with time.monotonic(), the clock the recorders map samples to, so "sent by the
server" and "heard on the speaker" line up across processes.

- livetui runs as the real command in a pseudo-terminal (UI included), with
  `--modality audio` (mic live); the baseline is bench/baseline.py. Both are told
  what to say by typed lines, and hear speech through the virtual mic.
- Answers are the simulator's scripted steady tones (bench/hearing.py), sent in
  bursts as the real service sends audio, with their words streamed as output
  transcription while a murmur is in the mic: livetui's chat, transcript pane
  and both meters move while the tone plays. Barge-in is the simulator interrupting
  its own answer (`interrupt_after_ms`, and `turn_complete_delay_ms` for the
  late-turnComplete variant), at staggered moments so that block boundaries do not
  line up.
- Stalls: livetui again, started with LIVETUI_STALL_MS (livetui/ui/lagprobe.py), which
  holds the UI's thread, or the session's loop, and the GIL for 150 ms every
  STALL_EVERY_S while the answers play.
- The floor: PortAudio straight to `spk` with 2 ms blocks, a tone started and
  stopped at known instants: what this sound path costs with no client at all.
  For the uplink, PortAudio capturing the virtual mic in 20 ms blocks, as livetui
  does, with nothing else running: how regularly the mic's blocks arrive at all.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .clients import Baseline, Livetui
from .hearing import ANSWER_MS, RATE, Ears, GapSummary, Heard, loud, tone_reply
from .metrics import Metric, median, percentile
from .simlog import MIC_RATE, TIMEOUT, SimLog, answer_chunks, chunk_bytes, content, mic_frames
from .sounds import murmur_wav

SUITE = "audio"
SPEECH = 600  # |sample| above this in the mic is speech
# Answers come as livetui-sim sends them by default, as the real service does: faster
# than real time, in bursts (0.8 s of audio back to back, about 4x real time overall).
SENT = "in bursts (livetui-sim's default)"
PHRASE = "what is the weather"

N_ANSWERS = 30  # complete answers (onset, gaps, completeness)
N_CUT = 10  # barge-ins per variant
N_SPEECH = 4  # spoken questions (uplink, turn latency)
STORY_MS = 5000  # an answer that is cut
CUT_AT_MS = 700  # the first cut, after the first chunk; later ones are staggered
# The simulator waits this long before answering, as the real model does: the first
# chunk does not land while the console is still drawing the question.
THINK_MS = 300
UNGATED = {"livetui": ("--no-silence-gate",), "baseline": ()}
# Injected stalls: how long, how often, and how many answers are played meanwhile.
STALL_MS = 150
STALL_EVERY_S = 0.7
N_STALLED = 6
STALLS = {"stall-ui": "ui", "stall-net": "net"}


# -- what one run of one client gives ---------------------------------------------


@dataclass
class Results:
    heard: list[Heard] = field(default_factory=list)
    stalled: dict[str, list[Heard]] = field(default_factory=dict)
    stalls_seen: dict[str, int] = field(default_factory=dict)  # by the UI loop's lag probe
    cut_ms: dict[str, list[float]] = field(default_factory=dict)
    cut_skipped: int = 0
    chunk_ms: list[float] = field(default_factory=list)
    jitter_ms: list[float] = field(default_factory=list)
    uplink_end_ms: list[float] = field(default_factory=list)
    turn_ms: list[float] = field(default_factory=list)
    sim_share_ms: list[float] = field(default_factory=list)

    @property
    def onset_ms(self) -> list[float]:
        return [h.onset_ms for h in self.heard]

    @property
    def complete_pct(self) -> list[float]:
        return [h.complete_pct for h in self.heard]


def stalls_seen(lag_file: Path) -> int:
    """How often the UI's loop woke up a stall late (a stall of the session's loop holds
    the GIL, so the UI's thread waits too): the stalls did happen."""
    if not lag_file.exists():
        return 0
    lags = [float(line.split()[1]) for line in lag_file.read_text().splitlines() if len(line.split()) == 2]
    return sum(1 for ms in lags if ms >= 0.9 * STALL_MS)


def answers_in(variant: str) -> int:
    return N_ANSWERS if variant == "40" else N_STALLED if variant in STALLS else 0


def script_text(variant: str, n_cut: int) -> str:
    entries = [tone_reply(f"whole {i}", ANSWER_MS[i % len(ANSWER_MS)]) for i in range(answers_in(variant))]

    def add(match: str, **keys: Any) -> None:
        body = "".join(f"{k} = {json.dumps(v)}\n" for k, v in keys.items())
        entries.append(f'[[reply]]\nmatch = "^{match}$"\ntext = "A steady tone."\n{body}')

    if variant in ("40", "200"):
        for i in range(n_cut):
            add(f"cut {i}", tone_ms=STORY_MS, interrupt_after_ms=CUT_AT_MS + 23 * i)
            if variant == "40":
                add(f"late {i}", tone_ms=STORY_MS, interrupt_after_ms=CUT_AT_MS + 23 * i, turn_complete_delay_ms=300)
    entries.append('[[reply]]\nmatch = "weather"\ntext = "It is sunny."\ntone_ms = 800\nrepeat = true\n')
    return "\n".join(entries)


class Session:
    """One client against one simulator (one chunk size), the speaker recorded.

    Variants: "40" (40 ms answer chunks: whole answers, barge-ins, late turnComplete,
    spoken questions), "200" (200 ms chunks: barge-ins), and STALLS (livetui with
    injected stalls: whole answers)."""

    def __init__(self, pulse: Any, client_cls: type[Livetui] | type[Baseline], chunk_ms: int, variant: str, workdir: Path, out: Results) -> None:
        self.pulse, self.client_cls, self.chunk_ms, self.variant, self.out = pulse, client_cls, chunk_ms, variant, out
        self.workdir = workdir / f"{client_cls.name}-{variant}"
        self.workdir.mkdir(parents=True)
        self.murmur = murmur_wav(self.workdir / "murmur.wav", seconds=300)

    def env(self, sim: Any) -> dict[str, str]:
        extra = {}
        if self.variant in STALLS:
            extra = {"LIVETUI_STALL_MS": str(STALL_MS), "LIVETUI_STALL_EVERY_S": str(STALL_EVERY_S), "LIVETUI_STALL_IN": STALLS[self.variant],
                     "LIVETUI_LOOP_LAG_FILE": str(self.workdir / "lag.txt")}
        return self.pulse.child_env(TERM="xterm-256color", **sim.exports, **extra)

    def run(self) -> None:
        from livetui.testing.simproc import SimProcess

        script = self.workdir / "script.toml"
        n_cut = N_CUT
        script.write_text(script_text(self.variant, n_cut))
        log = SimLog(self.workdir / "frames.jsonl")
        with SimProcess("--log", str(log.path), "--chunk-ms", str(self.chunk_ms),
                        "--latency-ms", str(THINK_MS), "--script", str(script)) as sim, self.pulse.speaker_recorder() as spk:
            t_start = time.monotonic()
            # Ungated, like the baseline: the readiness check and the uplink's chunk and jitter
            # figures need a mic that streams all the time (the silence gate sends no silence).
            client = self.client_cls(self.env(sim), args=UNGATED[self.client_cls.name])
            try:
                log.wait_streaming(t_start)  # the mic streams: the devices are open
                time.sleep(0.5)  # and a moment for the speaker
                self.log, self.spk, self.client = log, spk, client
                self.ears = Ears(client, log, spk)
                self.answers()
                for i in range(n_cut if self.variant in ("40", "200") else 0):
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
        if self.variant in STALLS:
            self.out.stalls_seen[self.variant] = stalls_seen(self.workdir / "lag.txt")
        if self.variant == "40":
            frames = mic_frames(log.since(t_start, t_jitter_end))
            self.out.chunk_ms += [f["size"] / 2 / MIC_RATE * 1000 for f in frames]
            if frames:
                nominal = median([f["size"] / 2 / MIC_RATE for f in frames])
                dt = np.diff([f["t"] for f in frames])
                self.out.jitter_ms += list(1000 * np.abs(dt - nominal))

    # -- one turn each ------------------------------------------------------------

    def answers(self) -> None:
        """The whole answers, with a murmur in the mic (its meter moves; no turn starts)."""
        n = answers_in(self.variant)
        if not n:
            return
        heard = self.out.heard if self.variant == "40" else self.out.stalled.setdefault(self.variant, [])
        murmur = self.pulse.play_into_mic(self.murmur)
        try:
            for i in range(n):
                heard.append(self.ears.answer(f"whole {i}"))
        finally:
            murmur.terminate()
            murmur.wait(timeout=10)

    def cut(self, prompt: str, variant: str) -> None:
        records, _ = self.ears.turn(prompt)
        cut = next((r for r in records if content(r).get("interrupted")), None)
        if cut is None:
            self.out.cut_skipped += 1
            return
        t_cut = cut["t"]
        x = self.ears.quiet_after(t_cut)
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
        x = self.ears.quiet_after(t_answer + sum(chunk_bytes(r) for r in chunks) / 2 / RATE)
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
            print(f"  {client_cls.name}: {_gaps_line(GapSummary.of(out.heard))}", flush=True)
        lt = results["livetui"]
        for variant in STALLS:
            Session(pulse, Livetui, 40, variant, Path(tmp), lt).run()
            print(f"  livetui, {variant}: {_gaps_line(GapSummary.of(lt.stalled[variant]))}", flush=True)
    return metrics(lt, results["baseline"], floor)


def _gaps_line(g: GapSummary) -> str:
    return f"{g.count} gaps in {g.answers} answers ({g.total_ms:.0f} ms; {g.where or 'none'})"


def metrics(lt: Results, bl: Results, floor: Floor) -> list[Metric]:
    m: list[Metric] = []
    how_onset = (f"sim log time of an answer's first chunk (40 ms chunks, sent {SENT}) -> first sound on spk.monitor; "
                 f"{len(lt.onset_ms)} answers")
    bl_onset = _med(bl.onset_ms)
    m.append(Metric(SUITE, "answer onset median", "ms", _med(lt.onset_ms), bl_onset, _med(floor.onset_ms),
                    None if bl_onset is None else bl_onset + 2, "max", how_onset + "; target: the baseline's + 2 ms"))
    m.append(Metric(SUITE, "answer onset max", "ms", _max(lt.onset_ms), _max(bl.onset_ms), _max(floor.onset_ms), 20, "max", how_onset))
    g, gb = GapSummary.of(lt.heard), GapSummary.of(bl.heard)
    lengths = "/".join(f"{ms / 1000:g}" for ms in ANSWER_MS)
    m.append(Metric(SUITE, f"playback gaps in {N_ANSWERS} answers", "count", float(g.count), float(gb.count), None, 0, "max",
                    f"runs of >= {2} ms of silence inside steady-tone answers ({lengths} s in turn, sent {SENT}) while the "
                    f"transcript streams and a murmur in the mic moves its meter; livetui {g.total_ms:.0f} ms in all "
                    f"({g.where or 'none'}); baseline {gb.total_ms:.0f} ms ({gb.where or 'none'})"))
    m.append(Metric(SUITE, "longest playback gap", "ms", g.longest_ms, gb.longest_ms, None, None, "report",
                    f"the longest of those holes (0: none), of {N_ANSWERS} answers each"))
    m.append(Metric(SUITE, "answer completeness (worst)", "%", min(lt.complete_pct, default=None), min(bl.complete_pct, default=None),
                    None, 100 - 0.5, "min",
                    f"tone heard / tone sent, answers not interrupted, sent {SENT} (100% within 0.5%)"))
    for variant, where in (("stall-ui", "the UI's thread"), ("stall-net", "the session's loop")):
        s = GapSummary.of(lt.stalled.get(variant, []))
        m.append(Metric(SUITE, f"gaps with {STALL_MS} ms stalls in {where}", "count", None if not s.answers else float(s.count),
                        None, None, 0, "max",
                        f"{s.answers} answers as above, {where} and the GIL held {STALL_MS} ms every {STALL_EVERY_S:g} s "
                        f"(LIVETUI_STALL_MS, ui/lagprobe.py; the UI loop's lag probe saw {lt.stalls_seen.get(variant, 0)} "
                        f"of them); {s.total_ms:.0f} ms in all; {s.where or 'no gap'}"))
    for variant in ("40 ms chunks", "200 ms chunks", "turnComplete 300 ms late"):
        a, b = lt.cut_ms.get(variant, []), bl.cut_ms.get(variant, [])
        m.append(Metric(SUITE, f"barge-in p95, {variant}", "ms", _p(a, 95), _p(b, 95), _p(floor.stop_ms, 95), 10, "max",
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
    m = [replace(x, value=_float(x.value), baseline=_float(x.baseline), floor=_float(x.floor), target=_float(x.target)) for x in m]
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
