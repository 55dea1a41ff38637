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
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

from livetui import __version__, cli
from livetui.cli.backend import SimulatorBackend
from livetui.cli.stderr import stderr_to_log
from livetui.core.secrets import Scrubber
from livetui.core.store import StoreError, TranscriptStore
from livetui.testing.simproc import clean_env

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


def test_bad_inputs_are_one_line_each_and_change_nothing(tmp_path: Path) -> None:
    """Files that are not what a flag wants: refused before the app starts, one line
    naming the file and why, the file as it was (content and mode)."""
    foreign = tmp_path / "notes.jsonl"
    foreign.write_bytes(b'{"role":"user","content":"hi"}\n')
    foreign.chmod(0o644)
    random_bytes = tmp_path / "noise.jsonl"
    random_bytes.write_bytes(os.urandom(4096).replace(b"\n", b"") + b"\n")
    os.mkfifo(tmp_path / "pipe")
    keys = tmp_path / "keys.toml"
    keys.write_text('[keys]\nhelp = "ctrl+notakey"\n')
    cases = [
        (["--resume", str(foreign)], 1, f"{foreign} is not a livetui transcript (its first line is not a livetui record); left it unchanged"),
        (["--resume", str(random_bytes)], 1, f"{random_bytes} is not a livetui transcript (its first line is not JSON); left it unchanged"),
        (["--resume", str(tmp_path) + "/"], 1, f"{tmp_path} is a folder, not a conversation file"),
        (["--system-instruction", f"@{tmp_path / 'pipe'}"], 2, f"--system-instruction: {tmp_path / 'pipe'} is a FIFO (named pipe), not a text file"),
        (["--system-instruction", "@/dev/zero"], 2, "--system-instruction: /dev/zero is a character device, not a text file"),
        (["--config", str(tmp_path)], 2, f"{tmp_path}: is a folder, not a config file"),
        (["--config", str(keys)], 2, f"{keys}, line 2: keys.help = 'ctrl+notakey': 'ctrl+notakey' is not a key name (like 'ctrl+o', 'f10', 'pageup', 'slash')"),
    ]
    before = [(p.read_bytes(), p.stat().st_mode) for p in (foreign, random_bytes)]
    for args, code, message in cases:
        result = run_livetui(*args, tmp_path=tmp_path)
        assert (result.returncode, result.stderr, result.stdout) == (code, f"livetui: {message}\n", ""), args
    assert [(p.read_bytes(), p.stat().st_mode) for p in (foreign, random_bytes)] == before


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_default_config_path_that_is_not_a_file_stops_the_start(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "cfg" / "livetui" / "config.toml"
    path.parent.mkdir(parents=True)
    path.mkdir() if kind == "folder" else os.mkfifo(path)
    result = run_livetui(tmp_path=tmp_path)  # a FIFO is never opened: this cannot hang
    what = "a folder" if kind == "folder" else "a FIFO (named pipe)"
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"livetui: {path}: is {what}, not a config file\n")


