"""Settings, edited in the app: ctrl+s applies them (a new session), Escape forgets them.

The model is picked from the Live models the service offers (asked when the screen
opens; the models livetui knows when it cannot be asked), and the settings that follow
the model are shown disabled, with the reason, where the chosen model cannot take them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch, TextArea

from ...core.livemodels import ListingError, LiveModel, known_live_models, list_live_models
from ...core.models import describe, retired
from ...core.models import info as model_info
from ...core.modelsettings import show_thoughts_for, thinking_level_for
from ...core.modes import fields_for_model
from ...core.settings import CHUNK_MS_RANGE, METER_HZ_RANGE, Settings, VadSettings
from ..actions import SETTINGS
from ..keymap import first_key

# Gemini's prebuilt voices; a configured voice not in this list is offered too.
VOICES = ("Puck", "Charon", "Kore", "Fenrir", "Aoede", "Leda", "Orus", "Zephyr")
DEFAULT = ""  # Select value for "the service's default" (Select has no None value)
SENSITIVITIES = [("default", DEFAULT), ("high", "high"), ("low", "low")]
ECHO_CHOICES = [("headset: full duplex, talk over answers", "headset"), ("speaker: mic off while an answer plays", "speaker")]
_BCP47 = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_DIGITS = re.compile(r"[0-9]+")  # str.isdigit would also take "²"


class Invalid(ValueError):
    """A field that cannot be saved: its widget id and what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class SettingsScreen(ModalScreen[Settings | None]):
    DEFAULT_CSS = """
    SettingsScreen {
        align: center middle;
    }
    SettingsScreen > #dialog {
        width: 78;
        max-width: 100%;
        height: 100%;
        max-height: 22;
        border: round $primary;
        border-title-align: center;
        background: $surface;
    }
    SettingsScreen #form {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    SettingsScreen .field {
        height: auto;
    }
    SettingsScreen .field > Label {
        width: 20;
        color: $text-muted;
    }
    SettingsScreen #model_note {
        color: $text-warning;
        padding-left: 20;
        display: none;
        &.-shown { display: block; }
    }
    SettingsScreen .field > Select#thinking_level {
        width: 10;  /* "minimal" and the arrow: the reason beside it fits 78 columns */
    }
    SettingsScreen #thinking_level_why, SettingsScreen #show_thoughts_why, SettingsScreen #search_why {
        width: 1fr;
        padding-left: 1;
        color: $text-muted;
    }
    SettingsScreen #vad_state {
        width: 1fr;
        padding-left: 2;
        color: $text-muted;
    }
    SettingsScreen .field > Input, SettingsScreen .field > Select, SettingsScreen .field > TextArea {
        width: 1fr;
    }
    SettingsScreen #system_instruction {
        height: 5;
    }
    SettingsScreen Switch {
        border: none;
        height: 1;
        padding: 0;
        &:focus { background: $block-cursor-background; border: none; }  /* Switch:focus would add a border: two rows */
    }
    SettingsScreen .heading {
        text-style: bold;
        margin-top: 1;
    }
    SettingsScreen #error {
        color: $text-error;
        padding: 0 1;
        display: none;
        &.-shown { display: block; }
    }
    SettingsScreen #hint {
        color: $text-muted;
        padding: 0 1;
    }
    """

    BINDINGS = SETTINGS.bindings()

    def __init__(self, settings: Settings, client: Callable[[], Any] | None = None) -> None:
        """`client`: gives the session's SDK client (or None before there is one), to ask
        which Live models the service offers; without it the known models are offered."""
        super().__init__()
        self.settings = settings
        self._client = client
        self.models: tuple[LiveModel, ...] = known_live_models()
        self.models_loaded = client is None  # tests wait on this
        self.listing_problem = ""

    def compose(self) -> ComposeResult:
        s, vad, audio = self.settings, self.settings.vad, self.settings.audio
        voices = [("default", DEFAULT), *((v, v) for v in VOICES)]
        if s.voice and s.voice not in VOICES:
            voices.append((s.voice, s.voice))
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Settings"
            with VerticalScroll(id="form"):
                yield self._field("Model", Select(self._model_options(), value=s.model, allow_blank=False, compact=True, id="model"))
                yield Static("", id="model_note", markup=False)
                yield self._field(
                    "Thinking level",
                    Select([("default", DEFAULT)], value=DEFAULT, allow_blank=False, compact=True, id="thinking_level"),
                    Label("", id="thinking_level_why", markup=False),
                )
                yield self._field(
                    "Show thoughts",
                    Switch(s.show_thoughts, animate=False, id="show_thoughts"),
                    Label("", id="show_thoughts_why", markup=False),
                )
                yield self._field(
                    "Answers",
                    Select([("Text", "TEXT"), ("Audio", "AUDIO")], value=s.modality, allow_blank=False, compact=True, id="modality"),
                )
                yield self._field("Voice", Select(voices, value=s.voice or DEFAULT, allow_blank=False, compact=True, id="voice"))
                yield self._field("Language", self._input(s.language or "", "language", "default (BCP-47, e.g. en-US)"))
                instruction = TextArea(s.system_instruction, soft_wrap=True, compact=True, id="system_instruction")
                instruction.cursor_blink = False
                yield self._field("System instruction", instruction)
                yield Static("Voice activity detection", classes="heading")
                yield self._field(
                    "Automatic",
                    Switch(vad.automatic, animate=False, id="vad_automatic"),
                    Label(_vad_state(vad.automatic), id="vad_state"),  # the switch alone shows it by colour only
                )
                yield self._field("Start sensitivity", self._sensitivity(vad.start_sensitivity, "start_sensitivity"))
                yield self._field("End sensitivity", self._sensitivity(vad.end_sensitivity, "end_sensitivity"))
                yield self._field("Prefix padding ms", self._input(_number(vad.prefix_padding_ms), "prefix_padding_ms", "default"))
                yield self._field("Silence ms", self._input(_number(vad.silence_duration_ms), "silence_duration_ms", "default"))
                yield Static("Audio", classes="heading")
                yield self._field("Input device", self._input(audio.input_device or "", "input_device", _DEVICE_HINT))
                yield self._field("Output device", self._input(audio.output_device or "", "output_device", _DEVICE_HINT))
                yield self._field("Chunk ms", self._input(str(audio.chunk_ms), "chunk_ms", _range(CHUNK_MS_RANGE)))
                yield self._field(
                    "Echo mode", Select(ECHO_CHOICES, value=audio.echo_mode, allow_blank=False, compact=True, id="echo_mode")
                )
                record = "" if audio.record_dir is None else str(audio.record_dir)
                yield self._field("Record folder", self._input(record, "record_dir", "off (or a folder for WAV files of both sides)"))
                yield self._field("Meter rate Hz", self._input(str(audio.meter_hz), "meter_hz", _range(METER_HZ_RANGE)))
                yield Static("Tools", classes="heading")
                yield self._field(
                    "Google Search",
                    Switch(s.tools.search, animate=False, id="search"),
                    Label("", id="search_why", markup=False),
                )
            yield Static("", id="error", markup=False)
            save, cancel = first_key(self.app, "settings.save", "ctrl+s"), first_key(self.app, "settings.cancel", "escape")
            yield Static(f"{save} save & apply · {cancel} cancel · tab next field", id="hint", markup=False)

    @staticmethod
    def _field(label: str, *widgets: Widget) -> Horizontal:
        return Horizontal(Label(label), *widgets, classes="field")

    @staticmethod
    def _input(value: str, id: str, placeholder: str) -> Input:
        field = Input(value, placeholder=placeholder, compact=True, id=id)
        field.cursor_blink = False  # an idle screen writes nothing
        return field

    @staticmethod
    def _sensitivity(value: str | None, id: str) -> Select:
        return Select(SENSITIVITIES, value=value or DEFAULT, allow_blank=False, compact=True, id=id)

    def on_mount(self) -> None:
        self._enable_vad_details(self.settings.vad.automatic)
        self._follow_model(self.settings.model, self.settings.thinking_level)
        self.query_one("#model", Select).focus()
        if self._client is not None:
            self.run_worker(self._list_models(), group="models", exit_on_error=False)

    # -- the model, and the settings that follow it -------------------------------

    def _model_options(self) -> list[tuple[Content, str]]:
        models = list(self.models)
        if self.settings.model not in {m.name for m in models}:  # whatever it is, it stays on offer
            models.append(LiveModel(self.settings.model, retired=retired(self.settings.model)))
        # Content, not a str: Select reads a str as markup, and these are the service's words.
        return [(Content(f"{m.name} · {m.note.split(':')[0]}" if m.note else m.name), m.name) for m in models]

    async def _list_models(self) -> None:
        """The service's Live models replace the known ones; the known ones stay, with a note, if it cannot say."""
        assert self._client is not None
        try:
            client = self._client()
            if client is None:
                raise ListingError("not connected to the service yet")
            self.models = await list_live_models(client)
        except ListingError as exc:
            self.listing_problem = f"the service's list is not available ({exc}) · offering the models livetui knows"
        else:
            select = self.query_one("#model", Select)
            chosen = self._choice("model")
            select.set_options(self._model_options())
            select.value = chosen if chosen in {value for _, value in self._model_options()} else self.settings.model
        self.models_loaded = True
        self._follow_model(self._choice("model"))

    @on(Select.Changed, "#model")
    def model_changed(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self._follow_model(str(event.value))

    def _follow_model(self, model: str, level: str | None = None) -> None:
        """Offer what `model` takes; disable, with the reason, what it cannot."""
        select = self.query_one("#thinking_level", Select)
        wanted = level if level is not None else self._choice("thinking_level")
        can = thinking_level_for(model)
        select.set_options([("default", DEFAULT), *((name, name) for name in can.levels)])
        select.value = wanted if wanted in can.levels else DEFAULT
        select.disabled = not can.enabled
        self.query_one("#thinking_level_why", Label).update(can.reason)
        thoughts = show_thoughts_for(model)
        self.query_one("#show_thoughts", Switch).disabled = not thoughts.enabled
        self.query_one("#show_thoughts_why", Label).update(thoughts.reason or "shown apart from the answer")
        self._follow_model_search(model)
        note = describe(model) or self.listing_problem
        widget = self.query_one("#model_note", Static)
        widget.update(note)
        widget.set_class(bool(note), "-shown")

    def _follow_model_search(self, model: str) -> None:
        """Google Search goes to a conversation model only; the switch keeps its value."""
        known = model_info(model)
        takes = known is None or known.kind == "conversation"
        self.query_one("#search", Switch).disabled = not takes
        why = "answers cite their web sources" if takes else "this model takes no tools"
        self.query_one("#search_why", Label).update(why)

    @on(Switch.Changed, "#vad_automatic")
    def automatic_changed(self, event: Switch.Changed) -> None:
        self.query_one("#vad_state", Label).update(_vad_state(event.value))
        self._enable_vad_details(event.value)

    def _enable_vad_details(self, automatic: bool) -> None:
        # Without automatic detection the service ignores these; Tab skips them too.
        for id in ("start_sensitivity", "end_sensitivity", "prefix_padding_ms", "silence_duration_ms"):
            self.query_one(f"#{id}").disabled = not automatic

    # -- reading the form ------------------------------------------------------

    def read(self) -> Settings:
        """The form as Settings; raises Invalid naming the first bad field."""
        model = self._choice("model")
        if gone := describe(model):
            raise Invalid("model", f"Model: {gone}")
        try:
            mode = fields_for_model(self.settings, model)  # a chat model leaves the interpreter or dictation
        except ValueError as why:
            raise Invalid("model", f"Model: {why}") from None
        language = self._text("language")
        if language and not _BCP47.fullmatch(language):
            raise Invalid("language", "Language: a BCP-47 tag like en-US, or blank for the default")
        vad = VadSettings(
            automatic=self.query_one("#vad_automatic", Switch).value,
            start_sensitivity=self._choice("start_sensitivity") or None,
            end_sensitivity=self._choice("end_sensitivity") or None,
            prefix_padding_ms=self._milliseconds("prefix_padding_ms", "Prefix padding"),
            silence_duration_ms=self._milliseconds("silence_duration_ms", "Silence"),
        )
        audio = replace(  # mic_on_start is not in the form: kept
            self.settings.audio,
            input_device=self._text("input_device") or None,
            output_device=self._text("output_device") or None,
            chunk_ms=self._whole("chunk_ms", "Chunk ms", CHUNK_MS_RANGE, "milliseconds"),
            echo_mode=self._choice("echo_mode"),
            record_dir=self._folder("record_dir"),
            meter_hz=self._whole("meter_hz", "Meter rate", METER_HZ_RANGE, "updates a second"),
        )
        chosen = replace(
            self.settings,
            model=model,
            modality=self._choice("modality"),
            voice=self._choice("voice") or None,
            language=language or None,
            system_instruction=self.query_one("#system_instruction", TextArea).text.strip(),
            # What the model cannot take is shown disabled with the reason, and not kept.
            thinking_level=None if self.query_one("#thinking_level").disabled else self._choice("thinking_level") or None,
            show_thoughts=not self.query_one("#show_thoughts").disabled and self.query_one("#show_thoughts", Switch).value,
            vad=vad,
            audio=audio,
            tools=replace(self.settings.tools, search=self.query_one("#search", Switch).value),
        )
        return replace(chosen, **mode)

    def _text(self, id: str) -> str:
        return self.query_one(f"#{id}", Input).value.strip()

    def _choice(self, id: str):
        value = self.query_one(f"#{id}", Select).value
        return DEFAULT if value is Select.NULL else value

    def _milliseconds(self, id: str, name: str) -> int | None:
        text = self._text(id)
        if not text:
            return None
        if not _DIGITS.fullmatch(text):
            raise Invalid(id, f"{name}: a whole number of milliseconds (0 or more), or blank for the default")
        return int(text)

    def _whole(self, id: str, name: str, bounds: tuple[int, int], unit: str) -> int:
        text, (low, high) = self._text(id), bounds
        if not _DIGITS.fullmatch(text) or not low <= int(text) <= high:
            raise Invalid(id, f"{name}: a whole number of {unit}, {low} to {high}")
        return int(text)

    def _folder(self, id: str) -> Path | None:
        text = self._text(id)
        before = self.settings.audio.record_dir
        if not text:
            return None
        if before is not None and text == str(before):
            return before  # unchanged: as it was, even if relative
        path = Path(text).expanduser().absolute()
        if path.exists() and not path.is_dir():
            raise Invalid(id, f"Record folder: {path} is a file; a folder, or blank for no recording")
        return path

    # -- actions ---------------------------------------------------------------

    def action_save(self) -> None:
        try:
            settings = self.read()
        except Invalid as bad:
            error = self.query_one("#error", Static)
            error.update(str(bad))
            error.add_class("-shown")
            widget = self.query_one(f"#{bad.field}")
            widget.disabled = False  # a bad value must be reachable to be fixed
            widget.focus()
            return
        if settings.mode != self.settings.mode:  # the panes and the prompt name the new mode
            from ..modes import apply_labels

            self.app.call_after_refresh(apply_labels, self.app)
        self.dismiss(settings)

    def action_cancel(self) -> None:
        self.dismiss(None)


_DEVICE_HINT = "default (an index, or part of a name)"


def _vad_state(automatic: bool) -> str:
    return "on: the service detects speech" if automatic else "off: push to talk"


def _range(bounds: tuple[int, int]) -> str:
    return f"{bounds[0]} to {bounds[1]}"


def _number(value: int | None) -> str:
    return "" if value is None else str(value)
