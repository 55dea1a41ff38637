"""Each screen inside a tiny host app, driven by keys at 80x24."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.widgets import DataTable, Input, Select, Static, Switch, TextArea

from livetui.core.eventlog import EventLog
from livetui.core.settings import AudioSettings, Settings, VadSettings
from livetui.ui.keymap import GROUPS, key_rows
from livetui.ui.screens.confirm import ConfirmScreen
from livetui.ui.screens.eventlog import EventLogScreen, human_size, parse_filter
from livetui.ui.screens.help import HelpScreen
from livetui.ui.screens.settings import SettingsScreen
from livetui.ui.widgets.prompt import PromptArea

from .helpers import UNSET, Host, until

SIZE = (80, 24)



# -- confirm --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["enter"], True),
        (["y"], True),
        (["n"], False),
        (["escape"], False),
        (["tab", "enter"], False),  # Enter presses the focused button: "No" after Tab
        (["right", "left", "enter"], True),
    ],
)
async def test_confirm_by_keys(keys: list[str], expected: bool) -> None:
    app = Host(lambda: ConfirmScreen("Switch?", "Use [audio] instead?", yes="Use audio", no="Stay"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.focused is not None and app.screen.focused.id == "yes"
        await pilot.press(*keys)
        await pilot.pause()
        assert app.result is expected
        assert not isinstance(app.screen, ConfirmScreen)


async def test_confirm_keys_can_be_remapped() -> None:
    app = Host(lambda: ConfirmScreen("Quit?", "Really?"))
    app.set_keymap({"confirm.yes": "j", "confirm.no": "k"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "(j)" in str(app.screen.query_one("#yes").label)
        await pilot.press("y")  # no longer bound
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("j")
        await pilot.pause()
        assert app.result is True


async def test_confirm_shows_text_without_markup() -> None:
    app = Host(lambda: ConfirmScreen("Title [b]x[/b]", "Body [red]y[/red]"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "[b]x[/b]" in str(app.screen.query_one("#title", Static).render())
        assert "[red]y[/red]" in str(app.screen.query_one("#body", Static).render())


# -- help -----------------------------------------------------------------------


def _app_bindings() -> list[Binding]:
    from livetui.ui.app import (
        LiveTuiApp,  # for its class attribute: the app is not started
    )

    return list(LiveTuiApp.BINDINGS)


class HelpHost(Host):
    BINDINGS = _app_bindings()


def _table_rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_help_lists_every_binding_id() -> None:
    app = HelpHost(HelpScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        rows = _table_rows(table)
        ids = {row[2] for row in rows}
        for binding in [*_app_bindings(), *PromptArea.BINDINGS]:
            assert binding.id in ids, binding.id
        keys = {row[0] for row in rows}
        assert {"ctrl+p", "ctrl+c", "up", "down"} <= keys
        headers = [row[0] for row in rows if row[1] == "" and row[2] == ""]
        assert headers == list(GROUPS)
        assert "[keys]" in str(app.screen.query_one("#footnote", Static).render())


async def test_help_shows_remapped_keys() -> None:
    app = HelpHost(HelpScreen)
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"toggle_modality": "ctrl+o", "prompt.newline": "ctrl+j"})
        rows = {row.binding_id: row for row in key_rows(app)}
        assert rows["toggle_modality"].keys == "ctrl+o"
        assert rows["prompt.newline"].keys == "ctrl+j"
        assert rows["help"].keys == "f1"  # untouched ids keep their key
        app.push_screen(HelpScreen())
        await pilot.pause()
        shown = {row[2]: row[0] for row in _table_rows(app.screen.query_one(DataTable))}
        assert shown["toggle_modality"] == "ctrl+o"


async def test_help_rows_are_grouped_and_known() -> None:
    app = HelpHost(HelpScreen)
    async with app.run_test(size=SIZE):
        rows = key_rows(app)
        assert {row.group for row in rows} <= set(GROUPS)
        groups = [row.group for row in rows]
        assert groups == sorted(groups, key=GROUPS.index)
        by_id = {row.binding_id: row for row in rows}
        assert by_id["prompt.newline"].keys == "ctrl+j,alt+enter"  # split by Textual, joined again
        assert by_id["eventlog.close"].group == "Screens"


@pytest.mark.parametrize("key", ["escape", "q", "f1"])
async def test_help_closes(key: str) -> None:
    app = Host(HelpScreen)  # no app bindings: F1 reaches the screen
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("down", "pagedown", "pageup")  # scrolls by keys
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert app.result is None


# -- event log --------------------------------------------------------------------


def _sample_log(limit: int = 5000) -> EventLog:
    log = EventLog(limit=limit)
    log.add("out", "setup", 312, '{"model":"gemini-live-2.5-flash-preview"}')
    log.add("in", "setupComplete", 24, "setup complete")
    log.add("out", "client_content", 88, '{"turns":[{"role":"user","parts":[{"text":"hello there"}]}]}')
    log.add("in", "serverContent.modelTurn", 1900, "text 'Hi! How can I help?'")
    log.add("in", "serverContent.turnComplete", 40, "turn complete")
    log.add("info", "note", 0, "switched to AUDIO answers")
    return log


def _shown(screen: EventLogScreen) -> list[str]:
    return [entry.kind for entry in screen.table.entries]


def _counts(screen: EventLogScreen) -> str:
    return str(screen.query_one("#counts", Static).render())


async def _type_filter(pilot, text: str) -> None:
    """Set the filter as typing would (Input.Changed), without a key's pilot round trip per letter."""
    pilot.app.screen.query_one("#filter", Input).value = text
    await pilot.pause()


