"""What the console connects to, decided once at start-up: a real service, or the simulator.

Start-up code: the only module allowed to start `livetui-sim` (as a child process; no
module of the console imports the simulator). The UI receives a `Backend` and never knows
which kind it got, beyond its label.
"""

from __future__ import annotations

import asyncio
import os
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.secrets import KEY_VARS, api_key
from ..core.settings import Settings
from .logfile import open_log, state_dir

if TYPE_CHECKING:
    from google import genai

START_TIMEOUT = 15.0  # seconds for livetui-sim to print where it listens
STOP_TIMEOUT = 5.0  # seconds between SIGTERM and SIGKILL


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true")  # what the SDK accepts


def has_credentials(environ: Mapping[str, str]) -> bool:
    """An API key, or Vertex AI with a project and location (application default credentials)."""
    if any(environ.get(name, "").strip() for name in KEY_VARS):
        return True
    return _true(environ.get("GOOGLE_GENAI_USE_VERTEXAI")) and all(
        environ.get(name, "").strip() for name in ("GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION")
    )


@dataclass
class Backend:
    """A real service: the SDK configures itself from its own environment variables."""

    label: str  # shown in the status bar
    is_simulator: bool = False

    async def start(self) -> None:
        """Nothing to start for a real service."""

    def client(self) -> genai.Client:
        from google import genai  # lazily: importing the SDK takes half a second

        if is_ephemeral_token(api_key()):
            # Ephemeral tokens work only on v1alpha (the SDK then uses the Constrained method).
            from google.genai import types

            return genai.Client(http_options=types.HttpOptions(api_version="v1alpha"))
        return genai.Client()

    async def stop(self) -> None:
        self.close()

    def close(self) -> None:
        """Synchronous last-resort stop, safe to call any number of times (start-up code's `finally`)."""


def is_ephemeral_token(key: str | None) -> bool:
    """A short-lived token minted by a server for this client (`auth_tokens/...`), not an API key."""
    return bool(key) and key.strip().startswith("auth_tokens/")


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn making the child get SIGTERM when this process dies (Linux only).

    PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, so
    `start()` must run on the main thread's event loop, as the app's does.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved here: the child must not load libraries
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    PR_SET_PDEATHSIG = 1

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl: nobody would signal us
            os._exit(1)

    return preexec


@dataclass(repr=False)
class SimulatorBackend(Backend):
    """`livetui-sim` in a child process: its output never reaches the terminal the console draws on."""

    label: str = "offline simulator"
    is_simulator: bool = True
    log_path: Path = field(default_factory=lambda: state_dir() / "sim.log")
    sim_args: tuple[str, ...] = ()  # extra livetui-sim options (audio in bursts by default, as the service sends it)
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False)
    _base_url: str = field(default="", init=False)
    _api_key: str = field(default="", init=False)
    _ssl: ssl.SSLContext | None = field(default=None, init=False)

    def __repr__(self) -> str:
        # Never the key (even the simulator's), never the CA: only what a status line would show.
        pid = self._proc.pid if self._proc else None
        return f"SimulatorBackend(label={self.label!r}, pid={pid}, base_url={self._base_url!r})"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def base_url(self) -> str:
        return self._base_url

    async def start(self) -> None:
        if self._proc is not None:
            return
        command = [sys.executable, "-m", "livetui.sim.cli", "--port", "0", *self.sim_args]
        # The simulator needs no credentials of ours.
        env = {k: v for k, v in os.environ.items() if k not in KEY_VARS}
        with open_log(self.log_path) as log:
            log.write(f"--- livetui-sim started {time.strftime('%Y-%m-%d %H:%M:%S')} ---\n".encode())
            # Popen here, not in a thread: it takes milliseconds, and PR_SET_PDEATHSIG is tied
            # to the thread that forks, which must be the loop's (the main) thread.
            self._proc = subprocess.Popen(  # noqa: ASYNC220
                command,
                stdin=subprocess.DEVNULL,  # the console owns the terminal's input
                stdout=subprocess.PIPE,
                stderr=log,  # the child keeps its own copy of the descriptor
                env=env,
                preexec_fn=_die_with_parent(),  # noqa: PLW1509 - only prctl and getppid, resolved before the fork
                # Its own process group: the terminal's signals (SIGHUP when its window closes) are
                # the console's to handle; the console stops the simulator cleanly (SIGTERM) itself.
                process_group=0,
            )
        try:
            exports = await asyncio.wait_for(asyncio.to_thread(self._read_exports, self._proc), START_TIMEOUT)
        except TimeoutError:
            self.close()
            raise RuntimeError(f"livetui-sim did not start within {START_TIMEOUT:.0f} s: {self._last_log_line()}") from None
        except BaseException:
            self.close()
            raise
        self._base_url = exports["GOOGLE_GEMINI_BASE_URL"]
        self._api_key = exports["GEMINI_API_KEY"]
        # Load the CA now: the simulator deletes its file when it stops. A context of our own,
        # not SSL_CERT_FILE, which would replace the trust store for everything in the process.
        self._ssl = ssl.create_default_context(cafile=exports["SSL_CERT_FILE"])

    def _read_exports(self, proc: subprocess.Popen[bytes]) -> dict[str, str]:
        """The three `export NAME=value` lines livetui-sim prints once it listens (in a thread)."""
        assert proc.stdout is not None
        exports: dict[str, str] = {}
        while len(exports) < 3:
            line = proc.stdout.readline().decode(errors="replace")
            if not line:
                proc.wait()
                raise RuntimeError(f"livetui-sim exited with status {proc.returncode}: {self._last_log_line()}")
            name, _, value = line.strip().removeprefix("export ").partition("=")
            exports[name] = value
        return exports

    def _last_log_line(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return lines[-1] if lines else "(nothing on stderr)"

    def client(self) -> genai.Client:
        if self._ssl is None:
            raise RuntimeError("the simulator is not started: await backend.start() first")
        from google import genai
        from google.genai import types

        return genai.Client(
            vertexai=False,  # whatever GOOGLE_GENAI_USE_VERTEXAI says, the simulator speaks the Gemini API
            api_key=self._api_key,
            http_options=types.HttpOptions(
                base_url=self._base_url,
                client_args={"verify": self._ssl},
                async_client_args={"ssl": self._ssl},
            ),
        )

    async def stop(self) -> None:
        await asyncio.to_thread(self.close)

    def close(self) -> None:
        proc, self._proc = self._proc, None
        self._ssl = None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()  # livetui-sim stops cleanly on SIGTERM and removes its CA file
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def choose_backend(settings: Settings, environ: Mapping[str, str], **sim: Any) -> Backend:
    """The simulator when asked for or when there are no credentials; else the real service.

    `sim` goes to SimulatorBackend (e.g. log_path, sim_args).
    """
    if settings.sim or not has_credentials(environ):
        return SimulatorBackend(**sim)
    if _true(environ.get("GOOGLE_GENAI_USE_VERTEXAI")):
        return Backend("custom endpoint" if environ.get("GOOGLE_VERTEX_BASE_URL", "").strip() else "Vertex AI")
    # A separately run livetui-sim (or a proxy) is reached this way, as a real backend.
    return Backend("custom endpoint" if environ.get("GOOGLE_GEMINI_BASE_URL", "").strip() else "Gemini API")
