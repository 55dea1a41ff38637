"""The declarations file: what it declares, and every problem at its file, line and field."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from google.genai import types

from livetui.core.tools.declare import declaration, sdk_refusal
from livetui.core.tools.load import ToolsFileError, check_args, check_tools, load_tools
from livetui.core.tools.spec import CommandAnswer, ToolSpec, UserAnswer

GOOD_TOML = """\
# two functions: one a script answers, one the person answers
[[function]]
name = "get_weather"
description = "The weather in a city"
command = ["./weather.py", "--metric"]
timeout = 5
max_output = 4096
behavior = "NON_BLOCKING"
scheduling = "WHEN_IDLE"

[function.parameters]
type = "object"
required = ["city"]
properties.city = { type = "string", description = "a city name" }

[[function]]
name = "ask_the_user"
description = "Ask the person at the keyboard"
answer = "user"
behavior = "BLOCKING"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ToolsFileError) as info:
        load_tools(path)
    assert info.value is info.value.problems[0]
    return [str(p) for p in info.value.problems]


def only_problem(path: Path) -> tuple[int, str, str]:
    with pytest.raises(ToolsFileError) as info:
        load_tools(path)
    assert len(info.value.problems) == 1, [str(p) for p in info.value.problems]
    e = info.value
    assert str(e) == (f"{path}:{e.line}: {e.field}: {e.message}" if e.field else f"{path}:{e.line}: {e.message}")
    return e.line, e.field, e.message


# --- what a good file declares -------------------------------------------------------


def test_a_toml_file_declares_its_functions(tmp_path: Path) -> None:
    path = write(tmp_path, "tools.toml", GOOD_TOML)
    box = load_tools(path)
    assert box.source == path
    weather, ask = box.functions
    assert weather == ToolSpec(
        name="get_weather",
        description="The weather in a city",
        parameters={"type": "object", "required": ["city"], "properties": {"city": {"type": "string", "description": "a city name"}}},
        answered_by=CommandAnswer(argv=(str(tmp_path / "weather.py"), "--metric"), timeout_s=5.0, max_output_bytes=4096, cwd=tmp_path),
        behavior="NON_BLOCKING",
        scheduling="WHEN_IDLE",
        line=2,
    )
    assert weather.parameters == {"type": "object", "required": ["city"], "properties": {"city": {"type": "string", "description": "a city name"}}}
    assert ask.answered_by == UserAnswer() and ask.behavior == "BLOCKING" and ask.line == 16
    assert box.get("ask_the_user") is ask and box.get("nothing") is None


def test_a_json_file_declares_the_same(tmp_path: Path) -> None:
    toml_box = load_tools(write(tmp_path, "tools.toml", GOOD_TOML))
    import tomllib

    data = tomllib.loads(GOOD_TOML)
    path = tmp_path / "tools.json"
    text = json.dumps({"functions": data["function"]}, indent=2)
    path.write_text(text)
    json_box = load_tools(path)
    assert [(f.name, f.parameters, f.answered_by, f.behavior, f.scheduling) for f in json_box.functions] == [
        (f.name, f.parameters, f.answered_by, f.behavior, f.scheduling) for f in toml_box.functions
    ]
    opens = [n for n, line in enumerate(text.splitlines(), 1) if line == "    {"]
    assert len(opens) == 2 and [f.line for f in json_box.functions] == opens  # where each object opens


def test_defaults_a_bare_program_and_no_parameters(tmp_path: Path) -> None:
    path = write(tmp_path, "t.toml", """\
        [[function]]
        name = "now"
        command = ["date", "+%s"]
        """)
    (now,) = load_tools(path).functions
    assert now.answered_by == CommandAnswer(argv=("date", "+%s"), cwd=tmp_path)  # on the PATH: left for the PATH
    assert now.parameters == {} and now.behavior is None and now.scheduling is None and now.description == ""


def test_a_relative_program_means_from_the_file_s_folder_wherever_livetui_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "tools"
    folder.mkdir()
    write(folder, "t.toml", '[[function]]\nname = "x"\ncommand = ["bin/run", "data/in.txt"]\n')
    monkeypatch.chdir(tmp_path)
    (x,) = load_tools(Path("tools/t.toml")).functions
    assert isinstance(x.answered_by, CommandAnswer)
    assert x.answered_by.argv == (str(folder / "bin" / "run"), "data/in.txt")
    assert x.answered_by.cwd == folder  # so its own relative arguments mean the same


