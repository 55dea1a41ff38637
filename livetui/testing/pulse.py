"""A private PulseAudio with two virtual devices, for real PortAudio tests and benchmarks.

    spk        a null sink: the default speaker. Its monitor is recorded to hear what played.
    micfeed    a null sink: what is played into it is "said". Its monitor is the default mic.

The daemon is ours alone: its own runtime dir, socket and config (`-n -F`), so a
developer's own sound server is neither used nor disturbed. Clients (pactl,
paplay, parec, and PortAudio through ALSA's pulse plugin) find it through
PULSE_SERVER, which virtual_audio() puts in os.environ for the session: ALSA's
default device becomes pulse only when a server answers at PULSE_SERVER as ALSA
reads its config (/etc/alsa/conf.d/99-pulse.conf), and livetui.core.audio.discovery
starts a fresh PortAudio for every device question, so setting it before the
first audio test is enough.

Two things the obvious setup gets wrong:
- module-suspend-on-idle is not loaded: a suspended sink's monitor gives no
  frames at all, where a real mic never stops.
- An idle null sink renders in 2-second blocks, so its monitor (our mic) would
  deliver audio in 2-second bursts. A silent low-latency loopback plays into
  each sink for good, which keeps them rendering in a few milliseconds, like
  hardware with a clock.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from livetui.core.audio.rates import OUTPUT_RATE

SPEAKER_RATE = OUTPUT_RATE  # the speaker is recorded at the rate Live's answers come in
TOOLS = ("pulseaudio", "pactl", "paplay", "parec", "espeak-ng")
PACKAGES = "pulseaudio pulseaudio-utils libasound2-plugins espeak-ng"
REPO = Path(__file__).resolve().parents[2]  # the checkout: children run from here

CONFIG = """\
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-null-sink sink_name=spk sink_properties=device.description=spk
load-module module-null-sink sink_name=micfeed sink_properties=device.description=micfeed
load-module module-null-source source_name=quiet
load-module module-loopback source=quiet sink=spk latency_msec=10 source_dont_move=true sink_dont_move=true
load-module module-loopback source=quiet sink=micfeed latency_msec=10 source_dont_move=true sink_dont_move=true
set-default-sink spk
set-default-source micfeed.monitor
"""
CLIENT_VARS = ("PULSE_SERVER", "PULSE_COOKIE", "PULSE_CLIENTCONFIG", "PULSE_SINK", "PULSE_SOURCE", "PULSE_PROP")


class AudioRigError(RuntimeError):
    """The virtual devices cannot be set up; the message says what to install or what failed."""


def _missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def _has_alsa_pulse_plugin() -> bool:
    pattern = "alsa-lib/libasound_module_pcm_pulse.so"
    return any(glob.glob(f"/usr/lib*/{pattern}") + glob.glob(f"/usr/lib*/*/{pattern}"))


def _check_portaudio_reaches_pulse() -> None:
    """PortAudio's default device is ALSA's, which is pulse only if the hook in
    /etc/alsa/conf.d/99-pulse.conf found the server at PULSE_SERVER."""
    from livetui.core.audio.discovery import find_device, list_devices
    from livetui.core.audio.portaudio import AudioUnavailable

    names = [d.name for d in list_devices()]
    try:
        inp, out = find_device(None, "input"), find_device(None, "output")
    except AudioUnavailable as e:
        raise AudioRigError(f"PortAudio has no default device on the test PulseAudio ({e}); it sees {names}") from None
    if "pulse" not in names or inp.name != "default" or out.name != "default":
        raise AudioRigError(f"PortAudio's default devices do not go through ALSA's pulse plugin: it sees {names}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PulseDaemon:
    """One private pulseaudio process and the client environment that reaches it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = root / "native"
        self.log = root / "pulse.log"
        self.server = f"unix:{self.socket}"
        self.cookie = root / "cookie"
        self.client_config = root / "client.conf"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def client_env(self) -> dict[str, str]:
        """What a client needs: the server, and no autospawn or cookie writes in $HOME."""
        return {"PULSE_SERVER": self.server, "PULSE_COOKIE": str(self.cookie), "PULSE_CLIENTCONFIG": str(self.client_config)}

    def start(self, timeout: float = 10.0) -> PulseDaemon:
        home, runtime = self.root / "home", self.root / "runtime"
        home.mkdir(parents=True, exist_ok=True)
        runtime.mkdir(mode=0o700, exist_ok=True)
        (self.root / "default.pa").write_text(CONFIG.format(socket=self.socket))
        self.client_config.write_text("autospawn = no\n")
        self.cookie.write_bytes(os.urandom(256))
        env = {k: v for k, v in os.environ.items() if k not in CLIENT_VARS}
        # The daemon writes its cookie and state under HOME and XDG dirs: keep them here.
        env.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime), XDG_CONFIG_HOME=str(home / ".config"),
                   PULSE_RUNTIME_PATH=str(runtime), PULSE_STATE_PATH=str(self.root / "state"))
        args = ["pulseaudio", "-n", "-F", str(self.root / "default.pa"), "--daemonize=no", "--exit-idle-time=-1",
                "--use-pid-file=no", "--system=no", f"--log-target=file:{self.log}"]
        # As root pulseaudio warns that it should not run as root, and works.
        self._proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self._fail(f"pulseaudio exited with status {self._proc.returncode}")
            if self.pactl_ok("info"):
                return self
            time.sleep(0.05)  # polling a daemon's socket: there is nothing to wait on
        self._fail(f"pulseaudio did not answer within {timeout:.0f} s")
        return self

    def _fail(self, why: str) -> None:
        log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else "(no log)"
        self.stop()
        raise AudioRigError(f"{why}; its log ends:\n{log}")

    def pactl_ok(self, *args: str) -> bool:
        return subprocess.run(["pactl", *args], env={**os.environ, **self.client_env}, capture_output=True, timeout=10, check=False).returncode == 0

    def pactl(self, *args: str) -> str:
        done = subprocess.run(["pactl", *args], env={**os.environ, **self.client_env}, capture_output=True, text=True, timeout=10, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def kill(self) -> None:
        """Die at once, as a sound server does when a laptop's lid closes."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGKILL)
            self._proc.wait(timeout=10)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)


class Recorder:
    """parec on a monitor, in the background, keeping when each read arrived, so
    a sample's index maps to a time.monotonic() value (see time_of)."""

    def __init__(self, source: str = "spk.monitor", rate: int = SPEAKER_RATE) -> None:
        self.source, self.rate = source, rate
        self._buf = bytearray()
        self._offset = float("inf")  # monotonic time of sample 0, best estimate so far
        self._cond = threading.Condition()
        # 10 ms fragments: each read's arrival time is then within ~10 ms of the audio.
        args = ["parec", "-d", source, f"--rate={rate}", "--channels=1", "--format=s16le", "--raw", "--latency-msec=10"]
        self._proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._thread = threading.Thread(target=self._read, name=f"parec {source}", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        while block := os.read(fd, 65536):
            now = time.monotonic()
            with self._cond:
                self._buf += block
                # The last sample of this read was recorded at `now` at the latest;
                # the read that came soonest after its audio gives the tightest bound.
                self._offset = min(self._offset, now - (len(self._buf) // 2) / self.rate)
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    @property
    def n_samples(self) -> int:
        with self._cond:
            return len(self._buf) // 2

    def samples(self) -> np.ndarray:
        with self._cond:
            return np.frombuffer(bytes(self._buf[: len(self._buf) // 2 * 2]), dtype="<i2")

    def data(self) -> bytes:
        return self.samples().tobytes()

    def time_of(self, index: int) -> float:
        """The monotonic time at which sample `index` reached the monitor (a close
        upper bound: it includes the fastest delivery by parec, a few ms)."""
        return self._offset + index / self.rate

    def index_at(self, t: float) -> int:
        return max(0, round((t - self._offset) * self.rate))

    def wait_samples(self, n: int, timeout: float = 10.0) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._buf) // 2 >= n or self._proc.poll() is not None, timeout):
                raise TimeoutError(f"{self.source}: {len(self._buf) // 2} of {n} samples after {timeout} s")
            if len(self._buf) // 2 < n:
                raise RuntimeError(f"parec on {self.source} exited with status {self._proc.returncode}")

    def wait_until(self, t: float, timeout: float = 10.0) -> None:
        """Wait until the recording covers monotonic time `t`."""
        self.wait_samples(1, timeout)
        self.wait_samples(self.index_at(t) + 1, timeout)

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
        self._proc.wait(timeout=5)
        self._thread.join(timeout=5)


class Pulse:
    """What the audio tests get: the daemon, and ways to speak into the mic and
    hear the speaker."""

    def __init__(self, daemon: PulseDaemon, workdir: Path) -> None:
        self.daemon = daemon
        self.workdir = workdir
        self._speech: dict[tuple[str, str], Path] = {}

    repo = REPO

    @property
    def client_env(self) -> dict[str, str]:
        return self.daemon.client_env

    def run_python(self, code: str, env: dict[str, str], *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Run `code` in a fresh interpreter (so its own PortAudio) with exactly `env`."""
        return subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False)

    def pactl(self, *args: str) -> str:
        return self.daemon.pactl(*args)

    def child_env(self, **overrides: str) -> dict[str, str]:
        """A clean environment for a child process: PATH, a private HOME, the
        pulse client variables, then `overrides`."""
        home = self.workdir / "child-home"
        home.mkdir(exist_ok=True)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
        env.update(self.client_env)
        env.update(overrides)
        return env

    def say(self, text: str, voice: str = "en-us") -> Path:
        """`text` spoken by espeak-ng, as a WAV file (22.05 kHz mono)."""
        key = (text, voice)
        if key not in self._speech:
            path = self.workdir / f"speech-{len(self._speech)}.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-w", str(path), text], check=True, capture_output=True, timeout=30)
            self._speech[key] = path
        return self._speech[key]

    def play_into_mic(self, path: Path) -> subprocess.Popen[bytes]:
        """Start "saying" a WAV file into the virtual mic; wait on the Popen."""
        return subprocess.Popen(["paplay", "-d", "micfeed", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    @contextmanager
    def speaker_recorder(self, source: str = "spk.monitor", rate: int = SPEAKER_RATE) -> Iterator[Recorder]:
        """Record the speaker in the background; yields once audio is flowing."""
        recorder = Recorder(source, rate)
        try:
            recorder.wait_samples(1, timeout=10)
            yield recorder
        finally:
            recorder.stop()

    def record_speaker(self, seconds: float, timeout: float = 30.0) -> bytes:
        """PCM16 mono 24 kHz from the speaker: the next `seconds` of it."""
        with self.speaker_recorder() as recorder:
            recorder.wait_samples(recorder.n_samples + round(seconds * recorder.rate), timeout)
            return recorder.data()

    @contextmanager
    def tcp_server(self) -> Iterator[str]:
        """The daemon also listening on 127.0.0.1 over TCP, as a laptop's sound
        server reached through `ssh -R`; yields the PULSE_SERVER value to use."""
        for _ in range(5):
            port = free_port()
            try:
                index = self.pactl("load-module", "module-native-protocol-tcp", f"port={port}", "listen=127.0.0.1", "auth-anonymous=1").strip()
                break
            except RuntimeError:  # the port was taken between free_port() and now
                continue
        else:
            raise RuntimeError("could not load module-native-protocol-tcp on any port")
        try:
            yield f"tcp:127.0.0.1:{port}"
        finally:
            self.pactl("unload-module", index)

    @contextmanager
    def another_daemon(self) -> Iterator[PulseDaemon]:
        """A second, separate private daemon (same devices), stopped afterwards."""
        root = Path(tempfile.mkdtemp(prefix="lt-pulse-", dir=self.workdir))
        daemon = PulseDaemon(root).start()
        try:
            yield daemon
        finally:
            daemon.stop()


def _wait_until_smooth(monitor: str, deadline: float) -> None:
    """Wait until `monitor` delivers audio in small steps, not 2-second bursts: the
    null sinks switch to the loopback's latency at their first wake-up."""
    recorder = Recorder(monitor)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{monitor} still delivers audio in bursts")
            recorder.wait_samples(recorder.n_samples + 1, remaining)
            try:
                # 50 ms of audio within 300 ms: a sink in 2-second blocks cannot do that.
                recorder.wait_samples(recorder.n_samples + SPEAKER_RATE // 20, 0.3)
                return
            except TimeoutError:
                continue
    finally:
        recorder.stop()


@contextmanager
def virtual_audio() -> Iterator[Pulse]:
    """Start the private daemon, point this process at it (os.environ), wait until
    both monitors flow smoothly; undo it all afterwards."""
    missing = _missing_tools()
    if missing:
        pipewire = " (on a PipeWire machine it leaves out the pulseaudio server: see the README)" if "pulseaudio" in missing else ""
        raise AudioRigError(f"the virtual audio devices need {', '.join(missing)}: run `make test` (it installs them{pipewire}) "
                            f"or apt-get install {PACKAGES}")
    if not _has_alsa_pulse_plugin():
        raise AudioRigError("ALSA's pulse plugin is missing, so PortAudio cannot reach PulseAudio: "
                            "apt-get install libasound2-plugins (or run `make test`)")
    # Short path: a unix socket path must fit in 108 bytes.
    workdir = Path(tempfile.mkdtemp(prefix="lt-audio-"))
    daemon = PulseDaemon(workdir / "pulse")
    saved = {k: os.environ.get(k) for k in CLIENT_VARS}
    try:
        daemon.start()
        for name in CLIENT_VARS:
            os.environ.pop(name, None)  # a developer's PULSE_SINK must not redirect the tests
        os.environ.update(daemon.client_env)
        _check_portaudio_reaches_pulse()
        deadline = time.monotonic() + 15
        for monitor in ("spk.monitor", "micfeed.monitor"):
            _wait_until_smooth(monitor, deadline)
        yield Pulse(daemon, workdir)
    finally:
        daemon.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(workdir, ignore_errors=True)