def test_filter_parsing_and_sizes() -> None:
    kinds = ["setup", "setupComplete", "usageMetadata"]
    assert parse_filter("", kinds) == (None, "")
    assert parse_filter("hello", kinds) == (None, "hello")
    assert parse_filter("setup", kinds) == (frozenset({"setup"}), "")
    assert parse_filter("UsageMetadata", kinds) == (frozenset({"usageMetadata"}), "")
    assert parse_filter("kind:setup,usagemetadata tokens", kinds) == (frozenset({"setup", "usageMetadata"}), "tokens")
    assert parse_filter("kind:unknown", kinds) == (frozenset({"unknown"}), "")
    assert [human_size(n) for n in (0, 999, 1900, 999_949, 2_500_000)] == ["–", "999 B", "1.9 kB", "999.9 kB", "2.5 MB"]


async def test_event_log_shows_entries() -> None:
    log = _sample_log()
    app = Host(lambda: EventLogScreen(log))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EventLogScreen)
        assert len(screen.table.entries) == 6
        assert _counts(screen).startswith("6 of 6 messages · kinds: client_content, note, ")
        assert screen.table.cursor == 5  # newest at the bottom, selected
        header = screen.table.render_line(0).text
        assert header.split() == ["time", "kind", "size", "summary"]
        line = screen.table.render_line(1).text  # oldest first
        assert "→ setup" in line and "312 B" in line and '{"model"' in line
        assert log.entries()[0].wall.strftime("%H:%M:%S.") in line
        assert "← serverContent.modelTurn" in screen.table.render_line(4).text
        assert "1.9 kB" in screen.table.render_line(4).text
        assert "· note" in screen.table.render_line(6).text
        assert len(line) <= 80
        assert "switched to AUDIO answers" in str(screen.query_one("#detail", Static).render())
        await pilot.press("up", "up")
        assert screen.table.cursor == 3
        assert "Hi! How can I help?" in str(screen.query_one("#detail", Static).render())
        await pilot.press("ctrl+home")
        assert screen.table.cursor == 0
        await pilot.press("ctrl+end")
        assert screen.table.cursor == 5


