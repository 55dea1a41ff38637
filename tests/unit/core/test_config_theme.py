"""`theme = "…"` in config.toml: read back, an unknown name refused with the known ones,
and written back (the theme chosen on screen) keeping the rest of the user's file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from livetui.cli.args import load_settings
from livetui.core.configfile import ConfigError, check_theme
from livetui.core.configwrite import save_top_setting

KNOWN = ["nord", "textual-dark", "textual-light"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_the_theme_is_read_back(tmp_path: Path) -> None:
    settings = load_settings(["--config", str(write(tmp_path, 'theme = "nord"\n'))])
    assert settings.theme == "nord"
    check_theme(settings, KNOWN)  # a known one passes


def test_an_unknown_theme_names_file_line_nearest_and_all(tmp_path: Path) -> None:
    path = write(tmp_path, '# looks\nmodel = "gemini-3.8-live"\ntheme = "textual-lite"\n')
    settings = load_settings(["--config", str(path)])
    with pytest.raises(ConfigError) as caught:
        check_theme(settings, KNOWN)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 3: theme: no theme called 'textual-lite'")
    assert "did you mean 'textual-light'?" in message and "the themes are: nord, textual-dark, textual-light" in message


def test_an_empty_theme_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="theme must be a non-empty string"):
        load_settings(["--config", str(write(tmp_path, 'theme = ""\n'))])


def test_saving_keeps_comments_order_tables_and_mode(tmp_path: Path) -> None:
    mine = '# mine\nmodel = "m"  # why\n\n[vad]\nmode = "auto"\n'
    path = write(tmp_path, mine)
    path.chmod(0o640)
    save_top_setting(path, "theme", "nord")
    text = path.read_text()
    assert text == '# mine\nmodel = "m"  # why\ntheme = "nord"\n\n[vad]\nmode = "auto"\n'
    assert path.stat().st_mode & 0o777 == 0o640
    save_top_setting(path, "theme", "textual-light")  # changed in place, not added twice
    assert path.read_text().count("theme =") == 1 and 'theme = "textual-light"' in path.read_text()
    assert load_settings(["--config", str(path)]).theme == "textual-light"
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no temporary file left


def test_saving_makes_a_missing_file_private_and_follows_a_symlink(tmp_path: Path) -> None:
    new = tmp_path / "xdg" / "livetui" / "config.toml"
    save_top_setting(new, "theme", "nord")
    assert new.read_text() == 'theme = "nord"\n' and new.stat().st_mode & 0o777 == 0o600
    dotfiles = write(tmp_path, "# from my dotfiles\n")
    link = tmp_path / "link.toml"
    link.symlink_to(dotfiles)
    save_top_setting(link, "theme", "nord")
    assert link.is_symlink() and os.readlink(link) == str(dotfiles)
    assert dotfiles.read_text() == '# from my dotfiles\ntheme = "nord"\n'


def test_a_file_that_is_not_toml_is_not_overwritten(tmp_path: Path) -> None:
    path = write(tmp_path, "model = \n")
    with pytest.raises(ConfigError, match="not valid TOML, theme not saved"):
        save_top_setting(path, "theme", "nord")
    assert path.read_text() == "model = \n"
