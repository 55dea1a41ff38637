"""cpu: each client's CPU, all its processes counted: full duplex, idle with the mic open, and livetui's with the mic muted.

livetui (the real command in a pty, UI included) and the quickstart-style baseline,
one after the other against one `livetui-sim` (40 ms answer chunks, sent in bursts),
on the private PulseAudio of the audio suite. CPU is user + system time of the client
process and every process under it (bench/proctree.py), per wall second: 100% is one
core. What PulseAudio spends on a client's behalf is counted for neither.

- idle, mic open: a room's hiss (-52 dBFS) in the mic, nobody talking, no answer;
- full duplex: an endless spoken answer (a tone, its transcript streaming) while
  someone talks into the mic without pause, below what the service takes for a turn
  (both clients ask for low start-of-speech sensitivity; see bench/sounds.py) and
  far above the hiss;
- idle, mic muted (livetui; the baseline cannot mute): F4, the answer stopped.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .clients import F4, Baseline, Client, Livetui
from .hearing import ANSWER_MS, LOUD, Ears, GapSummary, Heard, tone_reply
from .metrics import Metric
from .proctree import CpuWindow, cpu_window
from .simlog import SimLog, content, input_tokens_per_minute, mic_frames
from .sounds import hiss_wav, murmur_wav, talk_wav

SUITE = "cpu"
DEVICES_S = 3.0  # a gated livetui, from connected to its devices open (about 1 s here)
SETTLE_S = 2.0  # after start-up, or a change, before a window opens
IDLE_S = 12.0  # long enough that the clock tick (10 ms of CPU: 0.08% of 12 s) is not the reading
DUPLEX_S = 8.0
ENDLESS_MS = 60_000  # sent in ~15 s of bursts: the window falls while it still arrives
LOW = {"livetui": ("--vad-start-sensitivity", "low"), "baseline": ("--start-sensitivity", "low")}


@dataclass
class Measured:
    """One client's run; None where it was not measured."""

    idle: CpuWindow | None = None
    idle_tokens_per_min: float | None = None
    duplex: CpuWindow | None = None
    duplex_cut: bool = False  # the service took the talking for a turn: the line is wrong
    duplex_playing_pct: float = 0.0  # share of the window the speaker sounded (~100: it played)
    muted: CpuWindow | None = None
    muted_frames: int = 0  # mic chunks sent while muted
    heard: list[Heard] = field(default_factory=list)
    failed: str = ""  # why it could not run (a setting this build does not know, say)


def script(answers: int) -> str:
    entries = [tone_reply(f"whole {i}", ANSWER_MS[i % len(ANSWER_MS)]) for i in range(answers)]
    entries.append(tone_reply("endless", ENDLESS_MS))
    entries.append('[[reply]]\nmatch = "^stop$"\ntext = "Stopped."\ntone_ms = 200\nrepeat = true\n')
    return "\n".join(entries)


def measure(pulse: Any, client_cls: type[Livetui] | type[Baseline], workdir: Path, *,
            answers: int = 0, config: str = "", mute: bool = True) -> Measured:
    """Start the client against a simulator of its own; measure idle, `answers` whole
    answers (onset, gaps), full duplex, and (livetui) muted."""
    from livetui.testing.simproc import SimProcess

    workdir.mkdir(parents=True)
    (workdir / "script.toml").write_text(script(answers))
    hiss, talk = hiss_wav(workdir / "hiss.wav", seconds=300), talk_wav(pulse, workdir / "talk.wav", seconds=60)
    murmur = murmur_wav(workdir / "murmur.wav", seconds=300) if answers else hiss
    log = SimLog(workdir / "frames.jsonl")
    out = Measured()
    with SimProcess("--log", str(log.path), "--chunk-ms", "40", "--script", str(workdir / "script.toml")) as sim, \
            pulse.speaker_recorder() as spk:
        player = pulse.play_into_mic(hiss)
        t0 = time.monotonic()
        client: Client = client_cls(pulse.child_env(TERM="xterm-256color", **sim.exports), args=LOW[client_cls.name],
                                    config=config, workdir=workdir)
        try:
            try:
                if "silence_gate = false" in config or isinstance(client, Baseline):
                    log.wait_streaming(t0, gone=client.exited)
                else:  # the silence gate sends nothing of a hiss: connected, and the devices' moment
                    log.wait_for(lambda r: r["dir"] == "out" and "setupComplete" in r["msg"], after=t0)
                    time.sleep(DEVICES_S)
            except TimeoutError:
                out.failed = client.exited() or "it never streamed its mic"
                return out
            time.sleep(SETTLE_S)
            t = time.monotonic()
            out.idle = cpu_window(client.pid, IDLE_S)
            out.idle_tokens_per_min = input_tokens_per_minute(log.since(t, t + out.idle.seconds), out.idle.seconds)
            ears = Ears(client, log, spk)
            player = _switch(player, pulse.play_into_mic(murmur))  # the mic meter moves while they play
            out.heard = [ears.answer(f"whole {i}") for i in range(answers)]
            player = _switch(player, pulse.play_into_mic(talk))
            t = time.monotonic()
            client.say("endless")
            log.wait_for(lambda r: "modelTurn" in content(r), after=t)
            time.sleep(SETTLE_S / 2)
            t = time.monotonic()
            out.duplex = cpu_window(client.pid, DUPLEX_S)
            out.duplex_cut = any(content(r).get("interrupted") for r in log.since(t))
            spk.wait_until(t + out.duplex.seconds)
            window = spk.samples()[spk.index_at(t) : spk.index_at(t + out.duplex.seconds)]
            out.duplex_playing_pct = 100 * _sounding(window)
            player = _switch(player, pulse.play_into_mic(hiss))
            if mute and isinstance(client, Livetui):
                client.key(F4)
                t = time.monotonic()
                client.say("stop")  # a typed turn ends the endless answer
                log.wait_for(lambda r: "turnComplete" in content(r), after=t)
                time.sleep(SETTLE_S)
                t = time.monotonic()
                out.muted = cpu_window(client.pid, IDLE_S)
                out.muted_frames = len(mic_frames(log.since(t, t + out.muted.seconds)))
        finally:
            client.close()
            player.terminate()
            player.wait(timeout=10)
    return out


