"""`livetui-sim` as a user runs it: a real process, configured by the lines it prints."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Self


def sim_command() -> list[str]:
    script = Path(sys.executable).parent / "livetui-sim"
    return [str(script)] if script.exists() else [sys.executable, "-m", "livetui.sim.cli"]


class SimProcess:
    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [*sim_command(), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(),
        )
        self.exports: dict[str, str] = {}
        self.lines: list[str] = []
        assert self.proc.stdout is not None
        for _ in range(3):
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"livetui-sim exited: {self.proc.stderr.read() if self.proc.stderr else ''}")
            self.lines.append(line.rstrip("\n"))
            name, _, value = line.strip().removeprefix("export ").partition("=")
            self.exports[name] = value

    def stop(self) -> tuple[int, str]:
        """SIGINT, as Ctrl-C would; returns the exit status and what it printed on stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return self.proc.returncode, err

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any Google credentials or endpoints, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "GEMINI_"))}
    env.pop("SSL_CERT_FILE", None)
    env.update(extra)
    return env
