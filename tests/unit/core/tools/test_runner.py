"""The command runner with real programs: small Python scripts run by this interpreter."""

from __future__ import annotations

import asyncio
import json
import os
import select
import stat
import sys
import textwrap
from pathlib import Path

import pytest

from livetui.core.tools.runner import STDERR_LINES, program_problem, run_command
from livetui.core.tools.spec import CommandAnswer

pytestmark = pytest.mark.skipif(os.name != "posix", reason="process groups and pidfds")


def script(tmp_path: Path, body: str, name: str = "tool.py", **answer: object) -> CommandAnswer:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return CommandAnswer(argv=(sys.executable, str(path)), cwd=tmp_path, **answer)  # type: ignore[arg-type]


def gone(pid: int, within_s: float = 30.0) -> bool:
    """True once process `pid` has ended: its pidfd turns readable (no polling loop, no sleep)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True  # ended and reaped already
    try:
        readable, _, _ = select.select([fd], [], [], within_s)
        return bool(readable)
    finally:
        os.close(fd)


ECHO = """\
    import json, sys
    args = json.load(sys.stdin)
    print("read", len(args), "arguments", file=sys.stderr)
    print(json.dumps({"echo": args, "argv": sys.argv[1:]}))
    """


async def test_the_arguments_go_on_stdin_and_the_json_on_stdout_is_the_answer(tmp_path: Path) -> None:
    lines: list[str] = []
    args = {"city": "Zürich; rm -rf ~", "$(whoami)": ["`id`", 1.5, None, True]}
    result = await run_command(script(tmp_path, ECHO), args, log=lines.append)
    assert result.state == "answered", result
    assert result.response == {"output": {"echo": args, "argv": []}}  # nothing of the model's in the argv
    assert result.note == "" and result.took_s > 0
    assert lines == [f"{Path(sys.executable).name}: read 2 arguments"]  # the program's name, then its line


async def test_any_json_value_is_an_answer(tmp_path: Path) -> None:
    result = await run_command(script(tmp_path, "print('[1, \"two\"]')"), {})
    assert (result.state, result.response) == ("answered", {"output": [1, "two"]})


async def test_it_runs_in_the_file_s_folder_without_the_api_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "AIzaSy-not-for-tools-0123456789")
    monkeypatch.setenv("GOOGLE_API_KEY", "AIzaSy-not-for-tools-either-0123")
    monkeypatch.setenv("LIVETUI_TOOL_SEES", "this")
    body = """\
        import json, os
        print(json.dumps({"cwd": os.getcwd(), "keys": [k for k in os.environ if k.endswith("_API_KEY")], "other": os.environ.get("LIVETUI_TOOL_SEES")}))
        """
    folder = tmp_path / "tools"
    folder.mkdir()
    result = await run_command(script(folder, body), {})
    assert result.response == {"output": {"cwd": str(folder), "keys": [], "other": "this"}}


async def test_stderr_lines_are_logged_with_control_characters_made_safe(tmp_path: Path) -> None:
    body = r"""
        import sys
        sys.stderr.write("title \x1b]0;pwned\x07 here\n\nsecond \x9b line\r\n")
        print("{}")
        """
    lines: list[str] = []
    result = await run_command(script(tmp_path, body), {}, log=lines.append)
    assert result.state == "answered"
    assert [line.split(": ", 1)[1] for line in lines] == ["title \u241b]0;pwned\u2407 here", "second <U+009B> line"]
    assert not any("\x1b" in line or "\x07" in line for line in lines)


async def test_a_flood_on_stderr_is_logged_only_so_far(tmp_path: Path) -> None:
    body = f"""\
        import sys
        for n in range({STDERR_LINES + 50}):
            print("line", n, file=sys.stderr)
        print("true")
        """
    lines: list[str] = []
    result = await run_command(script(tmp_path, body), {}, log=lines.append)
    assert result.response == {"output": True}
    assert len(lines) == STDERR_LINES + 1 and lines[-1].endswith("more on stderr, not logged")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("print('the weather is fine')", "the command's output is not JSON (Expecting value): the weather is fine"),
        ("pass", "the command printed nothing; its answer must be JSON on stdout"),
        ("import sys; sys.stdout.buffer.write(b'\"caf\\xe9\"')", "not JSON (not UTF-8)"),
        ("print('{\"temp\": NaN}')", "not JSON (NaN is not a JSON value)"),
        ("import sys; print('no such city', file=sys.stderr); sys.exit(3)", "the command exited with status 3: no such city"),
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "the command was killed by SIGKILL"),
        ("import os; os.abort()", "the command was killed by SIGABRT"),
    ],
)
async def test_a_program_that_fails_gives_an_error_result(tmp_path: Path, body: str, words: str) -> None:
    result = await run_command(script(tmp_path, body), {"x": 1})
    assert result.state == "failed"
    assert words in result.response["error"] and set(result.response) == {"error"}
    assert result.note == result.response["error"]


async def test_output_up_to_the_limit_is_taken_and_more_is_refused(tmp_path: Path) -> None:
    exact = script(tmp_path, "import sys; sys.stdout.write('\"' + 'x' * 98 + '\"')", max_output_bytes=100)
    assert (await run_command(exact, {})).response == {"output": "x" * 98}
    over = script(tmp_path, "import sys; sys.stdout.write('\"' + 'x' * 99 + '\"')", max_output_bytes=100)
    result = await run_command(over, {})
    assert result.state == "failed" and "more than 100 bytes" in result.response["error"]


async def test_a_program_that_never_stops_printing_is_stopped_at_the_limit_not_the_timeout(tmp_path: Path) -> None:
    body = """\
        import os, sys
        open("pid", "w").write(str(os.getpid()))
        while True:
            sys.stdout.write("x" * 4096)
        """
    result = await run_command(script(tmp_path, body, timeout_s=120, max_output_bytes=10_000), {})
    assert result.state == "failed" and "more than 10000 bytes" in result.response["error"]
    assert gone(int((tmp_path / "pid").read_text()))


HANGS = """\
    import os, subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    open("pids", "w").write(f"{os.getpid()} {child.pid}")
    print("started", file=sys.stderr, flush=True)
    time.sleep(600)
    """


async def test_a_program_that_hangs_times_out_and_its_whole_group_is_killed(tmp_path: Path) -> None:
    result = await run_command(script(tmp_path, HANGS, timeout_s=1.0), {})
    assert result.state == "timed out"
    assert result.response == {"error": "the command did not answer within 1 s and was stopped"}
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    assert all(gone(pid) for pid in pids), "the program and the one it started are both gone"


async def test_cancelling_the_call_kills_the_program_and_what_it_started(tmp_path: Path) -> None:
    started = asyncio.Event()

    def log(line: str) -> None:
        if line.endswith("started"):
            started.set()

    task = asyncio.create_task(run_command(script(tmp_path, HANGS, timeout_s=600), {}, log=log))
    await asyncio.wait_for(started.wait(), 30)
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert all(gone(pid) for pid in pids)


async def test_a_program_that_never_reads_its_input_still_answers(tmp_path: Path) -> None:
    result = await run_command(script(tmp_path, "print('{\"ok\": 1}')"), {"big": "x" * 2_000_000})
    assert result.response == {"output": {"ok": 1}}


async def test_a_missing_or_unrunnable_program_is_an_error_result(tmp_path: Path) -> None:
    missing = await run_command(CommandAnswer(argv=(str(tmp_path / "nope.py"),)), {})
    assert missing.state == "failed" and missing.response == {"error": f"the program {tmp_path / 'nope.py'} was not found"}
    plain = tmp_path / "plain.py"
    plain.write_text("print(1)\n")
    denied = await run_command(CommandAnswer(argv=(str(plain),)), {})
    assert denied.state == "failed" and "permission denied" in denied.response["error"]


async def test_a_folder_that_went_away_is_named(tmp_path: Path) -> None:
    answer = CommandAnswer(argv=(sys.executable, "-c", "print(1)"), cwd=tmp_path / "gone")
    result = await run_command(answer, {})
    assert result.response == {"error": f"the folder it runs in, {tmp_path / 'gone'}, is not there"}


def test_program_problem_says_what_check_would(tmp_path: Path) -> None:
    runnable = tmp_path / "run.sh"
    runnable.write_text("#!/bin/sh\necho 1\n")
    assert program_problem(CommandAnswer(argv=(str(runnable),))) == f"{runnable} is not executable (chmod +x)"
    runnable.chmod(runnable.stat().st_mode | stat.S_IXUSR)
    assert program_problem(CommandAnswer(argv=(str(runnable),))) is None
    assert program_problem(CommandAnswer(argv=(str(tmp_path),))) == f"{tmp_path} is a folder"
    assert program_problem(CommandAnswer(argv=(str(tmp_path / "x"),))) == f"{tmp_path / 'x'} does not exist"
    assert program_problem(CommandAnswer(argv=("sh",))) is None
    assert program_problem(CommandAnswer(argv=("no-such-program-livetui",))) == "no program called no-such-program-livetui on the PATH"


async def test_a_command_file_with_a_shebang_runs_as_declared(tmp_path: Path) -> None:
    tool = tmp_path / "weather.py"
    tool.write_text(f"#!{sys.executable}\nimport json, sys\nprint(json.dumps({{'temp_c': 21, 'city': json.load(sys.stdin)['city']}}))\n")
    tool.chmod(0o755)
    result = await run_command(CommandAnswer(argv=(str(tool),), cwd=tmp_path), {"city": "Paris"})
    assert result.response == {"output": {"temp_c": 21, "city": "Paris"}}
    assert json.dumps(result.response)  # what goes to the model is plain JSON