async def test_event_log_filters_by_text_and_kind() -> None:
    log = _sample_log()
    app = Host(lambda: EventLogScreen(log))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EventLogScreen)
        await pilot.press(*"hello")  # substring of a summary, typed
        assert _shown(screen) == ["client_content"]
        assert _counts(screen).startswith("1 of 6 messages")
        await _type_filter(pilot, "turn")  # substring of kinds and summaries
        assert _shown(screen) == ["client_content", "serverContent.modelTurn", "serverContent.turnComplete"]
        await _type_filter(pilot, "setup")  # exactly a kind: that kind only, not setupComplete
        assert _shown(screen) == ["setup"]
        await _type_filter(pilot, "kind:setupComplete")
        assert _shown(screen) == ["setupComplete"]
        await _type_filter(pilot, "kind:setup,note")
        assert _shown(screen) == ["setup", "note"]
        await _type_filter(pilot, "nothing like this")
        assert _shown(screen) == []
        assert _counts(screen).startswith("0 of 6 messages")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert screen.query_one("#filter", Input).value == ""
        assert len(_shown(screen)) == 6


async def test_event_log_follows_new_entries() -> None:
    log = _sample_log()
    app = Host(lambda: EventLogScreen(log))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EventLogScreen)
        log.add("in", "usageMetadata", 60, "tokens 10 in / 20 out / 30 total")
        await until(pilot, lambda: len(screen.table.entries) == 7, what="the timer to pick up the new entry")
        assert screen.table.cursor == 6  # at the bottom, so it follows
        assert "usageMetadata" in _counts(screen)
        # Away from the bottom: new rows arrive, the cursor stays put.
        await pilot.press("up", "up")
        log.add("in", "serverContent.turnComplete", 40, "turn complete")
        assert screen.poll() is True
        assert len(screen.table.entries) == 8 and screen.table.cursor == 4
        # A filter in force: only matching new entries are appended.
        await _type_filter(pilot, "tokens")
        assert _shown(screen) == ["usageMetadata"]
        log.add("in", "usageMetadata", 60, "tokens 11 in / 21 out / 32 total")
        log.add("out", "realtime_input", 640, "audio 640 B")
        screen.poll()
        assert _shown(screen) == ["usageMetadata", "usageMetadata"]


async def test_event_log_appends_rather_than_rebuilding() -> None:
    log = _sample_log()
    app = Host(lambda: EventLogScreen(log))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EventLogScreen)
        rebuilt: list[int] = []
        table = screen.table
        original = table.set_entries
        table.set_entries = lambda entries: (rebuilt.append(len(entries)), original(entries))  # type: ignore[method-assign]
        for n in range(3):
            log.add("out", "realtime_input", 640, f"audio {n}")
            screen.poll()
        assert rebuilt == [] and len(table.entries) == 9
        await _type_filter(pilot, "audio")
        assert rebuilt  # a new filter rebuilds once


async def test_event_log_does_nothing_while_the_log_is_unchanged() -> None:
    log = _sample_log()
    app = Host(lambda: EventLogScreen(log))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EventLogScreen)
        synced: list[int] = []
        original = screen.sync
        screen.sync = lambda: (synced.append(log.version), original())  # type: ignore[method-assign]
        assert [screen.poll() for _ in range(5)] == [False] * 5
        assert synced == []
        log.add("in", "usageMetadata", 60, "tokens")
        assert screen.poll() is True
        assert screen.poll() is False
        assert synced == [log.version]
        # And the real timer: a tick with nothing new repaints nothing.
        table = screen.table
        refreshed: list[object] = []
        original_refresh = table.refresh
        table.refresh = lambda *a, **k: (refreshed.append(a), original_refresh(*a, **k))[1]  # type: ignore[method-assign]
        log.add("in", "usageMetadata", 60, "tokens again")
        await until(pilot, lambda: len(synced) == 2, what="a timer tick")
        refreshed.clear()
        ticks = len(synced)
        await pilot.pause(0.6)  # a few more timer periods, with nothing new
        assert len(synced) == ticks and refreshed == []


async def test_event_log_forgets_what_the_bounded_log_dropped() -> None:
    log = _sample_log(limit=6)
    app = Host(lambda: EventLogScreen(log))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EventLogScreen)
        for n in range(4):
            log.add("out", "realtime_input", 640, f"audio {n}")
        screen.poll()
        assert len(screen.table.entries) == 6
        assert [e.seq for e in screen.table.entries] == [e.seq for e in log.entries()]
        assert screen.table.cursor == 5
        log.clear()
        screen.poll()
        assert screen.table.entries == [] and _counts(screen).startswith("0 of 0")