def _sounding(x: np.ndarray, block: int = 240) -> float:
    """The share of 10 ms blocks of `x` with the tone in them."""
    blocks = x[: len(x) // block * block].reshape(-1, block)
    return float(np.mean(np.abs(blocks.astype(np.int32)).max(axis=1) > LOUD)) if len(blocks) else 0.0


def _switch(old: Any, new: Any) -> Any:
    old.terminate()
    old.wait(timeout=10)
    return new


def run() -> list[Metric]:
    from livetui.testing.pulse import virtual_audio

    with virtual_audio() as pulse, tempfile.TemporaryDirectory(prefix="lt-bench-cpu-") as tmp:
        lt = measure(pulse, Livetui, Path(tmp) / "livetui")
        print(f"  livetui: {summary(lt)}", flush=True)
        bl = measure(pulse, Baseline, Path(tmp) / "baseline")
        print(f"  baseline: {summary(bl)}", flush=True)
    return metrics(lt, bl)


def summary(m: Measured) -> str:
    if m.failed:
        return f"could not run: {m.failed}"
    parts = [f"speaker sounding {m.duplex_playing_pct:.0f}% of the duplex window"] + [f"{name} {w.percent:.1f}% ({w.processes} processes)" for name, w in
             (("idle", m.idle), ("duplex", m.duplex), ("muted", m.muted)) if w is not None]
    if m.heard:
        g = GapSummary.of(m.heard)
        parts.append(f"{g.count} gaps in {g.answers} answers")
    return ", ".join(parts)


def pct(w: CpuWindow | None) -> float | None:
    return None if w is None else w.percent


def metrics(lt: Measured, bl: Measured) -> list[Metric]:
    def procs(w: CpuWindow | None) -> str:
        return "–" if w is None else str(w.processes)

    duplex_note = (f"{DUPLEX_S:g} s of an endless spoken answer (40 ms chunks in bursts, transcript streaming) while "
                   f"someone talks into the mic; the speaker sounded {lt.duplex_playing_pct:.0f}% / {bl.duplex_playing_pct:.0f}% "
                   f"of it; processes counted: livetui {procs(lt.duplex)}, baseline {procs(bl.duplex)}; "
                   "target: the baseline's (which has no UI), and toward 5%")
    if lt.duplex_cut or bl.duplex_cut:
        duplex_note += "; CAUTION: the service took the talking for a turn and cut the answer"
    m = [
        Metric(SUITE, "full duplex (talking over an endless answer)", "%", pct(lt.duplex), pct(bl.duplex), None,
               pct(bl.duplex), "max", duplex_note),
        Metric(SUITE, "idle, mic open", "%", pct(lt.idle), pct(bl.idle), None, 2, "max",
               f"{IDLE_S:g} s, a room's hiss in the mic, nobody talking, no answer"),
        Metric(SUITE, "idle, mic muted", "%", pct(lt.muted), None, None, 0.5, "max",
               f"{IDLE_S:g} s after F4 (mute), the answer stopped; {lt.muted_frames} mic chunks sent meanwhile; "
               "the baseline cannot mute"),
        Metric(SUITE, "input tokens per idle minute, mic open", "tokens", lt.idle_tokens_per_min, bl.idle_tokens_per_min,
               None, None, "report", "the mic audio sent while idle, at 25 tokens a second of audio (the Live API's rate)"),
    ]
    for who, r in (("livetui", lt), ("baseline", bl)):
        if r.failed:
            m.append(Metric(SUITE, f"{who} could not run", "", None, note=r.failed))
    return m
