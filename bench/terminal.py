"""terminal: bytes written to the terminal, CPU, event-loop lag, start-up and exit of the real console.

Everything here runs the installed `livetui` command in a pseudo-terminal
(livetui.testing.pty.Console) against one `livetui-sim` process, with the
private PulseAudio of the audio tests as its sound devices, and counts what
a user's terminal (or an SSH link) would carry:

- bandwidth: every byte the console writes to the pty, in each situation, at
  80x24 and 120x40;
- "visibly advances": the bytes fed to a terminal emulator (pyte) as they
  arrived; a moment is counted when the chat pane's text on screen changed;
- CPU: user+system seconds per wall second of the console and every process under
  it (bench/proctree.py); the cpu suite compares it with the baseline's;
- event-loop lag: the console's own probe (LIVETUI_LOOP_LAG_FILE, see
  livetui/ui/app.py), sampled every 10 ms while it talks and streams;
- start-up: command start → first frame, → "connected" drawn;
- exit: ctrl+q while an audio answer plays and the mic is live, repeated.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from livetui.testing.pty import Console
from livetui.testing.simproc import SimProcess, clean_env

from .metrics import Metric, median, percentile
from .proctree import tree_cpu_seconds
from .sounds import hiss_wav

SIZES = ((80, 24), (120, 40))
IDLE_S = 4.0
TALK_S = 8.0
STREAM_S = 8.0
TEXT_RATE = 30  # tokens a second, as the issue asks
FRAMES = "frames.jsonl"  # livetui-sim's frame log, in the run's folder
EXITS = 50
CTRL_Q = b"\x11"

# What the terminal must be told on the way out (any of the spellings Textual uses).
RESTORED = {
    "alternate screen left": (b"\x1b[?1049l",),
    "cursor shown": (b"\x1b[?25h",),
    "mouse tracking off": (b"\x1b[?1000l", b"\x1b[?1003l"),
    "bracketed paste off": (b"\x1b[?2004l",),
}


def long_markdown(sections: int = 12) -> str:
    """A long answer with what Markdown answers contain: headings, prose, lists, code, tables."""
    out = ["# A long answer\n"]
    for i in range(1, sections + 1):
        out.append(f"## Part {i}: streaming without repainting\n")
        out.append(
            f"Paragraph {i} explains, at some length, why a terminal console should write only what changed. "
            "Every byte crosses the link, and a slow link shows each wasted repaint as lag. "
            "**Finished blocks** stay put; only the *growing tail* is drawn again, with `inline code` now and then.\n"
        )
        out.append("- the first point, short\n- a second point that runs on a little longer than the first one\n"
                   f"- point three of part {i}\n")
        if i % 3 == 0:
            out.append(f"```python\ndef part_{i}(x: int) -> int:\n    return x * {i}  # a code block\n```\n")
        if i % 4 == 0:
            out.append("| setting | bytes | note |\n|---|---|---|\n| default | many | repaint all |\n| tuned | few | tail only |\n")
    return "\n".join(out)


SPOKEN = ("Here is a spoken answer that goes on for a while. " "It has several sentences, so the speaker keeps playing. "
          "Meanwhile the transcript grows word by word on the right. " "The level meter moves with the voice. "
          "And the microphone stays open the whole time, as in a real full duplex call. "
          "That is what this measurement is about. " "One more sentence to keep it going. " "And a last one to finish.")


def sim_parts_per_second(frames: Path) -> float:
    """How many text messages (text parts, or an audio answer's transcript) a second
    livetui-sim sent while the long answer streamed, read from its frame log (--log):
    the most times the chat can change. Measured from outside (bench never imports the
    simulator), so it is what the sim really sent, not what its code would compute."""
    sent: dict[int, list[float]] = {}
    for line in frames.read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # the line being written
        content = (record["msg"].get("serverContent") or {}) if record["dir"] == "out" else {}
        parts = (content.get("modelTurn") or {}).get("parts") or []
        spoken = (content.get("outputTranscription") or {}).get("text")  # an audio answer's words
        if spoken or any("text" in part and not part.get("thought") for part in parts):
            sent.setdefault(record["conn"], []).append(record["t"])
    times = max(sent.values(), key=len, default=[])  # the connection that streamed it
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0


def write_script(folder: Path) -> Path:
    (folder / "long.md").write_text(long_markdown())
    script = folder / "script.toml"
    script.write_text(
        '[[reply]]\nmatch = "stream"\ntext_file = "long.md"\nrepeat = true\n\n'
        f'[[reply]]\ntext = "{SPOKEN}"\nrepeat = true\n'
    )
    return script


# --- measuring ---------------------------------------------------------------------------


@dataclass
class Window:
    seconds: float
    nbytes: int
    cpu: float  # CPU seconds of the console process in the window
    data: bytes

    @property
    def bytes_per_s(self) -> float:
        return self.nbytes / self.seconds

    @property
    def cpu_share(self) -> float:
        return self.cpu / self.seconds


def window(console: Console, seconds: float) -> Window:
    c0, t0 = tree_cpu_seconds(console.pid), time.monotonic()
    data = console.read_for(seconds)
    elapsed = time.monotonic() - t0
    return Window(elapsed, len(data), tree_cpu_seconds(console.pid) - c0, data)


def visible_changes(console: Console, start: int, end: int, size: tuple[int, int], region: tuple[int, int, int, int]) -> list[float]:
    """Moments (monotonic) when the text in `region` (x0, y0, x1, y1) changed, replaying the
    bytes from offset `start` to `end` into a terminal emulator as they arrived. Reads
    closer than 5 ms are one moment (a frame split across reads)."""
    import pyte

    cols, rows = size
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    stream.feed(bytes(console.screen[:start]))
    x0, y0, x1, y1 = region

    def text() -> str:
        return "\n".join(screen.display[y][x0:x1] for y in range(y0, y1))

    last, moments, offset = text(), [], start
    reads = [(t, n) for t, n in console.reads if start < n <= end]
    i = 0
    while i < len(reads):
        t, n = reads[i]
        while i + 1 < len(reads) and reads[i + 1][0] - t < 0.005:
            i += 1
            n = reads[i][1]
        stream.feed(bytes(console.screen[offset:n]))
        offset = n
        now = text()
        if now != last:
            moments.append(t)
            last = now
        i += 1
    return moments


# --- the rig -----------------------------------------------------------------------------


class Rig:
    def __init__(self, tmp: Path, sim: SimProcess, pulse) -> None:
        self.tmp, self.sim, self.pulse = tmp, sim, pulse
        self.n = 0

    def env(self, **extra: str) -> dict[str, str]:
        self.n += 1
        home = self.tmp / f"run{self.n}"
        base = self.pulse.child_env() if self.pulse is not None else clean_env()
        base = {k: v for k, v in base.items() if not k.startswith(("GOOGLE_", "GEMINI_"))}
        base.update(self.sim.exports)
        base.update(
            HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
            XDG_CONFIG_HOME=str(home / "config"), TERM="xterm-256color", COLORTERM="truecolor",
        )
        base.update(extra)
        return base

    @contextmanager
    def console(self, args: list[str], size: tuple[int, int] = (80, 24), **env: str) -> Iterator[Console]:
        console = Console(args, self.env(**env), size=size)
        try:
            console.expect(b"connected")
            yield console
        finally:
            if console.status is None:
                console.quit(timeout=10)

    def lag_file(self) -> Path:
        return self.tmp / f"lag{self.n + 1}.txt"


def lag_samples(path: Path, t0: float, t1: float) -> list[float]:
    """The console's loop-lag samples (ms) taken between t0 and t1."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        t, _, ms = line.partition(" ")
        try:
            if t0 <= float(t) <= t1:
                out.append(float(ms))
        except ValueError:
            continue
    return out


def settle(console: Console, quiet: float = 0.5, limit: float = 5.0) -> None:
    """Read until it has drawn nothing for `quiet` seconds (start-up frames over), at most `limit`."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not console.read_for(quiet):
            return


def chat_region(size: tuple[int, int]) -> tuple[int, int, int, int]:
    cols, rows = size
    return (0, 1, cols - 32, rows - 3)  # left of the sidebar, between the status bar and the prompt


def stream_answer(console: Console, size: tuple[int, int], seconds: float) -> tuple[Window, float]:
    """Ask for the long Markdown answer; measure while it streams. Returns the window
    and how many times a second the chat's visible text changed."""
    console.send(b"stream it")
    console.expect(b"stream it")
    console.mark()
    console.send(b"\r")
    console.expect(b"A long answer")
    start = len(console.screen)
    w = window(console, seconds)
    moments = visible_changes(console, start, len(console.screen), size, chat_region(size))
    return w, len(moments) / w.seconds


def say(rig: Rig, console: Console, seconds: float) -> Window:
    """Speak into the mic; measure while the answer (audio and transcript) plays."""
    speech = rig.pulse.say("What is the weather like today")
    player = rig.pulse.play_into_mic(speech)
    try:
        return window(console, seconds)
    finally:
        player.wait(timeout=30)


def mouse_moves(console: Console, size: tuple[int, int], seconds: float, rate: float = 30.0) -> tuple[Window, int]:
    """Sweep the pointer over the screen as a terminal reports it (SGR mouse, any-event
    tracking); returns what the console wrote back, and the bytes the reports took upstream."""
    cols, rows = size
    c0, t0 = tree_cpu_seconds(console.pid), time.monotonic()
    start, sent, i = len(console.screen), 0, 0
    while time.monotonic() - t0 < seconds:
        x, y = 1 + (i * 3) % cols, 1 + (i // 7) % rows
        report = f"\x1b[<35;{x};{y}M".encode()
        console.send(report)
        sent += len(report)
        i += 1
        console.read_for(max(0.0, t0 + i / rate - time.monotonic()))
    elapsed = time.monotonic() - t0
    data = bytes(console.screen[start:])
    return Window(elapsed, len(data), tree_cpu_seconds(console.pid) - c0, data), sent


def restored(tail: bytes) -> list[str]:
    """What the console failed to undo on its way out (empty: the terminal is as it was)."""
    return [what for what, spellings in RESTORED.items() if not any(s in tail for s in spellings)]


# --- the suite ---------------------------------------------------------------------------


def run() -> list[Metric]:
    from livetui.testing.pulse import virtual_audio

    with tempfile.TemporaryDirectory(prefix="lt-bench-term-") as tmpdir, virtual_audio() as pulse:
        tmp = Path(tmpdir)
        script = write_script(tmp)
        noise = hiss_wav(tmp / "noise.wav")
        with SimProcess("--text-rate", str(TEXT_RATE), "--script", str(script), "--log", str(tmp / FRAMES)) as sim:
            rig = Rig(tmp, sim, pulse)
            hiss = pulse.play_into_mic(noise)  # for the whole suite: the mic is never digitally silent
            try:
                return _measure(rig)
            finally:
                hiss.terminate()
                hiss.wait(timeout=10)


def _measure(rig: Rig) -> list[Metric]:
    M: list[Metric] = []
    S = "terminal"
    small, large = SIZES

    # start-up: command start → first frame (the prompt drawn), → "connected" drawn
    first, connected = [], []
    for _ in range(3):
        console = Console(["--no-mic"], rig.env(), size=small)
        try:
            console.expect(b" Quit")  # the footer: part of the first full frame
            first.append(console.reads[-1][0] - console.started)
            console.expect(b"connected")
            connected.append(console.reads[-1][0] - console.started)
        finally:
            console.quit(timeout=10)
    M.append(Metric(S, "start-up: first frame (median of 3)", "s", median(first), target=0.8, goal="max",
                    note="command start → the first frame (the footer drawn), 80x24, text, no mic"))
    M.append(Metric(S, "start-up: session connected (median of 3)", "s", median(connected), target=1.2, goal="max",
                    note="command start → 'connected' drawn (session open with livetui-sim)"))
    print(f"  start-up {first} {connected}", flush=True)

    # text consoles: idle, then a long Markdown answer streaming
    lag: list[float] = []
    for size in SIZES:
        tag = f"{size[0]}x{size[1]}"
        with rig.console(["--no-mic"], size) as console:
            settle(console)
            idle = window(console, IDLE_S)
            mouse, upstream = mouse_moves(console, size, 3.0) if size == small else (None, 0)
            settle(console)
            w, advances = stream_answer(console, size, STREAM_S)
        M.append(Metric(S, f"idle, input focused, {tag}", "B/s", idle.bytes_per_s, target=0, goal="max",
                        note=f"{IDLE_S:g} s after start-up settled"))
        if size == small:
            M.append(Metric(S, "idle CPU, text, no mic", "%", idle.cpu_share * 100, goal="report"))
        M.append(Metric(S, f"streaming Markdown at {TEXT_RATE} tok/s, {tag}", "KB/s", w.bytes_per_s / 1000,
                        target=15 if size == small else None, goal="max" if size == small else "report",
                        note=f"{STREAM_S:g} s of a long answer (headings, lists, code, tables)"))
        if size == small:
            M.append(Metric(S, "streaming: chat visibly advances", "per s", advances, target=8, goal="min",
                            note="moments the chat pane's text changed on a terminal emulator (pyte) fed the bytes; "
                                 f"the simulator sends only {sim_parts_per_second(rig.tmp / FRAMES):.1f} text parts/s at {TEXT_RATE} tok/s"))
            M.append(Metric(S, "streaming CPU", "%", w.cpu_share * 100, target=25, goal="max"))
            M.append(Metric(S, "mouse moving, tracking on (default)", "B/s", mouse.bytes_per_s, goal="report",
                            note=f"30 pointer reports/s over the screen: bytes drawn back; the reports themselves "
                                 f"are {upstream / mouse.seconds:.0f} B/s upstream. --no-mouse: 0 both ways"))
        print(f"  text {tag}: idle {idle.bytes_per_s:.0f} B/s, stream {w.bytes_per_s:.0f} B/s "
              f"cpu {w.cpu_share:.0%} advances {advances:.1f}/s", flush=True)

    # audio consoles, mic live with a room's hiss: idle, then talking (both meters, transcripts)
    for size in SIZES:
        tag = f"{size[0]}x{size[1]}"
        lag_file = rig.lag_file()
        with rig.console(["--modality", "audio", "--mic"], size, LIVETUI_LOOP_LAG_FILE=str(lag_file)) as console:
            console.expect(b"mic live")
            settle(console, limit=3)
            idle = window(console, IDLE_S)
            t0 = time.monotonic()
            talk = say(rig, console, TALK_S)
            lag += lag_samples(lag_file, t0, time.monotonic())
            if size == small:  # the same, answering in text: full duplex mic + streaming
                console.send(b"\x14")  # ctrl+t
                console.mark()
                console.expect(b"text answers")  # the divider: today's model switches in place
                settle(console, limit=2)
                t0 = time.monotonic()
                w, _ = stream_answer(console, size, STREAM_S)
                time.sleep(1.1)  # the probe writes once a second
                lag += lag_samples(lag_file, t0, time.monotonic())
        if size == small:
            M.append(Metric(S, "idle CPU, mic open", "%", idle.cpu_share * 100, goal="report",
                            note="audio session, mic live on a room's hiss (-52 dBFS), nobody talking; "
                                 "against the baseline, with its target: the cpu suite"))
            M.append(Metric(S, "idle, mic open, 80x24", "B/s", idle.bytes_per_s, goal="report",
                            note="the mic meter follows the hiss"))
            M.append(Metric(S, "spoken turn CPU, UI included", "%", talk.cpu_share * 100, goal="report",
                            note=f"{TALK_S:g} s: a spoken question, then the spoken answer, mic live throughout; "
                                 "full duplex against the baseline, with its target: the cpu suite"))
        M.append(Metric(S, f"talking, {tag}", "KB/s", talk.bytes_per_s / 1000, target=2.5 if size == small else 4.0,
                        goal="max", note="both meters and both live transcripts moving"))
        print(f"  audio {tag}: idle {idle.bytes_per_s:.0f} B/s cpu {idle.cpu_share:.1%}, "
              f"talk {talk.bytes_per_s:.0f} B/s cpu {talk.cpu_share:.1%}", flush=True)
    M.append(Metric(S, "event-loop lag p99, talk + streaming", "ms", percentile(lag, 99), target=20, goal="max",
                    note=f"{len(lag)} samples of a 10 ms sleep's lateness (LIVETUI_LOOP_LAG_FILE), "
                         f"max {max(lag, default=float('nan')):.0f} ms"))

    # what the slow-link settings buy: a frame-rate cap; and Textual's own writer for comparison
    for label, env in (("frame rate capped (TEXTUAL_FPS=15)", {"TEXTUAL_FPS": "15"}),
                       ("Textual's own writer (LIVETUI_FULL_REPAINT=1)", {"LIVETUI_FULL_REPAINT": "1"})):
        with rig.console(["--no-mic"], small, **env) as console:
            settle(console)
            w, advances = stream_answer(console, small, STREAM_S)
        M.append(Metric(S, f"streaming 80x24, {label}", "KB/s", w.bytes_per_s / 1000, goal="report",
                        note=f"visibly advances {advances:.1f}/s, CPU {w.cpu_share:.0%}"))
        print(f"  {label}: {w.bytes_per_s:.0f} B/s, {advances:.1f}/s", flush=True)

    M.append(_exits(rig, EXITS))
    return M


def _exits(rig: Rig, n: int = EXITS) -> Metric:
    """ctrl+q while a spoken answer plays and the mic is live: status 0 and the terminal restored."""
    clean, problems = 0, []
    for i in range(n):
        console = Console(["--modality", "audio", "--mic"], rig.env(), size=(80, 24))
        why = ""
        try:
            console.expect(b"connected", timeout=20)
            console.send(b"hello")
            console.expect(b"hello")
            console.send(b"\r")
            console.expect(b"Here is", timeout=20)  # the answer's transcript: it is playing
            console.mark()
            status = console.quit(timeout=10)
            tail = bytes(console.screen[console._mark:])
            missing = restored(tail)
            if status != 0:
                why = f"status {status}"
            elif missing:
                why = "not restored: " + ", ".join(missing)
            elif b"Traceback" in console.screen or b"Error" in tail:
                why = "an error on the screen"
        except AssertionError as exc:
            why = str(exc)[:120]
        finally:
            if console.status is None:
                console.kill()
        if why:
            problems.append(f"#{i}: {why}")
        else:
            clean += 1
    note = f"ctrl+q during a spoken answer with the mic live, {n} times"
    if problems:
        note += "; " + "; ".join(problems[:3])
    return Metric("terminal", f"clean exits during full-duplex talk (of {n})", "count", clean, target=n, goal="min", note=note)