def test_an_unknown_binding_id_is_refused_before_the_app_starts(tmp_path: Path) -> None:
    from livetui.ui.keymap import binding_ids

    conf = tmp_path / "keys.toml"
    conf.write_text('[keys]\nhelp = "f1"\ntoggle_modalty = "ctrl+o"\n')
    result = run_livetui("--config", str(conf), tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stdout == "" and not (tmp_path / "state").exists()  # refused before anything ran
    assert result.stderr == (
        f"livetui: {conf}, line 3: [keys]: no action called 'toggle_modalty' (did you mean 'toggle_modality'?) · "
        f"the actions are: {', '.join(binding_ids())}\n"
    )


def test_an_unknown_theme_is_refused_before_the_app_starts_naming_the_themes(tmp_path: Path) -> None:
    from livetui.ui.tones import theme_names

    conf = tmp_path / "cfg" / "livetui" / "config.toml"  # the default file: no --config
    conf.parent.mkdir(parents=True)
    conf.write_text('# looks\ntheme = "textual-lite"\n')
    result = run_livetui(tmp_path=tmp_path)
    assert (result.returncode, result.stdout) == (2, "") and not (tmp_path / "state").exists()
    assert result.stderr == (
        f"livetui: {conf}, line 2: theme: no theme called 'textual-lite' (did you mean 'textual-light'?) · "
        f"the themes are: {', '.join(theme_names())}\n"
    )


def test_resume_latest_passes_over_files_livetui_did_not_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with pytest.raises(StoreError, match="no saved conversation to resume yet"):
        cli.open_transcript(cli.LATEST)
    ours = TranscriptStore.create()
    ours.append("start", model="m", modality="TEXT", service=None)
    ours.append("user", turn=1, text="hello")
    ours.close()
    foreign = ours.path.with_name("zz-newer.jsonl")
    foreign.write_bytes(b'{"kind":"note","text":"not ours"}\n')
    os.utime(foreign, (time.time() + 60, time.time() + 60))  # the newest file in the folder
    store, loaded = cli.open_transcript(cli.LATEST)
    store.close()
    assert loaded is not None and loaded.path == ours.path and [t.text for t in loaded.turns] == ["hello"]
    assert foreign.read_bytes() == b'{"kind":"note","text":"not ours"}\n'


def test_version_and_bad_flags(tmp_path: Path) -> None:
    line = f"livetui {__version__} (google-genai {metadata.version('google-genai')}, textual {metadata.version('textual')})\n"
    version = run_livetui("--version", tmp_path=tmp_path)
    assert (version.returncode, version.stdout) == (0, line)
    among_flags = run_livetui("--debug", "--version", tmp_path=tmp_path)  # argparse's answer: the same line
    assert (among_flags.returncode, among_flags.stdout) == (0, line)
    bad = run_livetui("--modality", "video", tmp_path=tmp_path)
    assert bad.returncode == 2 and "--modality" in bad.stderr and "Traceback" not in bad.stderr


def test_version_loads_neither_the_console_nor_its_libraries() -> None:
    """`livetui --version` reads versions from metadata: no numpy, Textual or SDK import."""
    probe = ("import sys; sys.argv = ['livetui', '--version']; from livetui.launch import main; main(); "
             "print(sorted(m for m in ('numpy', 'textual', 'google.genai', 'livetui.cli') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


def test_main_hands_settings_and_backend_to_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (tmp_path / "cfg" / "livetui").mkdir(parents=True)
    (tmp_path / "cfg" / "livetui" / "config.toml").write_text('voice = "Kore"\n')
    seen = {}

    def fake_run_app(settings, backend, **_):  # type: ignore[no-untyped-def]
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
    from livetui.cli.stderr import stderr_to_log

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
    from livetui.cli.backend import Backend
    from livetui.core.settings import Settings

    class Crashing(App):
        def __init__(self, settings, backend, **_):
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


# --- livetui --list-devices ------------------------------------------------------------


class FakeUnavailable(Exception):
    pass


@dataclass(frozen=True)
class FakeDevice:
    index: int
    name: str
    max_input_channels: int
    max_output_channels: int
    default_rate: float
    is_default_input: bool = False
    is_default_output: bool = False


FAKE_DEVICES = [
    FakeDevice(0, "HDA Intel PCH: ALC3246 Analog (hw:0,0)", 2, 2, 44100.0),
    FakeDevice(4, "USB Mic\x1b[31m", 1, 0, 16000.0, is_default_input=True),  # a device names itself: no escapes pass
    FakeDevice(12, "pulse", 32, 32, 44100.0),
    FakeDevice(13, "default", 32, 32, 48000.0, is_default_output=True),
]


def fake_devices_module(monkeypatch: pytest.MonkeyPatch, listing: Callable[[], list[FakeDevice]]) -> list[str]:
    """Stands in for livetui.core.audio's discovery, portaudio and quiet modules; returns a journal
    of what was called, in order."""
    journal: list[str] = []
    fake = types.ModuleType("livetui.core.audio.discovery")

    @contextmanager
    def quiet_stderr() -> Iterator[None]:  # as the real one: fd 2 to /dev/null meanwhile
        journal.append("quiet")
        saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            journal.append("loud")

    def list_devices() -> list[FakeDevice]:
        journal.append("list")
        os.write(2, b"ALSA lib pcm.c:2664:(snd_pcm_open_noupdate) Unknown PCM cards.pcm.rear\n")
        return listing()

    fake.AudioUnavailable = FakeUnavailable  # type: ignore[attr-defined]
    fake.quiet_stderr = quiet_stderr  # type: ignore[attr-defined]
    fake.list_devices = list_devices  # type: ignore[attr-defined]
    for name in ("discovery", "portaudio", "quiet"):
        monkeypatch.setitem(sys.modules, f"livetui.core.audio.{name}", fake)
    return journal


@pytest.fixture
def no_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """--list-devices must never get as far as the app, or the config file."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setattr(cli, "run_app", lambda *a: pytest.fail("the app was started"))
    monkeypatch.setattr(cli, "choose_backend", lambda *a: pytest.fail("a backend was chosen"))


def test_list_devices_prints_a_table_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], no_app: None
) -> None:
    journal = fake_devices_module(monkeypatch, lambda: FAKE_DEVICES)
    assert cli.main(["--list-devices"]) == 0
    out, err = capfd.readouterr()
    assert journal == ["quiet", "list", "loud"]  # listed inside quiet_stderr()
    assert out.splitlines() == [
        "index  in   out    rate  name",
        "    0   2     2   44100  HDA Intel PCH: ALC3246 Analog (hw:0,0)",
        "    4   1*    0   16000  USB Mic [31m",
        "   12  32    32   44100  pulse",
        "   13  32    32*  48000  default",
        "* the default input (in) and output (out)",
    ]
    assert "\x1b" not in out
    assert err == ""  # the listing's ALSA noise went to /dev/null


def test_list_devices_does_not_read_the_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys, no_app: None) -> None:
    fake_devices_module(monkeypatch, lambda: FAKE_DEVICES[:1])
    broken = tmp_path / "broken.toml"
    broken.write_text("model = = 1\n")
    assert cli.main(["--config", str(broken), "--list-devices"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[1].startswith("    0   2     2   44100  HDA Intel")
    assert "*" not in out and err == ""  # no defaults to mark: no footnote


def _raise(exc: BaseException) -> Callable[[], list[FakeDevice]]:
    def listing() -> list[FakeDevice]:
        raise exc

    return listing


@pytest.mark.parametrize(
    ("listing", "line"),
    [
        (_raise(FakeUnavailable("PortAudio could not start: Unanticipated host error; over SSH, forward PulseAudio")),
         "livetui: no audio devices: PortAudio could not start: Unanticipated host error; over SSH, forward PulseAudio"),
        (_raise(OSError(-9999, "Unanticipated host error")), "livetui: no audio devices: [Errno -9999] Unanticipated host error"),
        (list, "livetui: no audio devices: PortAudio sees none"),  # an empty list
    ],
)
def test_list_devices_unavailable_is_one_line_and_exit_1(
    listing: Callable[[], list[FakeDevice]], line: str, monkeypatch: pytest.MonkeyPatch, capsys, no_app: None
) -> None:
    fake_devices_module(monkeypatch, listing)
    assert cli.main(["--list-devices"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == line + "\n"


def test_list_devices_without_the_audio_module_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys, no_app: None) -> None:
    monkeypatch.setitem(sys.modules, "livetui.core.audio.discovery", None)  # import fails, as with PyAudio missing
    assert cli.main(["--list-devices"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("livetui: no audio devices: cannot load the audio library (")
    assert err.count("\n") == 1 and "Traceback" not in err


_WITHOUT_PYAUDIO = textwrap.dedent(
    """
    import sys
    sys.modules["pyaudio"] = None  # as if PyAudio were not installed
    from livetui import cli
    sys.exit(cli.main(["--list-devices"]))
    """
)


def test_list_devices_without_pyaudio_in_a_real_process(tmp_path: Path) -> None:
    env = clean_env(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_STATE_HOME=str(tmp_path / "state"))
    result = subprocess.run([sys.executable, "-c", _WITHOUT_PYAUDIO], check=False, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("livetui: no audio devices: "), result.stderr
    assert "PyAudio" in lines[0]


def test_list_devices_for_real_shows_no_portaudio_noise(tmp_path: Path) -> None:
    # Whatever this machine has: a table (0) or one line (1), and never ALSA's chatter.
    result = run_livetui("--list-devices", tmp_path=tmp_path)
    if result.returncode == 0:
        assert result.stdout.startswith("index  in   out    rate  name\n") and result.stderr == ""
    else:
        assert result.returncode == 1 and result.stdout == ""
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("livetui: no audio devices: ")
