"""A declared command answers a call: the arguments as JSON on its stdin, its result as
JSON on its stdout, its stderr to the log.

The model's arguments are data: they go on stdin only, never into the argv, a shell or
an environment variable. Whatever goes wrong (a missing program, a crash, a hang,
non-JSON, too much output) becomes an `{"error": ...}` result the model can act on, and
the program's whole process group is killed when it overstays or the call is dropped.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..sanitize import safe_text
from ..secrets import KEY_VARS
from .card import CardState
from .spec import CommandAnswer

__all__ = ["CommandResult", "program_problem", "run_command"]

STDERR_LINES = 200  # logged per call; the rest is read and dropped (a chatty program must not flood the log)
STDERR_LINE_CHARS = 500
_POSIX = os.name == "posix"


@dataclass(frozen=True)
class CommandResult:
    state: CardState  # "answered" | "timed out" | "failed"
    response: dict[str, Any]  # {"output": <JSON value>} or {"error": "<words>"}
    note: str = ""  # words for the card when not answered
    took_s: float = 0.0


class _TooMuch(Exception):
    pass


async def run_command(answer: CommandAnswer, args: Mapping[str, Any], *, log: Callable[[str], None] = lambda line: None) -> CommandResult:
    """Run `answer.argv` (no shell) with `args` as JSON on stdin; its stdout, parsed as JSON, is
    the result. Cancelling this coroutine kills the program (and whatever it started)."""
    started = time.monotonic()
    program = os.path.basename(answer.argv[0])

    def result(state: CardState, response: dict[str, Any], note: str = "") -> CommandResult:
        return CommandResult(state, response, note, time.monotonic() - started)

    def failed(words: str) -> CommandResult:
        return result("failed", {"error": words}, words)

    try:
        payload = json.dumps(dict(args), ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        return failed(f"the arguments could not be written as JSON: {exc}")
    try:
        proc = await asyncio.create_subprocess_exec(
            *answer.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=answer.cwd,
            env=_child_env(),
            # Its own process group, so a timeout or a cancelled call kills its children too.
            start_new_session=_POSIX,
        )
    except FileNotFoundError:
        if answer.cwd is not None and not answer.cwd.is_dir():
            return failed(f"the folder it runs in, {answer.cwd}, is not there")
        return failed(f"the program {answer.argv[0]} was not found")
    except PermissionError:
        return failed(f"the program {answer.argv[0]} cannot be run (permission denied)")
    except OSError as exc:
        return failed(f"the program {answer.argv[0]} could not be started: {exc.strerror or exc}")

    last_err: list[str] = []
    tasks = (
        asyncio.create_task(_read_capped(proc.stdout, answer.max_output_bytes)),
        asyncio.create_task(_log_lines(proc.stderr, program, log, last_err)),
        asyncio.create_task(_write(proc.stdin, payload)),
    )
    try:
        async with asyncio.timeout(answer.timeout_s):
            out = await tasks[0]
            await tasks[1]
            await tasks[2]
            code = await proc.wait()
    except TimeoutError:
        await _kill(proc, tasks)
        words = f"the command did not answer within {answer.timeout_s:g} s and was stopped"
        return result("timed out", {"error": words}, words)
    except _TooMuch:
        await _kill(proc, tasks)
        return failed(f"the command printed more than {answer.max_output_bytes} bytes (the limit) and was stopped")
    except BaseException:  # cancelled (e.g. toolCallCancellation), or this task is going away
        await _kill(proc, tasks)
        raise
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    why = f": {last_err[-1]}" if last_err else ""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return failed(f"the command was killed by {name}{why}")
    if code != 0:
        return failed(f"the command exited with status {code}{why}")
    if not out.strip():
        return failed(f"the command printed nothing; its answer must be JSON on stdout{why}")
    try:
        value = json.loads(out, parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError) as exc:
        detail = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        return failed(f"the command's output is not JSON ({detail}): {_preview(out)}")
    return result("answered", {"output": value})


def program_problem(answer: CommandAnswer) -> str | None:
    """Why `answer`'s program cannot be started as things stand, or None (for `livetui tools check`)."""
    program = answer.argv[0]
    if os.path.dirname(program):
        if not os.path.exists(program):
            return f"{program} does not exist"
        if os.path.isdir(program):
            return f"{program} is a folder"
        if not os.access(program, os.X_OK):
            return f"{program} is not executable (chmod +x)"
        return None
    return None if shutil.which(program) else f"no program called {program} on the PATH"


async def _write(stdin: asyncio.StreamWriter | None, payload: bytes) -> None:
    """The arguments, then end of input; a program that never reads them is no error."""
    if stdin is None:
        return
    try:
        stdin.write(payload)
        await stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        try:
            stdin.close()
        except (BrokenPipeError, ConnectionResetError):
            pass


async def _read_capped(stream: asyncio.StreamReader | None, most: int) -> bytes:
    if stream is None:
        return b""
    data = bytearray()
    while chunk := await stream.read(65_536):
        data += chunk
        if len(data) > most:
            raise _TooMuch
    return bytes(data)


async def _log_lines(stream: asyncio.StreamReader | None, program: str, log: Callable[[str], None], last: list[str]) -> None:
    """Each stderr line to the log, made safe to show; the last one kept for the error's words."""
    if stream is None:
        return
    count = 0
    while True:
        try:
            raw = await stream.readline()
        except ValueError:  # a line over the reader's limit: take what is there
            raw = await stream.read(65_536)
        if not raw:
            return
        line = safe_text(raw.decode("utf-8", "replace").rstrip("\r\n"))[:STDERR_LINE_CHARS]
        if not line.strip():
            continue
        last[:] = [line[:200]]
        count += 1
        if count <= STDERR_LINES:
            log(f"{program}: {line}")
        elif count == STDERR_LINES + 1:
            log(f"{program}: … more on stderr, not logged")


async def _kill(proc: asyncio.subprocess.Process, readers: tuple[asyncio.Task[Any], ...]) -> None:
    """Kill the program's whole group (it may have started others), then reap it."""
    try:
        if _POSIX:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    # Shielded: a second cancellation must not leave a zombie behind.
    await asyncio.shield(_reap(proc, readers))


async def _reap(proc: asyncio.subprocess.Process, readers: tuple[asyncio.Task[Any], ...]) -> None:
    """Our readers stopped, then the pipes read to their end: a pipe left full is paused and
    never sees its end, and wait() waits for the pipes (a flood past the limit hung here)."""
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await asyncio.gather(_drain(proc.stdout), _drain(proc.stderr), return_exceptions=True)
    await proc.wait()


async def _drain(stream: asyncio.StreamReader | None) -> None:
    if stream is not None:
        while await stream.read(65_536):
            pass


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")  # Python's json reads NaN and Infinity; the API's JSON does not


def _child_env() -> dict[str, str]:
    """This environment without the API key: a tool needs none, and must not see it."""
    return {name: value for name, value in os.environ.items() if name not in KEY_VARS}


def _preview(out: bytes) -> str:
    text = safe_text(out[:80].decode("utf-8", "replace")).replace("\n", " ")
    return text + ("…" if len(out) > 80 else "")
