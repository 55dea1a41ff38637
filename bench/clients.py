"""The two clients the audio benchmarks drive, as a user runs them: the real `livetui`
command in a pseudo-terminal (UI included) and the quickstart-style bench/baseline.py."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
F4 = b"\x1bOS"  # livetui's mute key, as a terminal sends it


class Livetui:
    """`livetui --modality audio` in a pty, its screen drained (and kept) by a thread.
    `config` is written to a config file it is started with (`[audio] chunk_ms = 40`, ...)."""

    name = "livetui"

    def __init__(self, env: dict[str, str], args: tuple[str, ...] = (), config: str = "", workdir: Path | None = None) -> None:
        from livetui.testing.pty import Console

        argv = ["--modality", "audio", "--no-mouse", *args]
        if config:
            assert workdir is not None
            path = workdir / "config.toml"
            path.write_text(config)
            argv += ["--config", str(path)]
        self.console = Console(argv, env, size=(100, 30))
        self.screen = bytearray()
        self._stop = threading.Event()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    @property
    def pid(self) -> int:
        return self.console.pid

    def _drain(self) -> None:
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([self.console.fd], [], [], 0.1)
                if ready:
                    data = os.read(self.console.fd, 65536)
                    if not data:
                        break
                    self.screen += data
        except OSError:
            pass
        self._closed.set()

    @property
    def drawn(self) -> int:
        return len(self.screen)

    def exited(self) -> str | None:
        """None while it runs; else why it stopped: the end of what it drew (a config error, say)."""
        if not self._closed.is_set():
            return None
        text = bytes(self.screen[-600:]).decode(errors="replace")
        return " ".join(text.replace("\x1b", " ").split())[-300:] or "exited"

    def wait_drawn(self, needle: bytes, after: int = 0, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.screen[after:]:
            if self.exited() or time.monotonic() > deadline:
                raise TimeoutError(f"livetui never drew {needle!r}")
            time.sleep(0.02)

    def say(self, text: str) -> None:
        self.console.send(text.encode() + b"\r")

    def key(self, data: bytes) -> None:
        self.console.send(data)

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

    def __init__(self, env: dict[str, str], args: tuple[str, ...] = (), config: str = "", workdir: Path | None = None) -> None:
        del config, workdir  # livetui's settings: the baseline has none
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.baseline", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=REPO, text=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def exited(self) -> str | None:
        code = self.proc.poll()
        return None if code is None else f"exited with status {code}"

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


Client = Livetui | Baseline
