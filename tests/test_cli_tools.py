"""`livetui tools check FILE` and `livetui --tools FILE`: the real command, in a process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from livetui.testing.simproc import clean_env

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
[[function]]
name = "get_weather"
description = "The weather in a city"
command = ["./weather.py", "--metric"]
timeout = 5
behavior = "NON_BLOCKING"
scheduling = "WHEN_IDLE"

[function.parameters]
type = "object"
properties.city = { type = "string" }
required = ["city"]

[[function]]
name = "pick_a_colour"
description = "Ask the person for a colour"
answer = "user"
"""


def run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = clean_env(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_STATE_HOME=str(tmp_path / "state"))
    return subprocess.run([sys.executable, "-m", "livetui", *args], check=False, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)


def tools_file(tmp_path: Path, text: str, name: str = "tools.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_check_lists_what_a_good_file_declares(tmp_path: Path) -> None:
    path = tools_file(tmp_path, GOOD)
    script = tmp_path / "weather.py"
    script.write_text("#!/usr/bin/env python3\nprint('{}')\n")
    script.chmod(0o755)
    result = run("tools", "check", str(path), tmp_path=tmp_path)
    assert (result.returncode, result.stderr) == (0, ""), result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"{path}: 2 functions",
        f"  get_weather    command {script} --metric (timeout 5 s, output up to 65536 bytes)  · NON_BLOCKING, WHEN_IDLE",
        "  pick_a_colour  answered by the user  · the model's default behavior",
    ]


def test_check_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    path = tools_file(tmp_path, GOOD.replace('name = "pick_a_colour"', 'name = "pick a colour"').replace("timeout = 5", "timeout = 0"))
    result = run("tools", "check", str(path), tmp_path=tmp_path)
    assert result.returncode == 1 and result.stderr == ""
    assert result.stdout.splitlines() == [
        f"{path}:4: command: {tmp_path / 'weather.py'} does not exist",
        f"{path}:5: timeout: must be a number of seconds above 0, not 0",
        f"{path}:15: name: 'pick a colour' is not a function name the API takes (a letter or _ first, then letters, digits, _ . : or -, at most 64 characters)",
    ]


def test_check_reads_json_and_names_its_lines(tmp_path: Path) -> None:
    path = tools_file(tmp_path, '{"functions": [\n  {"name": "f", "answer": "user"},\n  {"name": "f", "answer": "user", "extra": 1}\n]}\n', "t.json")
    result = run("tools", "check", str(path), tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{path}:3: extra: unknown key (the keys are: name, description, parameters, behavior, scheduling, command, timeout, max_output, answer)",
        f"{path}:3: name: 'f' is declared twice (first at line 2)",
    ]


def test_check_without_a_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run("tools", tmp_path=tmp_path)
    assert result.returncode == 2 and "usage: livetui tools" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_file_at_start_up_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tools_file(tmp_path, '[[function]]\nname = "f"\ncommand = "rm -rf /"\n')
    result = run("--tools", str(path), tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f'livetui: {path}:3: command: must be a list: the program and its arguments, e.g. ["./weather.py", "--metric"] (never a shell line), not \'rm -rf /\'\n'
    )
    assert result.stdout == ""


def test_a_bad_file_named_in_the_config_file_stops_the_start_too(tmp_path: Path) -> None:
    tools_file(tmp_path, "[[function]]\n", "broken.json")
    config = tmp_path / "config.toml"
    config.write_text('[tools]\nfile = "broken.json"\n')
    result = run("--config", str(config), tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"livetui: {tmp_path / 'broken.json'}:1: not valid JSON") and result.stderr.count("\n") == 1