# --- TOML problems, each at its line -------------------------------------------------

ONE = '[[function]]\nname = "f"\nanswer = "user"\n'  # lines 1-3


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        (ONE + "colour = 3\n", 4, "colour", "unknown key"),
        (ONE + "descripton = 'x'\n", 4, "descripton", "did you mean 'description'?"),
        ('[[function]]\nanswer = "user"\n', 1, "name", "missing"),
        ('[[function]]\nname = 3\nanswer = "user"\n', 2, "name", "must be a string"),
        ('[[function]]\nname = "9lives"\nanswer = "user"\n', 2, "name", "not a function name the API takes"),
        ('[[function]]\nname = "get weather"\nanswer = "user"\n', 2, "name", "not a function name"),
        ('[[function]]\nname = "' + "a" * 65 + '"\nanswer = "user"\n', 2, "name", "at most 64"),
        (ONE + "description = ['x']\n", 4, "description", "must be a string"),
        (ONE + "behavior = 'non_blocking'\n", 4, "behavior", "must be 'BLOCKING' or 'NON_BLOCKING'"),
        (ONE + "scheduling = 'LATER'\n", 4, "scheduling", "'INTERRUPT' or 'WHEN_IDLE' or 'SILENT'"),
        (ONE + "behavior = 'BLOCKING'\nscheduling = 'SILENT'\n", 5, "scheduling", "goes with behavior = NON_BLOCKING"),
        ('[[function]]\nname = "f"\n', 2, "name", 'command = ["program", "arg", ...] or answer = "user"'),
        (ONE + 'command = ["x"]\n', 3, "answer", "not both"),
        ('[[function]]\nname = "f"\nanswer = "me"\n', 3, "answer", 'must be "user"'),
        (ONE + "timeout = 5\n", 4, "timeout", "goes with command"),
        ('[[function]]\nname = "f"\ncommand = "ls -l /"\n', 3, "command", "never a shell line"),
        ('[[function]]\nname = "f"\ncommand = []\n', 3, "command", "non-empty list"),
        ('[[function]]\nname = "f"\ncommand = ["ls", 3]\n', 3, "command.1", "item 2 must be a non-empty string"),
        ('[[function]]\nname = "f"\ncommand = ["ls"]\ntimeout = 0\n', 4, "timeout", "above 0"),
        ('[[function]]\nname = "f"\ncommand = ["ls"]\ntimeout = true\n', 4, "timeout", "above 0"),
        ('[[function]]\nname = "f"\ncommand = ["ls"]\nmax_output = 1.5\n', 4, "max_output", "whole number of bytes"),
        (ONE + "parameters = 'city'\n", 4, "parameters", "must be a JSON schema"),
        (ONE + "[function.parameters]\ntype = 'OBJECT'\n", 5, "parameters.type", "JSON schema types are lowercase"),
        (ONE + "[function.parameters]\nproperties = {}\n", 4, "parameters.type", 'must be "object"'),
        (ONE + "[function.parameters]\ntype = 'object'\nrequired = 'city'\n", 6, "parameters.required", "not a valid JSON schema"),
        (
            ONE + "[function.parameters]\ntype = 'object'\n\n[function.parameters.properties.city]\ntype = 'strin'\n",
            8,
            "parameters.properties.city.type",
            "'strin' is not a JSON schema type",
        ),
        (
            ONE + "[function.parameters]\ntype = 'object'\nproperties.city.type = 'text'\n",
            6,
            "parameters.properties.city.type",
            "not a JSON schema type",
        ),
        (
            ONE + "[function.parameters]\ntype = 'object'\nproperties = { city = { type = 'string' }, n = { type = 'int' } }\n",
            6,
            "parameters.properties.n.type",
            "'int' is not a JSON schema type",
        ),
        (ONE + "[function.parameters]\ntype = 'object'\nproperties.n = { type = 'number', minimum = 'zero' }\n", 6, "parameters.properties.n.minimum", "not a valid JSON schema"),
        ('[[function]]\nname = "f"\nanswer = "user"\n[[function]]\nname = "f"\nanswer = "user"\n', 5, "name", "'f' is declared twice (first at line 2)"),
        (
            ONE + "[function.parameters]\ntype = 'object'\nproperties.city = { '$ref' = 'https://example.com/city.json' }\n",
            6,
            "parameters.properties.city.$ref",
            "only references inside the schema (#/...) are taken",
        ),
        ("title = 'mine'\n" + ONE, 1, "title", "unknown key: the functions go in [[function]] tables"),
        ("", 1, "function", "declares no functions"),
        ("function = 3\n", 1, "function", "must be [[function]] tables"),
        ("function = [3]\n", 1, "function 1", "must be a table of keys"),
        ('[[function]]\nname = "f"\nanswer = = "user"\n', 3, "", "not valid TOML"),
        (ONE + 'name = "g"\n', 4, "", "not valid TOML: Cannot overwrite a value"),  # a key given twice
    ],
)
def test_each_toml_problem_names_its_line_and_field(tmp_path: Path, text: str, line: int, field: str, words: str) -> None:
    got_line, got_field, message = only_problem(write(tmp_path, "t.toml", text))
    assert (got_line, got_field) == (line, field), message
    assert words in message


