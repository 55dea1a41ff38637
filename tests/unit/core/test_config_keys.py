"""[keys] ids: a binding id the console does not have is refused, with the file's line,
the nearest id and every id there is (core is given them; it knows none itself)."""

from __future__ import annotations

from pathlib import Path

import pytest

from livetui.cli.args import load_settings
from livetui.core.configfile import ConfigError, check_binding_ids
from livetui.core.settings import Settings

KNOWN = ["toggle_modality", "quit", "help", "history.open"]


def test_known_ids_pass(tmp_path: Path) -> None:
    conf = tmp_path / "c.toml"
    conf.write_text('[keys]\nquit = "ctrl+x"\n"history.open" = "o"\n')
    check_binding_ids(load_settings(["--config", str(conf)], {}), KNOWN)  # raises nothing
    check_binding_ids(Settings(), KNOWN)


def test_an_unknown_id_names_file_line_nearest_and_all(tmp_path: Path) -> None:
    conf = tmp_path / "c.toml"
    conf.write_text('model = "m"\n[keys]\nhelp = "f1"\nqiut = "ctrl+x"\n')
    with pytest.raises(ConfigError) as info:
        check_binding_ids(load_settings(["--config", str(conf)], {}), KNOWN)
    assert str(info.value) == (
        f"{conf}, line 4: [keys]: no action called 'qiut' (did you mean 'quit'?) · "
        "the actions are: toggle_modality, quit, help, history.open"
    )


def test_an_id_like_none_gets_no_guess_and_settings_without_a_file_no_path() -> None:
    with pytest.raises(ConfigError) as info:
        check_binding_ids(Settings(keys={"zzz": "f3"}), KNOWN)
    assert str(info.value) == "[keys]: no action called 'zzz' · the actions are: toggle_modality, quit, help, history.open"
