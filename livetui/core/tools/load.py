"""The declarations file (`--tools FILE`, `[tools] file`): TOML or JSON, read into a ToolBox.

TOML declares each function in a `[[function]]` table; JSON is `{"functions": [{...}]}`.
Keys of a function: `name`, `description`, `parameters` (a JSON schema of type object),
`behavior` (BLOCKING / NON_BLOCKING), `scheduling` (INTERRUPT / WHEN_IDLE / SILENT), and
how it is answered: `command = ["prog", "arg", ...]` (with `timeout` seconds and
`max_output` bytes) or `answer = "user"`.

Every problem names the file, the line and the field, because that is all a user fixing
the file needs. JSON positions come from the decoder; tomllib gives none, so the lines
of a TOML file are found in its text (`_TomlLines`).
"""

from __future__ import annotations

import difflib
import json
import json.decoder
import json.scanner
import math
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .declare import declaration, sdk_refusal
from .runner import program_problem
from .spec import BEHAVIORS, SCHEDULINGS, CommandAnswer, ToolBox, ToolSpec, UserAnswer

__all__ = ["NAME_RULE", "ToolsFileError", "check_args", "check_tools", "load_tools"]

# Function names, as both backends take them: the Gemini API allows letters, digits,
# underscores, dots, colons and dashes, at most 64; the SDK (and Vertex AI) also asks for a
# letter or an underscore first (and allows up to 128). This is the rule both accept.
NAME_RULE = re.compile(r"[A-Za-z_][A-Za-z0-9_.:\-]{0,63}")
NAME_WORDS = "a letter or _ first, then letters, digits, _ . : or -, at most 64 characters"

KEYS = ("name", "description", "parameters", "behavior", "scheduling", "command", "timeout", "max_output", "answer")
COMMAND_ONLY = ("timeout", "max_output")
_TYPES = ("string", "number", "integer", "boolean", "array", "object", "null")
Path_ = tuple[str | int, ...]  # a field's path inside one function: ("parameters", "properties", "city")


class ToolsFileError(Exception):
    """One problem with a declarations file; str() is `FILE:LINE: field: message`.

    `problems` holds every problem the file has (this one first), for `livetui tools check`.
    """

    def __init__(self, path: Path, line: int, field: str, message: str) -> None:
        self.path, self.line, self.field, self.message = path, line, field, message
        self.problems: tuple[ToolsFileError, ...] = (self,)
        where = f"{path}:{line}" if line > 0 else f"{path}"
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


def load_tools(path: Path) -> ToolBox:
    """The functions `path` declares; ToolsFileError (holding every problem) when any is wrong."""
    return _read(_Reader(path))


def check_tools(path: Path) -> ToolBox:
    """`load_tools`, and each declared program must be there now (`livetui tools check`).
    A session starts without one: calling it gives the model an error result."""
    return _read(_Reader(path, programs=True))


def _read(reader: _Reader) -> ToolBox:
    box = reader.read()
    if reader.problems:
        first = reader.problems[0]
        first.problems = tuple(reader.problems)
        raise first
    return box


def check_args(spec: ToolSpec, args: Mapping[str, Any]) -> str | None:
    """None when the model's `args` fit `spec.parameters`, else what is wrong, in words."""
    if not spec.parameters:
        return None
    if not isinstance(args, Mapping):
        return f"the arguments must be an object, not {type(args).__name__}"
    import jsonschema  # here: a third of a second to import, paid only where there are tools

    schema = _plain(spec.parameters)
    validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)(schema)
    try:
        error = jsonschema.exceptions.best_match(validator.iter_errors(_plain(args)))
    except Exception as exc:  # a reference the schema does not hold: the arguments cannot be judged
        return f"the arguments could not be checked against the declared schema: {_short(str(exc))}"
    if error is None:
        return None
    where = ".".join(str(p) for p in error.absolute_path)
    message = _short(error.message)
    return f"{where}: {message}" if where else message


# -- reading -----------------------------------------------------------------------------


