"""Scripted replies: file format, order, consumption and error messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from livetui.sim.script import Script, ScriptEntry, ScriptError

EXAMPLE = """\
# Replies are tried in file order.
[[reply]]
match = "weather"
text = "It is sunny in **Paris**."

[[reply]]
match = "lights"
tool = "turn_on_the_lights"
args = { room = "kitchen" }
after_tool = "The lights are on: {result}"

[[reply]]
text_file = "long-answer.md"
repeat = true
"""


def write(tmp_path: Path, body: str, name: str = "demo.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture
def example(tmp_path: Path) -> Script:
    (tmp_path / "long-answer.md").write_text("# Long\n\nA long answer.\n", encoding="utf-8")
    return Script.load(write(tmp_path, EXAMPLE))


def test_example_file_parses_into_entries(example: Script) -> None:
    weather, lights, long = example.entries
    assert weather.match is not None and weather.match.pattern == "weather"
    assert weather.text == "It is sunny in **Paris**."
    assert (weather.tool, weather.repeat) == (None, False)
    assert (lights.tool, lights.args, lights.after_tool) == (
        "turn_on_the_lights",
        {"room": "kitchen"},
        "The lights are on: {result}",
    )
    assert lights.text == ""
    assert long.match is None and long.repeat is True
    assert long.text == "# Long\n\nA long answer."  # trailing newline of the file dropped


def test_first_matching_entry_in_file_order_wins(example: Script) -> None:
    # both the weather entry and the catch-all match; the earlier one is used
    assert example.take("How is the WEATHER?", ()) is example.entries[0]


def test_entries_are_used_once_and_repeat_entries_forever(example: Script) -> None:
    assert example.take("weather?", ()) is example.entries[0]
    # the weather entry is spent; the catch-all repeat entry answers from now on
    assert example.take("weather?", ()) is example.entries[2]
    assert example.take("weather?", ()) is example.entries[2]
    assert example.take("anything", ()) is example.entries[2]


def test_tool_entry_is_skipped_without_being_consumed_when_tool_undeclared(example: Script) -> None:
    assert example.take("lights please", ()) is example.entries[2]
    assert example.take("lights please", ["get_weather"]) is example.entries[2]
    assert example.take("lights please", ["turn_on_the_lights"]) is example.entries[1]
    assert example.take("lights please", ["turn_on_the_lights"]) is example.entries[2]


def test_match_is_case_insensitive_regex_searched_anywhere() -> None:
    script = Script.from_entries([{"match": r"capital\s+of\s+(france|spain)", "text": "x", "repeat": True}])
    assert script.take("so, what's the CAPITAL of  Spain then?", ()) is not None
    assert script.take("capital of italy", ()) is None


def test_no_match_and_nothing_left_returns_none() -> None:
    script = Script.from_entries([{"match": "^hello$", "text": "hi"}])
    assert script.take("hello there", ()) is None
    assert script.take("HELLO", ()) is not None
    assert script.take("HELLO", ()) is None  # consumed


def test_entry_without_match_answers_even_an_empty_turn() -> None:
    script = Script.from_entries([{"text": "scripted"}])
    entry = script.take("", ())
    assert entry is not None and entry.text == "scripted"


def test_consumption_is_shared_by_every_user_of_the_script() -> None:
    script = Script.from_entries([{"text": "first"}, {"text": "second"}])
    # e.g. two connections of one simulator: the sequence continues across them
    assert [script.take("a", ()).text, script.take("b", ()).text] == ["first", "second"]  # type: ignore[union-attr]


def test_text_file_is_relative_to_the_script_not_the_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "answer.md").write_text("From the file.", encoding="utf-8")
    path = write(scripts, '[[reply]]\ntext_file = "answer.md"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert Script.load(path).entries[0].text == "From the file."


def test_from_entries_resolves_text_file_against_base_dir(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("A", encoding="utf-8")
    assert Script.from_entries([{"text_file": "a.md"}], base_dir=tmp_path).entries[0].text == "A"


def test_tool_entry_may_carry_text_said_after_the_tool() -> None:
    entry = Script.from_entries([{"tool": "f", "text": "after"}]).entries[0]
    assert (entry.tool, entry.text, entry.args, entry.after_tool) == ("f", "after", {}, None)


def test_empty_script_is_valid_and_answers_nothing(tmp_path: Path) -> None:
    script = Script.load(write(tmp_path, "# nothing scripted\n"))
    assert script.entries == () and script.take("hi", ()) is None


def test_entries_are_hashable_frozen_values() -> None:
    entry = ScriptEntry(match=re.compile("x"), text="y", tool="t", args={"a": 1})
    with pytest.raises(AttributeError):
        entry.text = "z"  # type: ignore[misc]
    assert entry in {entry}  # usable in sets despite the args dict


# --------------------------------------------------------------------------- errors


def test_broken_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[[reply]]\nmatch = "ok"\ntext = "unterminated\n', name="broken.toml")
    with pytest.raises(ScriptError) as info:
        Script.load(path)
    message = str(info.value)
    assert "broken.toml" in message
    assert "line 3" in message


def test_missing_script_file_is_a_script_error(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="nope.toml"):
        Script.load(tmp_path / "nope.toml")


def test_non_utf8_script_is_a_script_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[[reply]]\ntext = "café"\n'.encode("latin-1"))
    with pytest.raises(ScriptError, match="latin1.toml"):
        Script.load(path)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[[reply]]\ntext = "a"\n[[reply]]\ntxt = "b"\n', r"#2.*'txt'"),
        ('[[reply]]\nmatch = "x"\n', r"#1.*'text' or 'text_file'"),
        ('[[reply]]\ntext = "a"\ntext_file = "b.md"\n', r"#1.*not both"),
        ('[[reply]]\nmatch = "(unclosed"\ntext = "a"\n', r"#1.*bad regex.*\(unclosed"),
        ('[[reply]]\ntext_file = "missing.md"\n', r"#1.*text_file.*missing\.md"),
        ('[[reply]]\ntext = "a"\nargs = { room = "x" }\n', r"#1.*'args' needs a 'tool'"),
        ('[[reply]]\ntext = "a"\nafter_tool = "{result}"\n', r"#1.*'after_tool' needs a 'tool'"),
        ('[[reply]]\ntext = "a"\nrepeat = "yes"\n', r"#1.*'repeat'"),
        ('[[reply]]\ntext = 3\n', r"#1.*'text' must be a string"),
        ('[[reply]]\ntool = "f"\nargs = "room"\n', r"#1.*'args' must be a table"),
        ('[[reply]]\ntool = ""\n', r"#1.*'tool'"),
        ('[reply]\ntext = "a"\n', r"\[\[reply\]\]"),
        ('title = "x"\n', r"unknown top-level key.*'title'"),
    ],
    ids=[
        "unknown-key",
        "no-text",
        "text-and-text_file",
        "bad-regex",
        "missing-text_file",
        "args-without-tool",
        "after_tool-without-tool",
        "repeat-not-bool",
        "text-not-string",
        "args-not-table",
        "empty-tool",
        "reply-not-array",
        "unknown-top-level",
    ],
)
def test_bad_entries_are_rejected_naming_file_entry_and_field(tmp_path: Path, body: str, expected: str) -> None:
    path = write(tmp_path, body, name="bad-script.toml")
    with pytest.raises(ScriptError) as info:
        Script.load(path)
    message = str(info.value)
    assert "bad-script.toml" in message
    assert re.search(expected, message), message


def test_from_entries_validates_too() -> None:
    with pytest.raises(ScriptError, match=r"#1.*unknown key 'matches'"):
        Script.from_entries([{"matches": "x", "text": "y"}])
    with pytest.raises(ScriptError, match="must be a table"):
        Script.from_entries(["just a string"])  # type: ignore[list-item]


def test_script_error_is_a_value_error() -> None:
    assert issubclass(ScriptError, ValueError)


def test_measurement_keys_parse_and_default_to_off() -> None:
    script = Script.from_entries([
        {"match": "story", "text": "A story.", "tone_ms": 5000, "interrupt_after_ms": 1200, "turn_complete_delay_ms": 300},
        {"text": "Plain."},
    ])
    timed, plain = script.entries
    assert (timed.tone_ms, timed.interrupt_after_ms, timed.turn_complete_delay_ms) == (5000, 1200, 300)
    assert (plain.tone_ms, plain.interrupt_after_ms, plain.turn_complete_delay_ms) == (None, None, 0)


@pytest.mark.parametrize("body", [
    {"text": "a", "tone_ms": 0},
    {"text": "a", "tone_ms": "5s"},
    {"text": "a", "interrupt_after_ms": -1},
    {"text": "a", "interrupt_after_ms": 1.5},
    {"text": "a", "turn_complete_delay_ms": True},
])
def test_measurement_keys_must_be_whole_milliseconds(body: dict) -> None:
    key = next(k for k in body if k.endswith("_ms"))
    with pytest.raises(ScriptError, match=rf"#1.*'{key}'"):
        Script.from_entries([body])


def test_an_undeclared_tool_entry_calls_it_anyway() -> None:
    """`undeclared = true`: a model that makes a function's name up, to test how a client answers."""
    script = Script.from_entries([{"tool": "made_up", "undeclared": True, "args": {"x": 1}}])
    entry = script.take("anything", ())
    assert entry is not None and entry.tool == "made_up" and entry.undeclared and entry.args == {"x": 1}
    with pytest.raises(ScriptError, match="'undeclared' needs a 'tool'"):
        Script.from_entries([{"text": "hi", "undeclared": True}])
    with pytest.raises(ScriptError, match="'undeclared' must be true or false"):
        Script.from_entries([{"tool": "t", "undeclared": "yes"}])
