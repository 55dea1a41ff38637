"""Toasts say plain text: what they carry (file names, device names, the service's and the
system's error words) is data.

Textual reads a toast's message as markup: "[/]" in a file name raised MarkupError and
ended the console with a traceback, and "[@click=app.quit]…" made a clickable action. No
toast of livetui's uses markup, so every one — the app's, a screen's, a widget's (they all
come here) — is shown as plain text, its control characters as visible stand-ins.
"""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

from ..core.sanitize import safe_text


class PlainToasts(App):
    """Mixed in before `App`: `notify` always shows plain, safe text."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,  # (ignored: see above)
    ) -> None:
        super().notify(safe_text(message), title=safe_text(title), severity=severity, timeout=timeout, markup=False)