def test_the_line_of_a_later_function_s_key_is_found_in_its_own_table(tmp_path: Path) -> None:
    text = '''\
        [[function]]
        name = "a"
        answer = "user"
        timeout = 1
        description = """
        [[function]]
        timeout = "a multi-line string that looks like a table"
        """

        [[function]]
        name = "b"
        command = ["x"]
        timeout = -1
        '''
    assert problems(write(tmp_path, "t.toml", text)) == [
        f"{tmp_path / 't.toml'}:4: timeout: goes with command = [...], not with answer = \"user\"",
        f"{tmp_path / 't.toml'}:13: timeout: must be a number of seconds above 0, not -1",
    ]


def test_every_problem_is_listed_in_the_file_s_order(tmp_path: Path) -> None:
    text = '''\
        [[function]]
        name = "a b"
        answer = "user"
        behavior = "SOMETIMES"

        [[function]]
        name = "c"
        command = "rm -rf /"
        '''
    path = write(tmp_path, "t.toml", text)
    found = problems(path)
    assert [p.split(": ")[0:2] for p in found] == [[f"{path}:2", "name"], [f"{path}:4", "behavior"], [f"{path}:8", "command"]]


# --- JSON problems --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ('{\n  "functions": [\n    {"name": "f",\n     "answer": "user",\n     "colour": 1}\n  ]\n}\n', 5, "colour", "unknown key"),
        ('{\n  "functions": [\n    {"name": "f",\n     "answer": "user",\n     "name": "g"}\n  ]\n}\n', 5, "name", "given twice (first at line 3)"),
        (
            '{"functions": [\n{"name": "f", "answer": "user",\n "parameters": {"type": "object",\n   "properties": {"n": {"type": "int"}}}}]}',
            4,
            "parameters.properties.n.type",
            "'int' is not a JSON schema type",
        ),
        ('{"functions": [\n{"name": "f",\n "command":\n   ["ok", ""]}]}', 3, "command.1", "item 2"),
        ('{"functions": [\n  {"name": "f", "answer": "user"},\n  {"name": "f", "answer": "user"}\n]}', 3, "name", "declared twice (first at line 2)"),
        ('{"functions": [\n  {"name": "f", "answer": "user"}\n],\n"tools": []}', 4, "tools", "unknown key"),
        ('[{"name": "f", "answer": "user"}]', 1, "", 'must be an object {"functions": [...]}'),
        ('{"functions": {"name": "f"}}', 1, "functions", 'must be a list under "functions"'),
        ('{"functions": [\n  {"name": "f", "answer": "user"},\n]}', 3, "", "not valid JSON"),
    ],
)
def test_each_json_problem_names_its_line_and_field(tmp_path: Path, text: str, line: int, field: str, words: str) -> None:
    got_line, got_field, message = only_problem(write(tmp_path, "t.json", text))
    assert (got_line, got_field) == (line, field), message
    assert words in message


# --- the file itself ----------------------------------------------------------------------


def test_the_file_kind_comes_from_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, "tools.yaml", "function: []\n")
    with pytest.raises(ToolsFileError) as info:
        load_tools(path)
    assert str(info.value) == f"{path}: a declarations file is TOML or JSON: its name ends in .toml or .json, not '.yaml'"


