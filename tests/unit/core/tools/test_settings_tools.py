"""The declarations file in the settings (`--tools`, `[tools] file`) and in the connect config, per model."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from google.genai import types

from livetui.cli.args import load_settings
from livetui.core.configfile import ConfigError
from livetui.core.connectconfig import function_tools, live_config
from livetui.core.modelsettings import tool_notes
from livetui.core.settings import Settings
from livetui.core.tools.load import load_tools
from livetui.core.tools.spec import ToolBox

TOOLS = """\
[[function]]
name = "get_weather"
description = "The weather in a city"
command = ["./weather.py"]
behavior = "NON_BLOCKING"
scheduling = "SILENT"
[function.parameters]
type = "object"
properties.city = { type = "string" }
required = ["city"]

[[function]]
name = "ask_me"
answer = "user"
behavior = "BLOCKING"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "xdg").mkdir()
    return {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}


# --- where the file comes from --------------------------------------------------------


def test_no_tools_by_default(env: dict[str, str]) -> None:
    settings = load_settings([], environ=env)
    assert settings.tools == ToolBox() and not settings.tools
    assert "tools" not in live_config(settings)


def test_the_config_file_names_it_relative_to_its_own_folder(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "conf" / "mine.toml", TOOLS)
    config = write(tmp_path / "conf" / "config.toml", '[tools]\nfile = "mine.toml"\n')
    monkeypatch.chdir(tmp_path)
    settings = load_settings(["--config", str(config)], environ=env)
    assert [f.name for f in settings.tools.functions] == ["get_weather", "ask_me"]
    assert settings.tools.source == tmp_path / "conf" / "mine.toml"


def test_the_flag_beats_the_config_file(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "a.toml", TOOLS)
    write(tmp_path / "b.toml", '[[function]]\nname = "other"\nanswer = "user"\n')
    config = write(tmp_path / "config.toml", '[tools]\nfile = "a.toml"\n')
    monkeypatch.chdir(tmp_path)
    settings = load_settings(["--config", str(config), "--tools", "b.toml"], environ=env)
    assert [f.name for f in settings.tools.functions] == ["other"]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('[tools]\nfile = 3\n', "line 2: tools.file must be the path of a .toml or .json file, not 3"),
        ('[tools]\nfiles = "x.toml"\n', "line 2: unknown setting 'tools.files' (did you mean 'file'?)"),
        ('tools = "x.toml"\n', "line 1: tools must be a table ([tools]), not 'x.toml'"),
    ],
)
def test_a_bad_tools_setting_names_the_config_line(tmp_path: Path, env: dict[str, str], section: str, message: str) -> None:
    config = write(tmp_path / "config.toml", section)
    with pytest.raises(ConfigError) as info:
        load_settings(["--config", str(config)], environ=env)
    assert str(info.value) == f"{config}, {message}"


def test_a_bad_tools_file_is_one_line_naming_its_first_problem_and_how_to_see_all(tmp_path: Path, env: dict[str, str]) -> None:
    bad = write(tmp_path / "t.toml", '[[function]]\nname = "a b"\ncommand = "ls"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(["--tools", str(bad)], environ=env)
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(f"{bad}:2: name: 'a b' is not a function name the API takes")
    assert text.endswith(f"(and 1 more: `livetui tools check {bad}` lists them)")
    with pytest.raises(ConfigError) as missing:
        load_settings(["--tools", str(tmp_path / "none.json")], environ=env)
    assert str(missing.value) == f"{tmp_path / 'none.json'}: no such file"


# --- what is sent, per model ------------------------------------------------------------


def settings_for(tmp_path: Path, **fields: object) -> Settings:
    return Settings(tools=load_tools(write(tmp_path / "t.toml", TOOLS)), **fields)  # type: ignore[arg-type]


def sdk_config(config: dict[str, object]) -> types.LiveConnectConfig:
    return types.LiveConnectConfig(**config)  # type: ignore[arg-type]


def test_the_3_8_model_gets_every_declaration_as_declared(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    config = live_config(settings)
    assert config["tools"] == [
        {
            "function_declarations": [
                {
                    "name": "get_weather",
                    "description": "The weather in a city",
                    "parameters_json_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                    "behavior": "NON_BLOCKING",
                },
                {"name": "ask_me", "behavior": "BLOCKING"},
            ]
        }
    ]
    built = sdk_config(config)
    assert built.tools and [d.behavior for d in built.tools[0].function_declarations or []] == [types.Behavior.NON_BLOCKING, types.Behavior.BLOCKING]
    assert tool_notes(settings.model, settings.mode, settings.tools) == ()


def test_the_synchronous_model_gets_no_non_blocking_and_the_user_is_told(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, model="gemini-3.1-flash-live-preview")
    declarations = live_config(settings)["tools"][0]["function_declarations"]
    assert [d.get("behavior") for d in declarations] == [None, "BLOCKING"]
    sdk_config(live_config(settings))
    assert tool_notes(settings.model, settings.mode, settings.tools) == (
        "get_weather: sent without behavior NON_BLOCKING · gemini-3.1-flash-live-preview calls functions synchronously only: the model waits for each result",
    )


@pytest.mark.parametrize(
    ("fields", "note"),
    [
        ({"mode": "translate", "translate_to": "fr", "model": "gemini-3.5-live-translate-preview"}, "tools not sent: the interpreter takes no tools (get_weather, ask_me)"),
        ({"mode": "transcribe", "model": "gemini-3.5-transcribe-live", "modality": "TEXT"}, "tools not sent: dictation takes no tools (get_weather, ask_me)"),
        ({"model": "gemini-3.5-transcribe-live", "modality": "TEXT"}, "tools not sent: gemini-3.5-transcribe-live takes no tools (get_weather, ask_me)"),
    ],
)
def test_pipelines_take_no_tools_and_say_so(tmp_path: Path, fields: dict[str, object], note: str) -> None:
    settings = settings_for(tmp_path, **fields)
    assert "tools" not in live_config(settings) and function_tools(settings) == []
    assert tool_notes(settings.model, settings.mode, settings.tools) == (note,)


def test_a_model_the_console_does_not_know_gets_them_as_declared(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, model="gemini-9-live-preview")
    assert [d.get("behavior") for d in function_tools(settings)[0]["function_declarations"]] == ["NON_BLOCKING", "BLOCKING"]
    assert tool_notes(settings.model, settings.mode, settings.tools) == ()


def test_without_declarations_nothing_is_said(tmp_path: Path) -> None:
    settings = replace(settings_for(tmp_path, model="gemini-3.1-flash-live-preview"), tools=ToolBox())
    assert function_tools(settings) == [] and tool_notes(settings.model, settings.mode, settings.tools) == ()