async def test_event_log_handles_thousands_of_entries() -> None:
    log = EventLog()
    for n in range(5000):
        log.add("out" if n % 2 else "in", "realtime_input" if n % 2 else "serverContent.modelTurn", 640 + n, f"message number {n}")
    app = Host(lambda: EventLogScreen(log))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, EventLogScreen)
        assert len(screen.table.entries) == 5000
        started = time.perf_counter()
        await pilot.press(*"number 49")  # each key re-filters all 5000
        await pilot.pause()
        elapsed = time.perf_counter() - started
        assert len(screen.table.entries) == 111  # 49, 490-499, 4900-4999
        assert elapsed < 2.0, f"typing a 9-key filter over 5000 entries took {elapsed:.2f} s"
        await pilot.press("ctrl+l", "pageup", "pageup")
        await pilot.pause()
        assert screen.table.cursor == 4999 - 2 * screen.table.page


@pytest.mark.parametrize("key", ["escape", "ctrl+e"])
async def test_event_log_closes(key: str) -> None:
    app = Host(lambda: EventLogScreen(_sample_log()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")  # focus is in the filter: ctrl+e must still close
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, EventLogScreen)


# -- settings -----------------------------------------------------------------------


def _settings(**changes: Any) -> Settings:
    # A model that takes thinking settings, so that every field of the form is live.
    return Settings(**{"model": "gemini-3.1-flash-live-preview", "modality": "TEXT", **changes})


async def _open_settings(pilot) -> SettingsScreen:
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


async def test_settings_edits_and_saves() -> None:
    before = _settings(keys={"help": "f9"}, carry_over_budget=1234)
    app = Host(lambda: SettingsScreen(before))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_settings(pilot)
        assert screen.focused is screen.query_one("#model")
        await pilot.press("enter", "up", "enter")  # the model above: gemini-3.8-live-extended-thinking
        await pilot.press("tab", "enter", "down", "enter")  # its thinking levels: default, low, ...
        await pilot.press("tab", "space")  # show thoughts
        await pilot.press("tab", "enter", "down", "enter")  # Answers: Text -> Audio
        await pilot.press("tab", "enter", *"kore", "enter")  # Voice: type to search
        await pilot.press("tab", *"en-GB")
        await pilot.press("tab", *"Be brief")
        await pilot.press("tab", "tab", "enter", "down", "enter")  # start sensitivity: high
        await pilot.press("tab", "tab", *"300")  # prefix padding
        await pilot.press("tab", *"800")  # silence
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen)
    after = app.result
    assert isinstance(after, Settings)
    assert after.model == "gemini-3.8-live-extended-thinking"
    assert (after.thinking_level, after.show_thoughts) == ("low", True)
    assert after.modality == "AUDIO"
    assert after.voice == "Kore"
    assert after.language == "en-GB"
    assert after.system_instruction == "Be brief"
    assert after.vad == VadSettings(automatic=True, start_sensitivity="high", prefix_padding_ms=300, silence_duration_ms=800)
    assert after.keys == {"help": "f9"} and after.carry_over_budget == 1234  # not in the form: kept


async def test_settings_unchanged_save_gives_equal_settings() -> None:
    audio = AudioSettings("2", "USB", 40, "speaker", Path("rec"), 30, False)  # a relative folder stays as it was
    before = _settings(voice="Sulafat", language="de-DE", system_instruction="Hi",
                       vad=VadSettings(automatic=False, end_sensitivity="low", silence_duration_ms=500), audio=audio)
    app = Host(lambda: SettingsScreen(before))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_settings(pilot)
        assert screen.query_one("#voice", Select).value == "Sulafat"  # not a known voice, still offered
        assert screen.query_one("#silence_duration_ms").disabled  # VAD details off without automatic
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == before


