"""`livetui models`: the real command against a real `livetui-sim` process (or the built-in one)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from livetui import cli
from livetui.core.models import DEFAULT_MODEL
from livetui.sim.models import CATALOGUE
from livetui.testing.simproc import SimProcess, clean_env

ROOT = Path(__file__).resolve().parents[1]
KEY = "AIzaSy-secret-models-key-0123456789abcdef"


def run(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = clean_env(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_STATE_HOME=str(tmp_path / "state"), **env)
    return subprocess.run(
        [sys.executable, "-m", "livetui", "models", *args],
        check=False, capture_output=True, text=True, env=environ, cwd=ROOT, timeout=60,
    )


def rows(stdout: str) -> dict[str, str]:
    """model name -> the rest of its line."""
    lines = stdout.splitlines()
    assert lines[0].split() == ["model", "display", "name"]
    return {line.split()[0]: line for line in lines[1:]}


def test_lists_a_running_simulator_s_live_models_with_the_default_marked(tmp_path: Path) -> None:
    with SimProcess("--speed", "max") as sim:
        result = run(tmp_path=tmp_path, **sim.exports)  # the three exported variables, as a user pastes them
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    listed = rows(result.stdout)
    assert list(listed) == [m.name for m in CATALOGUE], "only the Live models, none of the others it also lists"
    assert listed[DEFAULT_MODEL].rstrip().endswith("default")
    assert "Gemini 3.8 Live Extended Thinking" in listed["gemini-3.8-live-extended-thinking"]
    assert [name for name, line in listed.items() if line.rstrip().endswith("default")] == [DEFAULT_MODEL]


def test_without_a_key_it_asks_the_built_in_simulator_and_says_so(tmp_path: Path) -> None:
    result = run(tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert list(rows(result.stdout)) == [m.name for m in CATALOGUE]
    assert result.stderr == "livetui: these are the offline simulator's models (no API key set, or --sim)\n"


def test_a_refused_key_is_one_line_exit_1_and_never_the_key(tmp_path: Path) -> None:
    with SimProcess("--reject-key", KEY) as sim:
        result = run(tmp_path=tmp_path, **{**sim.exports, "GEMINI_API_KEY": KEY})
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("livetui: the API key was refused (API key not valid. Please pass a valid API key.)")
    assert "GEMINI_API_KEY" in result.stderr and len(result.stderr.splitlines()) == 1
    assert KEY not in result.stderr and "Traceback" not in result.stderr


def test_an_unreachable_service_is_one_line_exit_1(tmp_path: Path) -> None:
    with SimProcess("--ca-file", str(tmp_path / "ca.pem")) as sim:
        exports = {**sim.exports, "GEMINI_API_KEY": KEY}  # not its own key "livetui-sim": that word would be scrubbed
    result = run(tmp_path=tmp_path, **exports)  # the simulator has stopped: nothing listens there now
    assert result.returncode == 1 and result.stdout == ""
    port = sim.exports["GOOGLE_GEMINI_BASE_URL"].rsplit(":", 1)[1]
    assert result.stderr.startswith(f"livetui: cannot list the models: nothing is listening at 127.0.0.1:{port} — is livetui-sim running?")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    (tmp_path / "ca.pem").unlink()  # and with the CA file gone as well, as when livetui-sim cleans up
    result = run(tmp_path=tmp_path, **exports)
    assert result.returncode == 1
    assert result.stderr == f"livetui: cannot list the models: SSL_CERT_FILE names no file ({tmp_path / 'ca.pem'}) · " \
                            "if you use livetui-sim, paste the lines it prints now\n"


def test_a_broken_config_file_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("sim = 3\n")
    result = run("--config", str(bad), tmp_path=tmp_path)
    assert (result.returncode, result.stderr) == (2, f"livetui: {bad}, line 1: sim must be true or false, not 3\n")


def test_help_names_the_subcommand_and_its_own_help_works(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0 and "livetui models [--sim]" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        cli.main(["models", "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0 and "--sim" in out and "List the Live models the service offers" in out
