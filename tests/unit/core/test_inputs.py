"""Bad files and key names refused with a reason, before anything reads them: special
files (a FIFO would hang, /dev/zero never ends), oversized instructions, key names
Textual does not know, foreign files given to --resume (left untouched)."""

from __future__ import annotations

import os
import random
import stat
import threading
from pathlib import Path

import pytest
from textual.app import App
from textual.binding import Binding
from textual.keys import Keys, _character_to_key

from livetui.cli.args import load_settings
from livetui.core.configfile import ConfigError
from livetui.core.files import special_file
from livetui.core.keynames import bad_key_names
from livetui.core.settingchecks import INSTRUCTION_MAX_BYTES
from livetui.core.store import StoreError, TranscriptStore, load_to_resume
from livetui.ui.app import LiveTuiApp


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def no_hang(call, *args):
    """Run call(*args) in a thread; fail (not hang the suite) if it blocks on a FIFO."""
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["value"] = call(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), f"{call.__name__} blocked (it opened a FIFO)"
    if "error" in out:
        raise out["error"]  # type: ignore[misc]
    return out["value"]


# --- what kind of file --------------------------------------------------------------


def test_special_file_names_each_kind(tmp_path: Path, fifo: Path) -> None:
    regular = tmp_path / "a.txt"
    regular.write_text("x")
    assert special_file(regular) is None
    assert special_file(tmp_path) == "a folder"
    assert special_file(fifo) == "a FIFO (named pipe)"
    assert special_file("/dev/zero") == "a character device"
    with pytest.raises(FileNotFoundError):
        special_file(tmp_path / "missing")


# --- --system-instruction @FILE -----------------------------------------------------