async def test_settings_switch_and_blank_fields() -> None:
    before = _settings(voice="Puck", language="en-US", vad=VadSettings(prefix_padding_ms=20))
    app = Host(lambda: SettingsScreen(before))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_settings(pilot)
        screen.query_one("#language", Input).focus()
        await pilot.press("home", "ctrl+k")  # blank: the default
        screen.query_one("#vad_automatic", Switch).focus()
        await pilot.press("space")
        await pilot.pause()
        assert screen.query_one("#prefix_padding_ms").disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result.language is None
    assert app.result.vad.automatic is False
    assert app.result.vad.prefix_padding_ms == 20  # kept, for when automatic is back on


async def test_settings_escape_cancels() -> None:
    app = Host(lambda: SettingsScreen(_settings()))
    async with app.run_test(size=SIZE) as pilot:
        await _open_settings(pilot)
        await pilot.press(*"xyz", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen)
    assert app.result is None


async def test_settings_escape_closes_an_open_list_first() -> None:
    app = Host(lambda: SettingsScreen(_settings()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_settings(pilot)
        screen.query_one("#modality", Select).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#modality", Select).expanded
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and app.result is UNSET


@pytest.mark.parametrize(
    ("field", "text", "words"),
    [
        ("silence_duration_ms", "12x", "Silence"),
        ("prefix_padding_ms", "-5", "Prefix padding"),
        ("language", "en_US", "Language"),
        ("chunk_ms", "19", "Chunk ms: a whole number of milliseconds, 20 to 40"),
        ("chunk_ms", "41", "Chunk ms"),
        ("chunk_ms", "", "Chunk ms"),
        ("chunk_ms", "2O", "Chunk ms"),
        ("meter_hz", "4", "Meter rate: a whole number of updates a second, 5 to 30"),
        ("meter_hz", "31", "Meter rate"),
    ],
)
async def test_settings_rejects_bad_values(field: str, text: str, words: str) -> None:
    app = Host(lambda: SettingsScreen(_settings()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_settings(pilot)
        screen.query_one(f"#{field}", Input).focus()
        await pilot.press("home", "ctrl+k", *text)
        screen.query_one("#model", Select).focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and app.result is UNSET
        error = screen.query_one("#error", Static)
        assert error.display and str(error.render()).startswith(words)
        assert screen.focused is screen.query_one(f"#{field}")  # taken to the field to fix
        await pilot.press("home", "ctrl+k")
        await pilot.press(*{"chunk_ms": "20", "meter_hz": "15"}.get(field, ""))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.result, Settings)


async def test_settings_fit_at_80x24() -> None:
    app = Host(lambda: SettingsScreen(_settings()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_settings(pilot)
        dialog = screen.query_one("#dialog").region
        assert dialog.width <= 80 and dialog.height <= 24
        hint = screen.query_one("#hint").region
        assert hint.bottom <= 24 and hint.height == 1
        # The last field scrolls into view when reached by Tab.
        screen.query_one("#meter_hz", Input).focus()
        await pilot.pause()
        field = screen.query_one("#meter_hz").region
        form = screen.query_one("#form").region
        assert form.contains_region(field)
        assert isinstance(screen.query_one("#system_instruction", TextArea), TextArea)


FORM_FIELDS = [
    "model", "thinking_level", "show_thoughts", "modality", "voice", "language", "system_instruction",
    "vad_automatic", "start_sensitivity", "end_sensitivity", "prefix_padding_ms", "silence_duration_ms",
    "input_device", "output_device", "chunk_ms", "echo_mode", "record_dir", "meter_hz", "search",
]  # fmt: skip


async def test_settings_every_field_is_reached_by_tab_and_shown_at_80x24() -> None:
    app = Host(lambda: SettingsScreen(_settings()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_settings(pilot)
        form = screen.query_one("#form")
        reached = []
        for _ in FORM_FIELDS:
            focused = screen.focused
            assert focused is not None
            reached.append(focused.id)
            assert form.region.contains_region(focused.region), f"{focused.id} is not scrolled into view"
            await pilot.press("tab")
            await pilot.pause()
        assert reached == FORM_FIELDS
        assert form.max_scroll_y > 0  # the form is taller than the dialog: it scrolled to get here
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen)
    assert app.result == _settings()


async def test_settings_audio_fields_edit_and_save(tmp_path: Path) -> None:
    before = _settings(audio=AudioSettings(output_device="pulse", mic_on_start=True))
    app = Host(lambda: SettingsScreen(before))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_settings(pilot)
        screen.query_one("#input_device", Input).focus()
        await pilot.press(*"USB Mic")
        await pilot.press("tab", "home", "ctrl+k")  # output device: blank, the default
        await pilot.press("tab", "home", "ctrl+k", *"30")  # chunk ms
        await pilot.press("tab", "enter", "down", "enter")  # echo mode: headset -> speaker
        await pilot.press("tab", *str(tmp_path / "rec"))  # record folder
        await pilot.press("tab", "home", "ctrl+k", *"25")  # meter rate
        await pilot.pause()
        assert screen.focused is screen.query_one("#meter_hz")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen)
    assert app.result.audio == AudioSettings(
        input_device="USB Mic",
        output_device=None,
        chunk_ms=30,
        echo_mode="speaker",
        record_dir=tmp_path / "rec",
        meter_hz=25,
        mic_on_start=True,  # not in the form: kept
    )
    assert not (tmp_path / "rec").exists()  # a setting, not created here


async def test_settings_echo_mode_choices_explain_themselves() -> None:
    before = _settings(vad=VadSettings(automatic=False), audio=AudioSettings(echo_mode="speaker"))
    app = Host(lambda: SettingsScreen(before))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_settings(pilot)
        assert str(screen.query_one("#vad_state").render()) == "off: push to talk"  # the switch says what off means
        select = screen.query_one("#echo_mode", Select)
        assert select.value == "speaker"
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert select.expanded
        options = select.query_one("SelectOverlay")
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert [p.split(":")[0] for p in prompts] == ["headset", "speaker"]
        assert "full duplex" in prompts[0] and "mic off while an answer plays" in prompts[1]
        assert all(len(p) <= 50 for p in prompts)  # fits the field at 80 columns
        await pilot.press("up", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result.audio.echo_mode == "headset"


async def test_settings_record_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "take.wav").write_bytes(b"")
    app = Host(lambda: SettingsScreen(_settings(audio=AudioSettings(record_dir=tmp_path / "old"))))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_settings(pilot)
        assert screen.query_one("#record_dir", Input).value == str(tmp_path / "old")
        screen.query_one("#record_dir", Input).focus()
        await pilot.press("home", "ctrl+k", *"~/take.wav")
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = screen.query_one("#error", Static)
        assert app.result is UNSET and str(error.render()).startswith("Record folder:")
        assert screen.focused is screen.query_one("#record_dir")
        await pilot.press("home", "ctrl+k", *"~/recordings")  # ~ expanded
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result.audio.record_dir == tmp_path / "recordings"
    app = Host(lambda: SettingsScreen(_settings(audio=AudioSettings(record_dir=tmp_path / "old"))))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_settings(pilot)
        screen.query_one("#record_dir", Input).focus()
        await pilot.press("home", "ctrl+k", "ctrl+s")  # blank: no recording
        await pilot.pause()
    assert app.result.audio.record_dir is None


async def test_settings_google_search_switch_sets_the_tools_and_follows_the_model() -> None:
    from livetui.core.tools.spec import ToolBox

    app = Host(lambda: SettingsScreen(_settings(model="gemini-3.8-live")))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_settings(pilot)
        switch = screen.query_one("#search", Switch)
        assert not switch.value and not switch.disabled
        switch.focus()
        await pilot.press("space")
        await pilot.pause()
        assert switch.value
        # The transcriber takes no tools: the switch says so, and keeps what was chosen.
        screen.query_one("#model", Select).value = "gemini-3.5-transcribe-live"
        await pilot.pause()
        assert switch.disabled and "takes no tools" in str(screen.query_one("#search_why").render())
        screen.query_one("#model", Select).value = "gemini-3.8-live"
        await pilot.pause()
        assert not switch.disabled and switch.value
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == _settings(model="gemini-3.8-live", tools=ToolBox(search=True))
