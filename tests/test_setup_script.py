"""scripts/install-system-deps.sh: which packages `make run` and `make test` install, and
that a PipeWire machine never gets a second sound server. Run for real with DRY_RUN=1
(the apt-get commands printed, not run); a fake dpkg-query on PATH plays the machine."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "install-system-deps.sh"

pytestmark = pytest.mark.skipif(shutil.which("apt-get") is None, reason="the script installs with apt-get (Debian/Ubuntu)")

# A dpkg-query that reports the packages named in $FAKE_INSTALLED as installed, the others as unknown.
FAKE_DPKG_QUERY = """#!/bin/sh
shift 2  # -W -f=FORMAT
for p in "$@"; do
    case " $FAKE_INSTALLED " in
        *" $p "*) echo "$p install ok installed" ;;
        *) echo "dpkg-query: no packages found matching $p" >&2 ;;
    esac
done
"""


def install_line(profile: str, tmp_path: Path, installed: str | None = None, assume_missing: bool = True) -> tuple[list[str], str]:
    """The packages the script would install for `profile`, and all it said."""
    env = {k: v for k, v in os.environ.items() if k not in ("LIVETUI_INSTALL_PULSEAUDIO", "FAKE_INSTALLED")}
    env.update(DRY_RUN="1", ASSUME_MISSING="1" if assume_missing else "0")
    if installed is not None:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir(exist_ok=True)
        fake = bin_dir / "dpkg-query"
        fake.write_text(FAKE_DPKG_QUERY)
        fake.chmod(0o755)
        env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
        env["FAKE_INSTALLED"] = installed
    result = subprocess.run(["bash", str(SCRIPT), profile], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "apt-get" in line and " install " in line]
    if not lines:
        return [], result.stderr
    return lines[0].split("--no-install-recommends", 1)[1].split(), result.stderr


def test_running_needs_no_sound_server_and_no_test_tools(tmp_path: Path) -> None:
    packages, said = install_line("run", tmp_path)
    assert {"portaudio19-dev", "libasound2-plugins", "espeak-ng", "build-essential"} <= set(packages)
    assert not {"pulseaudio", "pulseaudio-utils", "sox", "nodejs", "npm"} & set(packages)
    assert "installing system packages for `make run`: portaudio19-dev (PyAudio builds against PortAudio)" in said


def test_the_tests_add_their_sound_server_and_tools(tmp_path: Path) -> None:
    packages, said = install_line("test", tmp_path)
    assert {"portaudio19-dev", "libasound2-plugins", "espeak-ng", "pulseaudio", "pulseaudio-utils", "sox", "nodejs", "npm"} <= set(packages)
    assert "pulseaudio (the tests' private sound server" in said
    assert "would run: " in said and "apt-get" in said  # DRY_RUN prints the commands


def test_a_pipewire_machine_gets_no_pulseaudio_server(tmp_path: Path) -> None:
    installed = "pipewire pipewire-pulse libasound2-plugins"
    run, _ = install_line("run", tmp_path, installed)
    test, said = install_line("test", tmp_path, installed)
    assert "pulseaudio" not in run and "pulseaudio" not in test
    assert "pulseaudio-utils" in test and "sox" in test  # clients and tools are no server
    assert "PipeWire is this machine's sound server" in said


def test_pipewire_without_pulseaudio_counts_as_pipewire(tmp_path: Path) -> None:
    test, _ = install_line("test", tmp_path, "pipewire")
    assert "pulseaudio" not in test


def test_pulseaudio_beside_a_video_only_pipewire_is_the_server(tmp_path: Path) -> None:
    """Ubuntu 22.04's desktop: pipewire installed for screen sharing, PulseAudio for sound."""
    test, said = install_line("test", tmp_path, "pipewire pulseaudio", assume_missing=True)
    assert "pulseaudio" in test and "PipeWire is this machine" not in said


def test_installed_packages_are_not_installed_again(tmp_path: Path) -> None:
    everything = "portaudio19-dev libasound2-plugins espeak-ng pulseaudio pulseaudio-utils sox"
    packages, said = install_line("test", tmp_path, everything, assume_missing=False)
    assert not {"portaudio19-dev", "pulseaudio", "sox"} & set(packages), said
    packages, _ = install_line("test", tmp_path, "portaudio19-dev espeak-ng", assume_missing=False)
    assert {"libasound2-plugins", "pulseaudio", "sox"} <= set(packages)


def test_an_unknown_profile_is_refused() -> None:
    result = subprocess.run(["bash", str(SCRIPT), "everything"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "usage:" in result.stderr


def test_pulseaudio_on_pipewire_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVETUI_INSTALL_PULSEAUDIO", "1")
    env = {**os.environ, "DRY_RUN": "1", "ASSUME_MISSING": "1", "FAKE_INSTALLED": "pipewire-pulse", "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    (tmp_path / "dpkg-query").write_text(FAKE_DPKG_QUERY)
    (tmp_path / "dpkg-query").chmod(0o755)
    said = subprocess.run(["bash", str(SCRIPT), "test"], capture_output=True, text=True, env=env, timeout=60).stderr
    assert " pulseaudio " in said.splitlines()[-1] + " " and "PipeWire is this machine" not in said


def test_another_system_gets_the_list(tmp_path: Path) -> None:
    """No dpkg-query or apt-get on PATH: the packages to find equivalents of, nothing run."""
    for profile, wanted, unwanted in (("run", "portaudio19-dev", "sox"), ("test", "sox", None)):
        result = subprocess.run(["/bin/bash", str(SCRIPT), profile], capture_output=True, text=True, env={"PATH": str(tmp_path)}, timeout=60)
        assert result.returncode == 0 and "not a Debian/Ubuntu system" in result.stderr and wanted in result.stderr
        assert unwanted is None or unwanted not in result.stderr
