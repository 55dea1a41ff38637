"""The binding ids a [keys] table may name: read from the same BINDINGS lists the app,
its screens and the prompt are built from (through the F1 list), so the check at
start-up, the help screen and the keys themselves can never disagree."""

from __future__ import annotations

from textual.app import App

from .screens.help import key_rows


def binding_ids(app: App | type[App] | None = None) -> list[str]:
    """Every remappable binding id, in the order F1 lists them (the console's own by default)."""
    if app is None:
        from .app import LiveTuiApp

        app = LiveTuiApp
    return list(dict.fromkeys(row.binding_id for row in key_rows(app) if row.binding_id))  # type: ignore[arg-type]
