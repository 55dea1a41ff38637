"""The modes on screen: the palette's "Interpreter: translate into…" (and dictation, and
back to chat), the panes' titles, and a prompt that says typing is not what a pipeline
takes. What a mode asks of the service and how its events become turns is core's
(`livetui.core.modes`); this module only switches settings and labels widgets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..core.models import DEFAULT_MODEL
from ..core.modes import Mode, labels, language_name, mode_fields, target_language
from .widgets.prompt import PromptArea
from .widgets.transcripts import TranscriptPane

if TYPE_CHECKING:
    from .app import LiveTuiApp

__all__ = ["LanguageScreen", "ModeCommands", "apply_labels", "switch_mode"]


class LanguageScreen(ModalScreen[str | None]):
    """Asks for the interpreter's target language; dismisses with what was typed, or None."""

    DEFAULT_CSS = """
    LanguageScreen { align: center middle; }
    LanguageScreen > Vertical { width: 60; max-width: 100%; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    LanguageScreen #title { text-style: bold; margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Interpreter: translate into…", id="title")
            yield Static("Your speech is translated and spoken in this language (gemini-3.5-live-translate-preview).")
            yield Input(placeholder="a language code: fr, de, es, it, ja, pt-BR…", id="language")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _commands(app: LiveTuiApp) -> list[tuple[str, str, Callable[[], Any]]]:
    found = [
        ("Interpreter: translate into…", "Speak; hear and read it in another language (new session)", lambda: ask_language(app)),
        ("Dictation: live captions", "Your speech as captions, kept and exportable; nothing spoken back", lambda: switch_mode(app, "transcribe")),
    ]
    if app.settings.mode != "chat":
        found.append(("Back to chat", "Leave the interpreter or dictation for the assistant (context carried)", lambda: switch_mode(app, "chat")))
    return found


class ModeCommands(Provider):
    """The modes in the command palette (a provider of the main screen's)."""

    async def discover(self) -> Hits:
        for name, help_text, callback in _commands(self.app):  # type: ignore[arg-type]
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in _commands(self.app):  # type: ignore[arg-type]
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


def ask_language(app: LiveTuiApp) -> None:
    def chosen(value: str | None) -> None:
        if value is None:
            return
        try:
            tag = target_language(value)
        except ValueError as exc:  # the session goes on as it was: nothing lost
            app.notify(f"Not switched: {exc}", severity="error", timeout=10)
            return
        switch_mode(app, "translate", tag)

    app.push_screen(LanguageScreen(), chosen)


def switch_mode(app: LiveTuiApp, mode: Mode, target: str | None = None) -> None:
    """A new session in `mode`; chat comes back with the model and audio settings it had."""
    settings = app.settings
    if settings.mode == "chat":
        app._chat_settings = settings  # type: ignore[attr-defined]
    if mode == "chat":
        before = getattr(app, "_chat_settings", None)
        app.settings = replace(
            settings,
            mode="chat",
            translate_to=None,
            model=before.model if before else DEFAULT_MODEL,
            modality=before.modality if before else "AUDIO",
            audio=before.audio if before else settings.audio,
        )
        label = "back to chat · context carried"
    else:
        fields = {"translate_to": None, **mode_fields(target, mode == "transcribe", None)}
        audio = settings.audio if settings.audio.mic_on_start is not None else replace(settings.audio, mic_on_start=True)
        app.settings = replace(settings, audio=audio, **fields)
        # The divider names the mode; the session's own first line says how it works.
        label = f"interpreter · into {language_name(target or '')}" if mode == "translate" else "dictation"
    apply_labels(app)
    app.call_later(app.session.switch, label)


def apply_labels(app: LiveTuiApp) -> None:
    """Pane titles, placeholders and the prompt's rule for the current mode."""
    shown = labels(app.settings)
    try:
        heard, said = app.query_one("#heard", TranscriptPane), app.query_one("#said", TranscriptPane)
        prompt = app.query_one(PromptArea)
    except NoMatches:
        return
    heard.border_title, said.border_title = shown.heard, shown.said
    for placeholder in said.query(".placeholder").results(Static):
        placeholder.update(shown.said_placeholder)
    prompt.refusal = shown.typed
    prompt.placeholder = shown.prompt