def instruction_error(arg: str, tmp_path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        no_hang(load_settings, ["--system-instruction", arg], {"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    message = str(info.value)
    assert "\n" not in message
    return message


def test_instruction_from_a_fifo_is_refused_without_hanging(tmp_path: Path, fifo: Path) -> None:
    assert instruction_error(f"@{fifo}", tmp_path) == f"--system-instruction: {fifo} is a FIFO (named pipe), not a text file"


@pytest.mark.parametrize(("name", "kind"), [("/dev/zero", "a character device"), (".", "a folder")])
def test_instruction_from_a_device_or_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, kind: str) -> None:
    monkeypatch.chdir(tmp_path)
    path = Path.cwd() / name if not name.startswith("/") else Path(name)
    assert instruction_error(f"@{name}", tmp_path) == f"--system-instruction: {path} is {kind}, not a text file"


def test_instruction_over_the_limit_is_refused_and_at_the_limit_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (INSTRUCTION_MAX_BYTES + 1))
    assert instruction_error(f"@{big}", tmp_path) == f"--system-instruction: {big} is larger than 1 MB: not a system instruction"
    big.write_bytes(b"a" * INSTRUCTION_MAX_BYTES)
    settings = load_settings(["--system-instruction", f"@{big}"], {"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert len(settings.system_instruction) == INSTRUCTION_MAX_BYTES


def test_instruction_from_a_fifo_in_the_config_file_names_the_line(tmp_path: Path, fifo: Path) -> None:
    conf = tmp_path / "c.toml"
    conf.write_text(f'model = "m"\nsystem_instruction = "@{fifo.name}"\n')
    with pytest.raises(ConfigError) as info:
        no_hang(load_settings, ["--config", str(conf)], {})
    assert str(info.value) == f"{conf}, line 2: system_instruction {fifo} is a FIFO (named pipe), not a text file"


# --- config paths -------------------------------------------------------------------


def test_a_config_path_that_is_a_folder_or_fifo_is_reported(tmp_path: Path, fifo: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(["--config", str(tmp_path)], {})
    assert str(info.value) == f"{tmp_path}: is a folder, not a config file"
    with pytest.raises(ConfigError) as info:
        no_hang(load_settings, ["--config", str(fifo)], {})
    assert str(info.value) == f"{fifo}: is a FIFO (named pipe), not a config file"


def test_a_default_config_path_that_is_a_folder_is_reported_not_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "xdg" / "livetui" / "config.toml"
    folder.mkdir(parents=True)
    with pytest.raises(ConfigError) as info:
        load_settings([], {"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert str(info.value).endswith("config.toml: is a folder, not a config file")


# --- key names ----------------------------------------------------------------------


def test_every_key_textual_names_is_a_good_key_name() -> None:
    names = [k.value for k in Keys if not k.value.startswith("<")]
    names += [_character_to_key(chr(c)) for c in range(33, 127)] + [_character_to_key("é")]
    names += [b.key for b in Binding.make_bindings([*LiveTuiApp.BINDINGS, *App.BINDINGS])]
    assert [n for n in names if bad_key_names(n)] == []
    assert bad_key_names("ctrl+j,alt+enter , f10") == []


@pytest.mark.parametrize(
    ("keys", "bad"),
    [
        ("ctrl+notakey", ["ctrl+notakey"]),
        ("f10,ctrl+notakey", ["ctrl+notakey"]),
        ("f25", ["f25"]),
        ("cmd+o", ["cmd+o"]),
        ("ctrl+", ["ctrl+"]),
        ("ctrl+o,", [""]),
    ],
)
def test_unknown_key_names_are_found(keys: str, bad: list[str]) -> None:
    assert bad_key_names(keys) == bad


def test_an_unknown_key_name_in_the_config_names_binding_and_key(tmp_path: Path) -> None:
    conf = tmp_path / "c.toml"
    conf.write_text('[keys]\nhelp = "f1"\ntoggle_modality = "ctrl+notakey"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(["--config", str(conf)], {})
    message = str(info.value)
    assert message.startswith(f"{conf}, line 3: keys.toggle_modality = 'ctrl+notakey': 'ctrl+notakey' is not a key name")


# --- --resume on a foreign file -----------------------------------------------------


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (random.Random(170).randbytes(3000).replace(b"\n", b"") + b"\n", "its first line is not JSON"),  # seeded: the same test id in every run and worker
        (b'{"kind":"start"}\n{"other":"tool"}\n', "its first line is not a livetui record"),
        (b'{"v":1,"kind":"message","text":"hi"}\n', "its first line is not a livetui record"),
        (b"", "it is empty"),
        (b"x" * 70000, "its first line is too long"),
    ],
)
def test_resume_refuses_a_foreign_file_and_changes_nothing(tmp_path: Path, content: bytes, why: str) -> None:
    foreign = tmp_path / "other.jsonl"
    foreign.write_bytes(content)
    foreign.chmod(0o644)
    before = snapshot(foreign)
    with pytest.raises(StoreError) as info:
        load_to_resume(foreign)
    assert str(info.value) == f"{foreign} is not a livetui transcript ({why}); left it unchanged"
    assert snapshot(foreign) == before


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_resume_refuses_a_special_file_without_opening_it(tmp_path: Path, fifo: Path, kind: str) -> None:
    target = tmp_path / "dir.jsonl" if kind == "folder" else fifo
    if kind == "folder":
        target.mkdir()
    with pytest.raises(StoreError) as info:
        no_hang(load_to_resume, str(target))
    what = "a folder" if kind == "folder" else "a FIFO (named pipe)"
    assert str(info.value) == f"{target} is {what}, not a conversation file"


def test_resume_takes_a_transcript_livetui_wrote(tmp_path: Path) -> None:
    store = TranscriptStore.create(tmp_path, environ={})
    store.append("system", text="no audio: no audio devices found", level="error")  # written before the start record
    store.append("start", model="m", modality="TEXT", service=None)
    store.append("user", turn=1, text="hello")
    store.close()
    loaded = load_to_resume(store.path)
    assert [t.text for t in loaded.turns] == ["no audio: no audio devices found", "hello"]


# --- what else can be at the default config path (none of it is passed over) -----------


def test_a_fifo_at_the_default_config_path_is_reported_without_waiting(tmp_path: Path) -> None:
    folder = tmp_path / "xdg" / "livetui"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "config.toml")
    with pytest.raises(ConfigError) as info:
        no_hang(load_settings, [], {"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert str(info.value) == f"{folder / 'config.toml'}: is a FIFO (named pipe), not a config file"


def test_a_dangling_link_at_the_default_config_path_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "xdg" / "livetui"
    folder.mkdir(parents=True)
    (folder / "config.toml").symlink_to(tmp_path / "dotfiles" / "livetui.toml")
    with pytest.raises(ConfigError) as info:
        load_settings([], {"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert str(info.value) == f"{folder / 'config.toml'}: is a link to {tmp_path / 'dotfiles' / 'livetui.toml'}, which does not exist"


def test_a_link_loop_at_a_config_path_is_one_line(tmp_path: Path) -> None:
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    with pytest.raises(ConfigError) as info:
        load_settings(["--config", str(loop)], {})
    assert str(info.value) == f"{loop}: cannot read it: Too many levels of symbolic links"


def test_a_file_where_the_config_folder_belongs_is_reported(tmp_path: Path) -> None:
    (tmp_path / "xdg").mkdir()
    (tmp_path / "xdg" / "livetui").write_text('model = "m"\n')  # the settings, one level too high
    with pytest.raises(ConfigError) as info:
        load_settings([], {"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert str(info.value) == f"{tmp_path / 'xdg' / 'livetui'}: is a file, not a folder: the settings go in {tmp_path / 'xdg' / 'livetui' / 'config.toml'}"
    with pytest.raises(ConfigError) as info:  # named by --config, it is simply not there
        load_settings(["--config", str(tmp_path / "xdg" / "livetui" / "config.toml")], {})
    assert str(info.value).endswith("config.toml: no such config file")


def test_no_default_config_file_is_no_error(tmp_path: Path) -> None:
    (tmp_path / "xdg").mkdir()
    assert load_settings([], {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}).config_path is None