class _Reader:
    def __init__(self, path: Path, programs: bool = False) -> None:
        self.path = path
        self.programs = programs
        self.problems: list[ToolsFileError] = []
        self.lines: _Lines = _NoLines()

    def problem(self, line: int, field: str, message: str) -> None:
        self.problems.append(ToolsFileError(self.path, line, field, message))

    def read(self) -> ToolBox:
        kind = self.path.suffix.lower()
        if kind not in (".toml", ".json"):
            self.problem(0, "", f"a declarations file is TOML or JSON: its name ends in .toml or .json, not {kind or 'nothing'!r}")
            return ToolBox()
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problem(0, "", "no such file")
            return ToolBox()
        except IsADirectoryError:
            self.problem(0, "", "is a folder, not a declarations file")
            return ToolBox()
        except UnicodeDecodeError:
            self.problem(0, "", "not UTF-8 text")
            return ToolBox()
        except OSError as exc:
            self.problem(0, "", f"cannot read it: {exc.strerror or exc}")
            return ToolBox()
        items = self._parse_toml(text) if kind == ".toml" else self._parse_json(text)
        if items is None:
            return ToolBox()
        specs: list[ToolSpec] = []
        first_line: dict[str, int] = {}
        for index, item in enumerate(items):
            spec = self._function(index, item)
            name = item.get("name") if isinstance(item, dict) else None
            if isinstance(name, str) and name in first_line:
                self.problem(self.lines.at(index, ("name",)), "name", f"{name!r} is declared twice (first at line {first_line[name]})")
            elif isinstance(name, str):
                first_line[name] = self.lines.at(index, ("name",))
            if spec is not None:
                specs.append(spec)
        self.problems.sort(key=lambda p: p.line)  # in the file's order (stable: a line's own order kept)
        return ToolBox(functions=tuple(specs), source=self.path)

    def _parse_toml(self, text: str) -> list[Any] | None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            m = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
            if m:
                self.problem(int(m.group(1)), "", f"not valid TOML: {message[: m.start()]} (column {m.group(2)})")
            else:
                self.problem(0, "", f"not valid TOML: {message}")
            return None
        self.lines = _TomlLines(text)
        return self._top(data, "function", "[[function]] tables")

    def _parse_json(self, text: str) -> list[Any] | None:
        json_lines = _JsonLines(text)
        try:
            data = json_lines.load()
        except json.JSONDecodeError as exc:
            self.problem(exc.lineno, "", f"not valid JSON: {exc.msg} (column {exc.colno})")
            return None
        self.lines = json_lines
        for key, line, first in json_lines.duplicates:
            self.problem(line, key, f"given twice (first at line {first}); JSON keeps only the last")
        if not isinstance(data, dict):
            self.problem(1, "", f'the file must be an object {{"functions": [...]}}, not {_kind(data)}')
            return None
        return self._top(data, "functions", 'a list under "functions"')

    def _top(self, data: Mapping[str, Any], key: str, shape: str) -> list[Any] | None:
        for other in data:
            if other != key:
                self.problem(self.lines.top(other), other, f"unknown key: the functions go in {shape}")
        items = data.get(key)
        if items is None:
            self.problem(1 if not data else self.lines.top(next(iter(data))), key, f"declares no functions: they go in {shape}")
            return None
        if not isinstance(items, list):
            self.problem(self.lines.top(key), key, f"must be {shape}, not {_kind(items)}")
            return None
        if not items:
            self.problem(self.lines.top(key), key, "declares no functions")
        self.lines.functions = len(items)
        return items

    def _function(self, index: int, item: Any) -> ToolSpec | None:
        at = self.lines.function(index)
        if not isinstance(item, dict):
            self.problem(at, f"function {index + 1}", f"must be a table of keys (name, description, ...), not {_kind(item)}")
            return None
        before = len(self.problems)

        def bad(path: Path_, message: str) -> None:
            self.problem(self.lines.at(index, path), ".".join(str(p) for p in path), message)

        for key in item:
            if key not in KEYS:
                close = difflib.get_close_matches(key, KEYS, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (the keys are: {', '.join(KEYS)})"
                bad((key,), f"unknown key{hint}")
        name = item.get("name")
        if name is None:
            self.problem(at, "name", "missing: every function needs a name")
        elif not isinstance(name, str):
            bad(("name",), f"must be a string, not {_kind(name)}")
        elif not NAME_RULE.fullmatch(name):
            bad(("name",), f"{name!r} is not a function name the API takes ({NAME_WORDS})")
        description = item.get("description", "")
        if not isinstance(description, str):
            bad(("description",), f"must be a string, not {_kind(description)}")
        parameters = self._parameters(item.get("parameters"), bad)
        behavior = self._choice(item, "behavior", BEHAVIORS, bad)
        scheduling = self._choice(item, "scheduling", SCHEDULINGS, bad)
        if scheduling is not None and behavior == "BLOCKING":
            bad(("scheduling",), "goes with behavior = NON_BLOCKING only (a BLOCKING result is used at once)")
        answered_by = self._answer(item, bad)
        if len(self.problems) > before:
            return None
        spec = ToolSpec(
            name=name,
            description=description,
            parameters=parameters,
            answered_by=answered_by,
            behavior=behavior,
            scheduling=scheduling,
            line=at,
        )
        refusal = sdk_refusal(declaration(spec))
        if refusal:
            self.problem(at, "", f"the google-genai SDK refuses this declaration: {refusal}")
            return None
        return spec

    @staticmethod
    def _parameters(value: Any, bad: Callable[[Path_, str], None]) -> dict[str, Any]:
        if value is None:
            return {}  # a function without arguments
        if not isinstance(value, dict):
            bad(("parameters",), f"must be a JSON schema (a table), not {_kind(value)}")
            return {}
        if value.get("type") != "object":
            hint = " (JSON schema types are lowercase)" if isinstance(value.get("type"), str) and value["type"].lower() == "object" else ""
            bad(("parameters", "type"), f'must be "object": the parameters are an object of named arguments{hint}')
            return {}
        import jsonschema

        try:
            jsonschema.validators.validator_for(value, default=jsonschema.Draft202012Validator).check_schema(value)
        except jsonschema.exceptions.SchemaError as exc:
            path = ("parameters", *exc.absolute_path)
            if path[-1] == "type" and exc.instance is not value:
                message = f"{_show(exc.instance)} is not a JSON schema type ({', '.join(_TYPES)}, or a list of them)"
            else:
                message = f"not a valid JSON schema: {_short(exc.message)}"
            bad(path, message)
            return {}
        for path, ref in _refs(value, ("parameters",)):
            if not ref.startswith("#"):
                bad(path, f"{_show(ref)}: only references inside the schema (#/...) are taken; nothing is fetched")
                return {}
        return _plain(value)  # plain dicts: JSON's carry their lines

    @staticmethod
    def _choice(item: Mapping[str, Any], key: str, allowed: Sequence[str], bad: Callable[[Path_, str], None]) -> Any:
        value = item.get(key)
        if value is None:
            return None
        if value not in allowed:
            bad((key,), f"must be {' or '.join(repr(a) for a in allowed)}, not {_show(value)}")
            return None
        return value

    def _answer(self, item: Mapping[str, Any], bad: Callable[[Path_, str], None]) -> CommandAnswer | UserAnswer:
        command, answer = item.get("command"), item.get("answer")
        if command is not None and answer is not None:
            bad(("answer",), 'give one of command = [...] or answer = "user", not both')
            return UserAnswer()
        if command is None and answer is None:
            bad(("name",), 'say how it is answered: command = ["program", "arg", ...] or answer = "user"')
            return UserAnswer()
        if answer is not None:
            if answer != "user":
                bad(("answer",), f'must be "user" (the person answers in a dialog), not {_show(answer)}')
            for key in COMMAND_ONLY:
                if key in item:
                    bad((key,), 'goes with command = [...], not with answer = "user"')
            return UserAnswer()
        if isinstance(command, str):
            bad(("command",), f'must be a list: the program and its arguments, e.g. ["./weather.py", "--metric"] (never a shell line), not {_show(command)}')
            return UserAnswer()
        if not isinstance(command, list) or not command:
            bad(("command",), f"must be a non-empty list of strings (the program and its arguments), not {_show(command)}")
            return UserAnswer()
        for n, arg in enumerate(command):
            if not isinstance(arg, str) or not arg or "\0" in arg:
                bad(("command", n), f"item {n + 1} must be a non-empty string, not {_show(arg)}")
                return UserAnswer()
        folder = self.path.parent.absolute()
        program = command[0]
        if ("/" in program or "\\" in program) and not Path(program).is_absolute():
            program = str(folder / program)  # relative to the file, wherever livetui is started
        timeout = item.get("timeout", CommandAnswer.timeout_s)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0:
            bad(("timeout",), f"must be a number of seconds above 0, not {_show(timeout)}")
            timeout = CommandAnswer.timeout_s
        max_output = item.get("max_output", CommandAnswer.max_output_bytes)
        if isinstance(max_output, bool) or not isinstance(max_output, int) or max_output <= 0:
            bad(("max_output",), f"must be a whole number of bytes above 0, not {_show(max_output)}")
            max_output = CommandAnswer.max_output_bytes
        answer = CommandAnswer(argv=(program, *command[1:]), timeout_s=float(timeout), max_output_bytes=max_output, cwd=folder)
        if self.programs and (why := program_problem(answer)):
            bad(("command",), why)
        return answer


# -- where things are in the text ---------------------------------------------------------


class _Lines:
    """Line numbers (1-based) of what the parsed data holds; 0 when not known."""

    functions = 0

    def top(self, key: str) -> int:
        return 0

    def function(self, index: int) -> int:
        return 0

    def at(self, index: int, path: Path_) -> int:
        return self.function(index)


class _NoLines(_Lines):
    pass


class _Located(dict[str, Any]):
    """A JSON object that knows where it starts and where each of its keys is."""

    line = 0
    key_lines: dict[str, int]


class _JsonLines(_Lines):
    """Parses JSON with Python's pure scanner, noting the line of every object and key."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.data: Any = None
        self.duplicates: list[tuple[str, int, int]] = []  # (key, line, first line)

    def _line(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def _key_line(self, value_pos: int) -> int:
        """The key's line, from where its value starts: back over the colon to the key's quote."""
        pos = value_pos - 1
        while pos > 0 and self.text[pos] in " \t\r\n":
            pos -= 1
        pos -= 1  # the colon
        while pos > 0 and self.text[pos] in " \t\r\n":
            pos -= 1
        return self._line(pos)

    def load(self) -> Any:
        decoder = json.JSONDecoder()

        def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Any, object_hook: Any, pairs_hook: Any, memo: Any = None) -> Any:
            starts: list[int] = []

            def scan(string: str, idx: int) -> Any:
                starts.append(idx)
                return scan_once(string, idx)

            pairs, end = json.decoder.JSONObject(s_and_end, strict, scan, None, list, memo)  # type: ignore[attr-defined]
            obj = _Located()
            obj.line = self._line(s_and_end[1] - 1)
            obj.key_lines = {}
            for (key, value), start in zip(pairs, starts):
                line = self._key_line(start)
                if key in obj.key_lines:
                    self.duplicates.append((key, line, obj.key_lines[key]))
                obj[key] = value
                obj.key_lines[key] = line
            return obj, end

        decoder.parse_object = parse_object  # type: ignore[attr-defined]
        decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
        self.data = decoder.decode(self.text)
        return self.data

    def top(self, key: str) -> int:
        return self.data.key_lines.get(key, 1) if isinstance(self.data, _Located) else 1

    def _item(self, index: int) -> Any:
        items = self.data.get("functions") if isinstance(self.data, dict) else None
        return items[index] if isinstance(items, list) and index < len(items) else None

    def function(self, index: int) -> int:
        item = self._item(index)
        return item.line if isinstance(item, _Located) else self.top("functions")

    def at(self, index: int, path: Path_) -> int:
        node, line = self._item(index), self.function(index)
        for step in path:
            if isinstance(node, _Located) and isinstance(step, str) and step in node:
                line, node = node.key_lines[step], node[step]
            elif isinstance(node, list) and isinstance(step, int) and step < len(node):
                node = node[step]
                line = node.line if isinstance(node, _Located) else line
            else:
                break
        return line


_HEADER = re.compile(r"\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?")


@dataclass
class _Section:
    path: tuple[str, ...]  # the header's dotted name inside the function: () for [[function]] itself
    start: int  # the header's line
    end: int  # the last line of the section


class _TomlLines(_Lines):
    """Lines found in the text: the N-th `[[function]]` header opens function N; its keys and
    sub-tables (`[function.parameters]`, dotted keys, inline tables) follow, up to the next."""

    def __init__(self, text: str) -> None:
        self.rows = text.splitlines()
        self.blocks: list[list[_Section]] = []
        self.top_lines: dict[str, int] = {}
        self._scan()

    def _scan(self) -> None:
        in_string: str | None = None  # inside a multi-line string: its quotes
        current: list[_Section] | None = None
        for number, row in enumerate(self.rows, 1):
            if in_string is not None:
                if row.count(in_string) % 2 == 1:
                    in_string = None
                continue
            for quotes in ('"""', "'''"):
                if row.count(quotes) % 2 == 1:
                    in_string = quotes
            m = _HEADER.fullmatch(row)
            if m:
                names = tuple(part.strip().strip("\"'") for part in m.group(2).split("."))
                if current:
                    current[-1].end = number - 1
                if names == ("function",) and m.group(1) == "[[":
                    current = [_Section((), number, number)]
                    self.blocks.append(current)
                elif names[0] == "function" and current is not None:
                    current.append(_Section(names[1:], number, number))
                else:
                    current = None
                    self.top_lines.setdefault(names[0], number)
                continue
            if current is None:
                key = re.match(r"\s*[\"']?([A-Za-z0-9_\-]+)", row)
                if key and "=" in row:
                    self.top_lines.setdefault(key.group(1), number)
            else:
                current[-1].end = number

    def top(self, key: str) -> int:
        if key == "function" and self.blocks:
            return self.blocks[0][0].start
        return self.top_lines.get(key, 1)

    def function(self, index: int) -> int:
        if index < len(self.blocks):
            return self.blocks[index][0].start
        return self.top_lines.get("function", 1)  # function = [{...}, ...] written inline

    def at(self, index: int, path: Path_) -> int:
        if index >= len(self.blocks):
            return self.function(index)
        keys = tuple(str(p) for p in path if isinstance(p, str))
        # The section whose header names the longest beginning of the path, else the function's own keys.
        section = max(
            (s for s in self.blocks[index] if keys[: len(s.path)] == s.path),
            key=lambda s: len(s.path),
        )
        line, rest = section.start, keys[len(section.path) :]
        for key in rest:  # each key at or after the one before: `a = {b = ...}`, `a.b = ...`
            found = self._find_key(key, line if line != section.start else section.start + 1, section.end)
            if found is None:
                break
            line = found
        return line

    def _find_key(self, key: str, start: int, end: int) -> int | None:
        pattern = re.compile(rf"(?:^|[\s{{,.])[\"']?{re.escape(key)}[\"']?\s*[=.]")
        for number in range(start, end + 1):
            if pattern.search(self.rows[number - 1]):
                return number
        return None


# -- words ---------------------------------------------------------------------------------


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "true/false", int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else repr(value)
    return _short(text, 60)


def _short(text: str, most: int = 200) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _refs(node: Any, path: Path_) -> list[tuple[Path_, str]]:
    """Every `$ref` in a schema, with where it is."""
    found: list[tuple[Path_, str]] = []
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.append(((*path, key), value))
            else:
                found.extend(_refs(value, (*path, key)))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            found.extend(_refs(value, (*path, n)))
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
