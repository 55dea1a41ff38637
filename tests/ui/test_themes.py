"""Themes: chosen live (F12 / the palette), kept in config.toml, and the console's own
colours (status bar, meters, gauge) taken from the theme in use."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.style import Style as TextualStyle
from textual.theme import BUILTIN_THEMES

from livetui.core.configfile import default_config_path
from livetui.core.settings import Settings
from livetui.ui.app import LiveTuiApp
from livetui.ui.keymap import key_rows
from livetui.ui.tones import BUSY, FAILED, HOT, INFO, OK, theme_names, tone
from livetui.ui.widgets.status import StatusBar

from .helpers import until

MINE = """\
# my settings: kept as written
model = "gemini-3.8-live"  # the one I use

[vad]
mode = "push-to-talk"
"""


def connected(app: LiveTuiApp) -> bool:
    return app.query_one(StatusBar).status.state == "connected"


def state_colour(app: LiveTuiApp) -> object:
    """The colour the status bar draws its state ("connected") in now."""
    status = app.query_one(StatusBar)
    rendered = status._render_status()
    return rendered.get_style_at_offset(app.console, 2).color


async def test_a_theme_chosen_from_the_palette_applies_at_once_and_is_saved(backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    config = default_config_path()  # what the cli hands the app when no --config is given
    config.parent.mkdir(parents=True)
    config.write_text(MINE)
    config.chmod(0o644)
    app = LiveTuiApp(Settings(modality="TEXT"), backend, audio=False, config_file=config)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        assert app.theme == "textual-dark"
        dark = state_colour(app)
        await pilot.press("f12")  # the theme action: Textual's theme list
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the theme list")
        for key in "textual-light":
            await pilot.press("minus" if key == "-" else key)
        await until(pilot, lambda: app.screen.query_one("CommandList").option_count == 1, what="the one match")
        await pilot.press("enter")
        await until(pilot, lambda: app.theme == "textual-light", what="the light theme")
        await until(pilot, lambda: state_colour(app) != dark, what="the status bar in the light theme's colours")
        light_success = TextualStyle.parse(OK, app.theme_variables).rich_style.color
        assert state_colour(app) == light_success  # the theme's $text-success, not a fixed green
        assert app.settings.theme == "textual-light"
    text = config.read_text()
    assert text.startswith(MINE.split("\n\n")[0])  # the comment and the model line as written
    assert 'theme = "textual-light"' in text and '[vad]\nmode = "push-to-talk"' in text
    assert config.stat().st_mode & 0o777 == 0o644  # the user's file mode kept


async def test_a_theme_from_the_settings_is_the_one_shown_and_nothing_is_written(backend, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    app = LiveTuiApp(Settings(modality="TEXT", theme="nord"), backend, audio=False, config_file=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: connected(app), what="connected")
        assert app.theme == "nord"
        assert state_colour(app) == TextualStyle.parse(OK, app.theme_variables).rich_style.color
    assert not config.exists()  # read back, not written back


@pytest.mark.parametrize("name", sorted(BUILTIN_THEMES))
def test_every_theme_gives_each_tone_a_colour(name: str) -> None:
    variables = BUILTIN_THEMES[name].to_color_system().generate()
    for spec in (OK, HOT, BUSY, FAILED, INFO):
        assert TextualStyle.parse(spec, variables).rich_style.color is not None, (name, spec)


def test_the_theme_action_has_an_id_a_palette_entry_and_an_f1_line() -> None:
    from livetui.ui.actions import app_action

    action = app_action("theme")
    assert action is not None and action.palette is not None and action.palette[0] == "Theme"
    assert any(row.binding_id == "theme" and row.keys == "f12" for row in key_rows())
    assert theme_names() == sorted(BUILTIN_THEMES)


async def test_tone_follows_the_theme(backend) -> None:
    app = LiveTuiApp(Settings(modality="TEXT"), backend, audio=False)
    async with app.run_test(size=(80, 24)) as pilot:
        status = app.query_one(StatusBar)
        dark = tone(status, HOT)
        app.theme = "solarized-light"
        await until(pilot, lambda: tone(status, HOT) != dark, what="the light theme's tone")
        assert tone(status, HOT).color == TextualStyle.parse(HOT, app.theme_variables).rich_style.color
