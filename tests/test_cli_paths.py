"""`livetui paths` and `--data-dir` / $LIVETUI_DATA_DIR: real processes with private XDG folders."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from livetui import cli
from livetui.core.store import DATA_DIR_VAR, TranscriptStore, conversations_dir
from livetui.testing.simproc import clean_env

ROOT = Path(__file__).resolve().parents[1]


def xdg(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = clean_env(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"), **extra)
    env.pop(DATA_DIR_VAR, None)
    env.update(extra)
    return env


def livetui(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "livetui", *args], capture_output=True, text=True, env={**env, "PYTHONPATH": str(ROOT)},
                          cwd=cwd, timeout=60, check=False)


def table(stdout: str) -> dict[str, str]:
    return {name: rest.strip() for name, _, rest in (line.partition(" ") for line in stdout.splitlines())}


def test_paths_follow_the_xdg_folders(tmp_path: Path) -> None:
    result = livetui("paths", env=xdg(tmp_path))
    assert result.returncode == 0 and result.stderr == ""
    shown = table(result.stdout)
    assert list(shown) == ["config", "transcripts", "recordings", "logs"]
    assert shown["config"] == f"{tmp_path}/cfg/livetui/config.toml (not there yet: the defaults apply)"
    assert shown["transcripts"] == f"{tmp_path}/data/livetui/conversations"
    assert shown["recordings"].startswith(f"{tmp_path}/data/livetui/recordings ")
    assert shown["logs"] == f"{tmp_path}/state/livetui (livetui.log, sim.log)"
    assert not (tmp_path / "data").exists() and not (tmp_path / "state").exists()  # asking creates nothing


def test_one_path_alone_for_scripts(tmp_path: Path) -> None:
    result = livetui("paths", "transcripts", env=xdg(tmp_path))
    assert result.stdout == f"{tmp_path}/data/livetui/conversations\n"
    assert livetui("paths", "nowhere", env=xdg(tmp_path)).returncode == 2


def test_the_config_files_record_folder_is_shown(tmp_path: Path) -> None:
    (tmp_path / "cfg" / "livetui").mkdir(parents=True)
    (tmp_path / "cfg" / "livetui" / "config.toml").write_text('[audio]\nrecord_dir = "takes"\n')
    shown = table(livetui("paths", env=xdg(tmp_path)).stdout)
    assert shown["config"] == f"{tmp_path}/cfg/livetui/config.toml"
    assert shown["recordings"].startswith(f"{tmp_path}/cfg/livetui/takes ")


def test_the_variable_and_the_flag_move_the_transcripts(tmp_path: Path) -> None:
    env = xdg(tmp_path, **{DATA_DIR_VAR: str(tmp_path / "by-variable")})
    assert livetui("paths", "transcripts", env=env).stdout == f"{tmp_path}/by-variable/conversations\n"
    assert livetui("paths", "recordings", env=env).stdout == f"{tmp_path}/by-variable/recordings\n"
    flag = livetui("paths", "--data-dir", "rel", "transcripts", env=env, cwd=tmp_path)  # the flag wins; relative to the cwd
    assert flag.stdout == f"{tmp_path}/rel/conversations\n"
    before = livetui("--data-dir", str(tmp_path / "lead"), "paths", "transcripts", env=env)
    assert before.stdout == f"{tmp_path}/lead/conversations\n"


def test_a_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    for args in (("--data-dir", str(tmp_path / "afile"), "history"), ("--data-dir",), ("--data-dir", str(tmp_path / "afile"))):
        result = livetui(*args, env=xdg(tmp_path))
        assert result.returncode == 2 and "--data-dir" in result.stderr and "Traceback" not in result.stderr, args


def test_history_reads_the_moved_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    moved = tmp_path / "moved"
    monkeypatch.setenv(DATA_DIR_VAR, str(moved))
    store = TranscriptStore.create()
    store.append("user", turn=1, text="kept elsewhere")
    store.close()
    assert store.path.parent == moved / "conversations"
    listed = livetui("--data-dir", str(moved), "history", env=xdg(tmp_path))
    assert "kept elsewhere" in listed.stdout
    assert "kept elsewhere" in livetui("history", "--data-dir", str(moved), env=xdg(tmp_path)).stdout
    exported = livetui("export", store.id, "--data-dir", str(moved), env=xdg(tmp_path))
    assert "kept elsewhere" in exported.stdout, exported.stderr
    assert "kept elsewhere" not in livetui("history", env=xdg(tmp_path)).stdout + livetui("history", env=xdg(tmp_path)).stderr


def test_the_console_saves_into_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in xdg(tmp_path).items():
        if name.startswith("XDG_"):
            monkeypatch.setenv(name, value)
    # main() sets the variable for the run; set (empty: unset) through monkeypatch so it is removed after the
    # test (a delenv of a missing variable would restore nothing, and the next tests' consoles would save here).
    monkeypatch.setenv(DATA_DIR_VAR, "")
    seen = {}

    def fake_run_app(settings, backend, *, store, **_):  # type: ignore[no-untyped-def]
        seen["folder"] = store.path.parent
        store.close()
        return 0

    monkeypatch.setattr(cli, "run_app", fake_run_app)
    assert cli.main(["--sim", "--data-dir", str(tmp_path / "mine")]) == 0
    assert seen["folder"] == tmp_path / "mine" / "conversations" == conversations_dir()
    monkeypatch.undo()
    assert DATA_DIR_VAR not in os.environ


def test_a_chosen_data_dir_keeps_its_permissions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """livetui tightens only folders it names itself: `conversations` inside the user's folder, not the folder."""
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    (shared / "conversations").mkdir(mode=0o755)
    (shared / "conversations").chmod(0o755)
    monkeypatch.setenv(DATA_DIR_VAR, str(shared))
    TranscriptStore.create().close()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    assert stat.S_IMODE((shared / "conversations").stat().st_mode) == 0o700
