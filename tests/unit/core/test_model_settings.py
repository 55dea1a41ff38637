"""Settings that follow the model: thinking level and show thoughts, from the file and the flags,
refused with the model's own words where it cannot take them; nothing sent that the model refuses."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from livetui.cli.args import load_settings
from livetui.core.configfile import ConfigError
from livetui.core.connectconfig import live_config, thinking_config
from livetui.core.models import KNOWN
from livetui.core.modelsettings import show_thoughts_for, thinking_level_for, thinking_problems
from livetui.core.settings import Settings

NO_FILE = {"XDG_CONFIG_HOME": "/nonexistent-livetui-test"}
EXTENDED = "gemini-3.8-live-extended-thinking"
FLASH = "gemini-3.1-flash-live-preview"


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def error(*argv: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(list(argv), environ=NO_FILE)
    return str(caught.value)


def test_file_keys_reach_the_settings_and_the_live_config(tmp_path: Path) -> None:
    path = config(tmp_path, f'model = "{FLASH}"\nthinking_level = "Minimal"\nshow_thoughts = true\n')
    settings = load_settings(["--config", str(path)], environ=NO_FILE)
    assert (settings.thinking_level, settings.show_thoughts) == ("minimal", True)
    assert live_config(settings)["thinking_config"] == {"thinking_level": "minimal", "include_thoughts": True}


def test_flags_beat_the_file(tmp_path: Path) -> None:
    path = config(tmp_path, f'model = "{EXTENDED}"\nthinking_level = "low"\nshow_thoughts = true\n')
    settings = load_settings(["--config", str(path), "--thinking-level", "high", "--no-show-thoughts"], environ=NO_FILE)
    assert (settings.thinking_level, settings.show_thoughts) == ("high", False)
    assert thinking_config(settings) == {"thinking_level": "high"}
    assert load_settings(["--model", EXTENDED, "--show-thoughts"], environ=NO_FILE).show_thoughts is True


def test_a_level_the_model_does_not_take_names_the_model_s_levels() -> None:
    line = error("--model", EXTENDED, "--thinking-level", "minimal")
    assert line == f"--thinking-level: {EXTENDED} takes 'low', 'medium' or 'high', not 'minimal' · use one of those, or remove it"


def test_a_model_without_thinking_settings_refuses_both_naming_models_that_take_them() -> None:
    level = error("--thinking-level", "low")  # the default model, gemini-3.8-live
    assert level.startswith("--thinking-level: gemini-3.8-live takes no thinking settings · remove it")
    assert EXTENDED in level and FLASH in level
    thoughts = error("--show-thoughts")
    assert thoughts.startswith("--show-thoughts: gemini-3.8-live takes no thinking settings")
    assert "--no-show-thoughts" not in thoughts and "\n" not in thoughts


def test_in_the_file_the_error_names_file_and_line(tmp_path: Path) -> None:
    path = config(tmp_path, 'voice = "Kore"\n\nthinking_level = "low"\n')
    line = error("--config", str(path))
    assert line.startswith(f"{path}, line 3: thinking_level: gemini-3.8-live takes no thinking settings")
    # The model from a flag, the level from the file: still the file's line, naming the flag's model.
    path = config(tmp_path, 'thinking_level = "minimal"\nshow_thoughts = true\n')
    line = error("--config", str(path), "--model", EXTENDED)
    assert line.startswith(f"{path}, line 1: thinking_level: {EXTENDED} takes 'low', 'medium' or 'high', not 'minimal'")
    native = error("--config", str(path), "--model", "gemini-2.5-flash-native-audio-preview-12-2025")
    assert "takes a thinking budget, not a level · remove it, or choose a model that takes it" in native


def test_a_badly_spelt_level_is_a_value_error_with_the_choices(tmp_path: Path) -> None:
    path = config(tmp_path, f'model = "{FLASH}"\nthinking_level = "lots"\n')
    assert error("--config", str(path)) == (
        f"{path}, line 2: thinking_level must be 'minimal' or 'low' or 'medium' or 'high', not 'lots'"
    )
    path = config(tmp_path, f'model = "{FLASH}"\nshow_thoughts = "yes"\n')
    assert error("--config", str(path)).endswith("show_thoughts must be true or false, not 'yes'")


def test_an_unknown_model_takes_no_thinking_setting_silently() -> None:
    assert "does not know" in error("--model", "gemini-99-live", "--thinking-level", "low")
    assert thinking_config(Settings(model="gemini-99-live")) == {}


def test_availability_says_why_in_the_screen_s_words() -> None:
    assert thinking_level_for("gemini-3.8-live").reason == "gemini-3.8-live takes no thinking settings"
    assert thinking_level_for(FLASH).levels == ("minimal", "low", "medium", "high")
    assert thinking_level_for("gemini-2.5-flash-native-audio-preview-12-2025").reason.endswith("a thinking budget, not a level")
    assert show_thoughts_for(FLASH).enabled and not show_thoughts_for("gemini-3.8-live").enabled
    assert thinking_problems(FLASH, "low", True) == {}
    retired = "gemini-live-2.5-flash-preview"
    assert thinking_level_for(retired).reason == show_thoughts_for(retired).reason == f"{retired} was retired"


@pytest.mark.parametrize("model", [m.name for m in KNOWN])
def test_nothing_the_model_refuses_is_sent(model: str) -> None:
    """Every setting on: no affective dialog, no proactivity switch, thinking only where taken."""
    for modality in ("TEXT", "AUDIO"):
        settings = Settings(model=model, modality=modality, thinking_level="low", show_thoughts=True, voice="Kore")  # type: ignore[arg-type]
        config = live_config(settings)
        assert "enable_affective_dialog" not in config and "proactivity" not in config
        thinking = config.get("thinking_config", {})
        assert "thinking_budget" not in thinking
        if not thinking_level_for(model).enabled:
            assert "thinking_level" not in thinking
        if not show_thoughts_for(model).enabled:
            assert "include_thoughts" not in thinking
