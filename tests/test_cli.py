"""`livetui` start-up: config errors in one line, and stderr kept off the screen the app draws on."""

from __future__ import annotations

import errno
import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import textwrap
import time
from pathlib import Path

import pytest

from livetui import __version__, cli
from livetui.backend import SimulatorBackend
from livetui.cli import Scrubber, stderr_to_log
from tests.simproc import clean_env

ROOT = Path(__file__).resolve().parents[1]
KEY = "AIzaSy-secret-test-key-0123456789abcdef"


def run_livetui(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = clean_env(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_STATE_HOME=str(tmp_path / "state"))
    return subprocess.run(
        [sys.executable, "-m", "livetui", *args], check=False, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )


# --- configuration errors ------------------------------------------------------------


def test_a_broken_config_file_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text('model = "m"\n\n[vad]\nmode = "sometimes"\n')
    result = run_livetui("--config", str(bad), tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"livetui: {bad}, line 4: vad.mode must be 'auto' or 'manual', not 'sometimes'\n"
    assert "Traceback" not in result.stderr + result.stdout


def test_broken_toml_is_one_line_too(tmp_path: Path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text('model = "m"\nvoice = = "Kore"\n')
    result = run_livetui("--config", str(bad), tmp_path=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"livetui: {bad}, line 2: not valid TOML")
    assert "Traceback" not in result.stderr


def test_a_missing_config_file_is_an_error(tmp_path: Path) -> None:
    result = run_livetui("--config", str(tmp_path / "nope.toml"), tmp_path=tmp_path)
    assert (result.returncode, result.stderr) == (2, f"livetui: {tmp_path / 'nope.toml'}: no such config file\n")


def test_version_and_bad_flags(tmp_path: Path) -> None:
    version = run_livetui("--version", tmp_path=tmp_path)
    assert (version.returncode, version.stdout) == (0, f"livetui {__version__}\n")
    bad = run_livetui("--modality", "video", tmp_path=tmp_path)
    assert bad.returncode == 2 and "--modality" in bad.stderr and "Traceback" not in bad.stderr


def test_main_hands_settings_and_backend_to_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (tmp_path / "cfg" / "livetui").mkdir(parents=True)
    (tmp_path / "cfg" / "livetui" / "config.toml").write_text('voice = "Kore"\n')
    seen = {}

    def fake_run_app(settings, backend):  # type: ignore[no-untyped-def]
        seen.update(settings=settings, backend=backend)
        return 7

    monkeypatch.setattr(cli, "run_app", fake_run_app)
    assert cli.main(["--modality", "audio", "--no-mouse"]) == 7
    assert seen["settings"].voice == "Kore" and seen["settings"].modality == "AUDIO" and not seen["settings"].mouse
    assert isinstance(seen["backend"], SimulatorBackend)  # conftest removed every key: the no-key demo


# --- stderr and the terminal ----------------------------------------------------------


def test_scrubber_hides_keys_even_when_wrapped() -> None:
    scrub = Scrubber({"GEMINI_API_KEY": KEY, "GOOGLE_API_KEY": " "})
    assert scrub(f"key={KEY!r}") == "key='***'"
    wrapped = f"│ api_key = '{KEY[:20]}│\n│ {KEY[20:]}' │"
    assert KEY[:20] not in scrub(wrapped) and KEY[20:] not in scrub(wrapped)
    assert scrub("nothing secret") == "nothing secret"
    assert Scrubber({})("x") == "x"


def test_stderr_to_log_moves_fd_2_and_keeps_the_terminal(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "state" / "livetui.log"
    before = sys.stderr
    with stderr_to_log(log, Scrubber({"GEMINI_API_KEY": KEY})) as terminal:
        os.write(2, b"ALSA lib pcm.c: noise from C\n")
        print(f"python noise with {KEY}", file=sys.stderr, flush=True)
        assert sys.__stderr__ is terminal
        terminal.write("drawn on the terminal\n")
        terminal.flush()
        subprocess.run([sys.executable, "-c", "import os; os.write(2, b'child noise\\n')"], check=True)
    os.write(2, b"after\n")
    err = capfd.readouterr().err
    assert "drawn on the terminal" in err and "after" in err
    assert "noise" not in err
    text = log.read_text()
    assert "noise from C" in text and "child noise" in text  # children inherit fd 2: the log
    assert "python noise with ***" in text and KEY not in text
    assert sys.stderr is before and sys.__stderr__ is not terminal
    assert (log.stat().st_mode & 0o777) == 0o600


def run_in_pty(code: str, env: dict[str, str], timeout: float = 60) -> tuple[int, str]:
    """Run `python -c code` on a fresh 80x24 terminal; returns its status and everything it showed."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not select.select([master], [], [], deadline - time.monotonic())[0]:
                break
            try:
                data = os.read(master, 65536)
            except OSError as exc:  # EIO: every holder of the terminal has closed it
                if exc.errno != errno.EIO:
                    raise
                break
            if not data:
                break
            chunks.append(data)
        status = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return status, b"".join(chunks).decode(errors="replace")


_PROBE_APP = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from textual.app import App
    from textual.widgets import Static
    from livetui.cli import stderr_to_log

    class Probe(App):
        def compose(self):
            yield Static("PROBE-SCREEN-TEXT")

        def on_mount(self):
            os.write(2, b"ALSA-NOISE-FROM-C\\n")
            self.call_after_refresh(self.exit)

    with stderr_to_log(Path(sys.argv[1])):
        Probe().run()
    os.write(2, b"STDERR-BACK-AFTER\\n")
    """
)


def test_a_textual_app_draws_on_the_terminal_while_fd_2_goes_to_the_log(tmp_path: Path) -> None:
    log = tmp_path / "livetui.log"
    status, screen = run_in_pty(_PROBE_APP.replace('sys.argv[1]', repr(str(log))), clean_env(TERM="xterm-256color"))
    assert status == 0, screen
    assert "PROBE-SCREEN-TEXT" in screen  # Textual still reached the terminal (it draws on sys.__stderr__)
    assert "STDERR-BACK-AFTER" in screen  # fd 2 restored afterwards
    assert "ALSA-NOISE" not in screen
    assert "ALSA-NOISE-FROM-C" in log.read_text()


_CRASHING_APP = textwrap.dedent(
    """
    import os, sys, types
    from textual.app import App
    from livetui import cli
    from livetui.backend import Backend
    from livetui.core.config import Settings

    class Crashing(App):
        def __init__(self, settings, backend):
            super().__init__()

        def on_mount(self):
            api_key = os.environ["GEMINI_API_KEY"]  # a local Textual's traceback will show
            raise RuntimeError("boom in on_mount")

    fake = types.ModuleType("livetui.ui.app")
    fake.LiveTuiApp = Crashing
    sys.modules["livetui.ui.app"] = fake
    code = cli.run_app(Settings(), Backend("Gemini API"))
    print(f"EXIT={code}")
    """
)


def test_an_app_crash_is_one_line_on_the_terminal_and_the_details_in_the_log(tmp_path: Path) -> None:
    env = clean_env(TERM="xterm-256color", XDG_STATE_HOME=str(tmp_path / "state"), GEMINI_API_KEY=KEY)
    status, screen = run_in_pty(_CRASHING_APP, env)
    log = tmp_path / "state" / "livetui" / "livetui.log"
    assert status == 0, screen
    assert "EXIT=1" in screen
    assert f"livetui: stopped by an error; details in {log}" in screen
    assert "Traceback" not in screen and "boom in on_mount" not in screen
    text = log.read_text()
    assert "boom in on_mount" in text and "api_key" in text  # Textual's traceback, locals and all...
    assert KEY not in text  # ...but never the key