def test_unreadable_files_are_one_problem_each(tmp_path: Path) -> None:
    assert str(pytest.raises(ToolsFileError, load_tools, tmp_path / "none.toml").value) == f"{tmp_path / 'none.toml'}: no such file"
    (tmp_path / "dir.json").mkdir()
    assert "is a folder" in str(pytest.raises(ToolsFileError, load_tools, tmp_path / "dir.json").value)
    (tmp_path / "latin.toml").write_bytes(b'[[function]]\nname = "caf\xe9"\n')
    assert str(pytest.raises(ToolsFileError, load_tools, tmp_path / "latin.toml").value).endswith(": not UTF-8 text")


def test_check_also_wants_the_programs_there(tmp_path: Path) -> None:
    path = write(tmp_path, "t.toml", '[[function]]\nname = "f"\ncommand = ["./missing.py"]\n\n[[function]]\nname = "g"\ncommand = ["no-such-program-livetui"]\n')
    assert len(load_tools(path).functions) == 2  # a session starts without them
    with pytest.raises(ToolsFileError) as info:
        check_tools(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:3: command: {tmp_path / 'missing.py'} does not exist",
        f"{path}:7: command: no program called no-such-program-livetui on the PATH",
    ]
    script = tmp_path / "missing.py"
    script.write_text("print(1)\n")
    assert "not executable" in str(pytest.raises(ToolsFileError, check_tools, path).value)


# --- the SDK's view and the model's arguments -----------------------------------------------


def test_the_declaration_is_one_the_sdk_builds(tmp_path: Path) -> None:
    weather, ask = load_tools(write(tmp_path, "t.toml", GOOD_TOML)).functions
    decl = declaration(weather)
    assert decl == {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters_json_schema": dict(weather.parameters),
        "behavior": "NON_BLOCKING",
    }
    built = types.FunctionDeclaration(**decl)
    assert built.behavior == types.Behavior.NON_BLOCKING and built.parameters_json_schema == weather.parameters
    assert "behavior" not in declaration(weather, behavior=False)
    assert sdk_refusal(decl) is None
    assert sdk_refusal({"name": "f", "behavior": "SOMETIMES"}) is not None  # the check can fail
    assert sdk_refusal({"name": "f", "colour": "red"}) is not None


SPEC = ToolSpec(
    name="set_alarm",
    description="",
    parameters={
        "type": "object",
        "properties": {"hour": {"type": "integer", "minimum": 0, "maximum": 23}, "label": {"type": "string"}, "days": {"type": "array", "items": {"enum": ["mon", "tue"]}}},
        "required": ["hour"],
        "additionalProperties": False,
    },
)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ({"hour": 7}, None),
        ({"hour": 7, "label": "up", "days": ["mon"]}, None),
        ({}, "'hour' is a required property"),
        ({"hour": "7"}, "hour: '7' is not of type 'integer'"),
        ({"hour": 24}, "hour: 24 is greater than the maximum of 23"),
        ({"hour": 7, "days": ["sun"]}, "days.0: 'sun' is not one of ['mon', 'tue']"),
        ({"hour": 7, "snooze": True}, "Additional properties are not allowed ('snooze' was unexpected)"),
    ],
)
def test_the_model_s_arguments_are_checked_against_the_schema(args: dict[str, object], words: str | None) -> None:
    assert check_args(SPEC, args) == words


def test_a_local_reference_is_followed_and_the_parameters_are_plain_dicts(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"functions": [{
        "name": "f", "answer": "user",
        "parameters": {"type": "object", "$defs": {"unit": {"enum": ["C", "F"]}}, "properties": {"unit": {"$ref": "#/$defs/unit"}}},
    }]}))
    (spec,) = load_tools(path).functions
    assert type(spec.parameters) is dict and type(spec.parameters["properties"]) is dict
    assert check_args(spec, {"unit": "C"}) is None
    assert check_args(spec, {"unit": "K"}) == "unit: 'K' is not one of ['C', 'F']"


def test_no_schema_takes_any_arguments() -> None:
    assert check_args(ToolSpec(name="f", description=""), {"x": 1}) is None
    assert check_args(SPEC, ["not", "an", "object"]) == "the arguments must be an object, not list"  # type: ignore[arg-type]
