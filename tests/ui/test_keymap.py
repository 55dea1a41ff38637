"""The ids [keys] may name are those of the bindings themselves: the app's, its screens'
and the prompt's, exactly the ids F1 lists."""

from __future__ import annotations

from textual.binding import Binding

from livetui.ui.app import LiveTuiApp
from livetui.ui.keymap import binding_ids, key_rows
from livetui.ui.widgets.prompt import PromptArea


def test_every_binding_id_of_the_app_and_prompt_is_known() -> None:
    ids = binding_ids()
    for binding in [*LiveTuiApp.BINDINGS, *PromptArea.BINDINGS]:
        assert isinstance(binding, Binding) and binding.id in ids, binding
    assert len(ids) == len(set(ids))
    assert "history.open" in ids and "settings.save" in ids  # the screens' too


def test_the_ids_are_those_f1_shows() -> None:
    assert set(binding_ids()) == {row.binding_id for row in key_rows(LiveTuiApp) if row.binding_id}


def test_a_subclass_with_a_new_binding_has_its_id() -> None:
    class Bigger(LiveTuiApp):
        BINDINGS = [*LiveTuiApp.BINDINGS, Binding("f12", "bell", "Bell", id="bell")]  # noqa: RUF012

    assert "bell" in binding_ids(Bigger) and "bell" not in binding_ids()
