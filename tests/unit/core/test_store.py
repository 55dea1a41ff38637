"""The transcript store: append-only JSONL, private files, crash and disk-full behaviour, export."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livetui import __version__
from livetui.core.conversation import Conversation, TurnAdded, TurnEnded, TurnText
from livetui.core.events import (
    AudioChunk,
    OutputTranscript,
    TurnComplete,
    Usage,
)
from livetui.core.secrets import scrub_secrets
from livetui.core.store import (
    PARTIAL_EVERY_S,
    Record,
    StoreError,
    TranscriptStore,
    conversations_dir,
    export_jsonl,
    export_markdown,
    list_conversations,
    load,
)
from livetui.core.store import paths as store_paths

TZ = timezone(timedelta(hours=1))
START = datetime(2026, 11, 25, 9, 30, 0, tzinfo=TZ)
KEY = "AIzaSy-secret-test-key-0123456789abcdef"


def ticking(start: datetime = START) -> Callable[[], datetime]:
    """A clock one second further on at each call."""
    moments: Iterator[datetime] = (start + timedelta(seconds=n) for n in range(10**6))
    return lambda: next(moments)


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def new_store(folder: Path, cid: str = "20261125-093000-ab12", **options) -> TranscriptStore:
    options.setdefault("clock", ticking())
    options.setdefault("environ", {})
    store = TranscriptStore.create(folder, conversation_id=cid, **options)
    assert not store.failed, store.problem
    return store


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


# --- writing and reading back -------------------------------------------------------------


def test_each_record_is_one_json_line_on_disk_at_once(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    assert store.write(Record.start("gemini-live-2.5-flash-preview", "TEXT", "simulator"))
    assert store.append("user", turn=1, text="Hi", modality="TEXT", partial=False)
    # No close, no checkpoint: a reader (or a crash) sees both lines already.
    assert lines(store.path) == [
        {
            "v": 1,
            "t": "2026-11-25T09:30:00.000+01:00",
            "kind": "start",
            "model": "gemini-live-2.5-flash-preview",
            "modality": "TEXT",
            "service": "simulator",
            "version": __version__,
        },
        {"v": 1, "t": "2026-11-25T09:30:01.000+01:00", "kind": "user", "turn": 1, "text": "Hi", "modality": "TEXT", "partial": False},
    ]


def test_a_conversation_reads_back_with_turns_handle_settings_and_usage(tmp_path: Path) -> None:
    with new_store(tmp_path) as store:
        store.write(Record.start("model-a", "TEXT", "simulator"))
        store.write(Record.user(1, "What is 2+2?"))
        store.partial(2, "model", "It is", modality="TEXT")
        store.write(Record.model(2, "It is 4."))
        store.write(Record.usage(Usage(prompt=10, response=4, total=14, prompt_by_modality={"TEXT": 10})))
        store.write(Record.handle("handle-1"))
        store.write(Record.switch(modality="AUDIO"))
        store.write(Record.handle("handle-2"))
        store.write(Record.handle(None, resumable=False))  # not resumable for a moment: the last handle stays
        store.write(Record.usage(Usage(prompt=30, response=20, total=50, prompt_by_modality={"TEXT": 20, "AUDIO": 10})))
    loaded = load(store.path)
    assert [(t.role, t.text, t.partial) for t in loaded.turns] == [("user", "What is 2+2?", False), ("model", "It is 4.", False)]
    assert loaded.turns[1].at == START + timedelta(seconds=2)  # when the answer began: its first (partial) record
    assert loaded.handle == "handle-2"
    assert (loaded.settings.model, loaded.settings.modality, loaded.settings.service) == ("model-a", "AUDIO", "simulator")
    usage = loaded.usage_total
    assert (usage.turns, usage.prompt, usage.response, usage.total) == (2, 40, 24, 64)
    assert usage.prompt_by_modality == {"TEXT": 30, "AUDIO": 10}
    assert loaded.started == START
    assert [(p.role, p.text) for p in loaded.past_turns()] == [("user", "What is 2+2?"), ("model", "It is 4.")]


def test_turns_written_from_a_live_conversation_read_back_as_it_showed_them(tmp_path: Path) -> None:
    conversation = Conversation()
    store = new_store(tmp_path)
    store.write(Record.start("m", "AUDIO"))
    for change in conversation.add_user_text("Tell me a story"):
        store.write_turn(change.turn)
    for event in (OutputTranscript("Once "), AudioChunk(bytes(48000)), OutputTranscript("upon a time"), TurnComplete()):
        for change in conversation.apply(event):
            if isinstance(change, TurnEnded):
                store.write_turn(change.turn)
                store.checkpoint()
            elif hasattr(change, "turn"):
                store.write_turn(change.turn, partial=True)
    loaded = load(store.path)
    assert [(t.role, t.text) for t in loaded.turns] == [(t.role, t.text) for t in conversation.turns]
    answer = loaded.turns[1]
    assert (answer.modality, answer.audio_seconds, answer.partial) == ("AUDIO", 1.0, False)


def test_checkpoint_fsyncs_the_transcript_and_append_does_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = new_store(tmp_path)
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.fstat(fd).st_ino))
    for n in range(3):
        store.append("system", text=f"line {n}", level="info")
    assert synced == []
    assert store.checkpoint()
    assert synced == [store.path.stat().st_ino]


# --- private files -----------------------------------------------------------------------


def test_files_are_0600_and_folders_0700_whatever_the_umask(tmp_path: Path) -> None:
    environ = {"XDG_DATA_HOME": str(tmp_path / "data")}
    folder = conversations_dir(environ)
    assert folder == tmp_path / "data" / "livetui" / "conversations"
    before = stat.S_IMODE(tmp_path.stat().st_mode)
    old = os.umask(0o277)  # would leave the file read-only and the folders unlistable
    try:
        store = TranscriptStore.create(environ=environ, clock=ticking())
    finally:
        os.umask(old)
    assert not store.failed, store.problem
    assert store.path.parent == folder
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    for made in (folder, folder.parent, tmp_path / "data"):
        assert stat.S_IMODE(made.stat().st_mode) == 0o700, made
    assert stat.S_IMODE(tmp_path.stat().st_mode) == before  # a folder it did not make is not its to change


def test_ids_sort_by_time_and_never_collide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with TranscriptStore.create(tmp_path, environ={}) as real:
        assert re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{4}", real.id)
        assert real.id[:15] <= datetime.now().strftime("%Y%m%d-%H%M%S")
    tails = iter(["ab12", "ab12", "cd34"])
    monkeypatch.setattr(store_paths.secrets, "token_hex", lambda n: next(tails))
    same_second = lambda: START
    with (
        TranscriptStore.create(tmp_path, clock=same_second, environ={}) as first,
        TranscriptStore.create(tmp_path, clock=same_second, environ={}) as second,
    ):
        assert (first.id, second.id) == ("20261125-093000-ab12", "20261125-093000-cd34")
        assert first.path != second.path and first.path.exists() and second.path.exists()


def test_closing_forgets_a_conversation_in_which_nothing_was_said(tmp_path: Path) -> None:
    empty = new_store(tmp_path, "20261125-093000-0000")
    empty.write(Record.start("m", "TEXT"))
    empty.close()
    kept = new_store(tmp_path, "20261125-093000-1111")
    kept.write(Record.user(1, "hello"))
    kept.close()
    assert not empty.path.exists() and kept.path.exists()


# --- crashes -------------------------------------------------------------------------------


def test_a_crash_keeps_the_partial_answer_and_skips_the_torn_line(tmp_path: Path) -> None:
    clock = Monotonic()
    store = new_store(tmp_path, monotonic=clock)
    store.write(Record.start("m", "TEXT"))
    store.write(Record.user(1, "Tell me a story"))
    assert store.partial(2, "model", "Once")
    clock.now += PARTIAL_EVERY_S
    assert store.partial(2, "model", "Once upon a time")
    store.append("system", text="this line will be torn", level="info")
    # The process dies here (no close); the last write was torn halfway.
    data = store.path.read_bytes()
    last = data.rstrip(b"\n").rfind(b"\n") + 1
    store.path.write_bytes(data[: last + (len(data) - last) // 2])

    loaded = load(store.path)
    assert loaded.skipped == 1
    assert [(t.role, t.text, t.partial) for t in loaded.turns] == [("user", "Tell me a story", False), ("model", "Once upon a time", True)]
    assert "this line" not in export_markdown(loaded, environ={})

    # Continuing it starts a fresh line, and the new session's turn 1 is a new turn.
    again = TranscriptStore.resume(store.path, clock=ticking(START + timedelta(hours=1)), environ={})
    assert not again.failed, again.problem
    again.write(Record.start("m", "AUDIO"))
    again.write(Record.user(1, "And then?"))
    reloaded = load(store.path)
    assert reloaded.skipped == 1
    assert [(t.role, t.text) for t in reloaded.turns] == [("user", "Tell me a story"), ("model", "Once upon a time"), ("user", "And then?")]


def test_the_final_record_supersedes_the_partials_and_no_partial_comes_after_it(tmp_path: Path) -> None:
    clock = Monotonic()
    store = new_store(tmp_path, monotonic=clock)
    assert store.partial(1, "model", "Hel")
    assert not store.partial(1, "model", "Hello")  # too soon: the next one carries it anyway
    assert store.partial(1, "model", "Hello", force=True)
    assert store.write(Record.model(1, "Hello there.", interrupted=True))
    clock.now += 10 * PARTIAL_EVERY_S
    assert not store.partial(1, "model", "Hello there. And")  # late: it would undo the final record
    assert [(r["text"], r["partial"]) for r in lines(store.path)] == [("Hel", True), ("Hello", True), ("Hello there.", False)]
    (turn,) = load(store.path).turns
    assert (turn.text, turn.partial, turn.interrupted) == ("Hello there.", False, True)


def test_closing_mid_answer_writes_its_last_words_past_the_throttle(tmp_path: Path) -> None:
    # Quitting (ctrl+q, SIGTERM, SIGHUP) while an answer streams: what the screen shows is on disk.
    clock = Monotonic()
    store = new_store(tmp_path, monotonic=clock)
    conversation = Conversation()
    store.write_turn(conversation.add_user_text("Capital of Portugal?")[0].turn)
    for piece in ("The capital", " is Lisbon."):
        for change in conversation.apply(OutputTranscript(piece)):
            if isinstance(change, TurnAdded | TurnText):
                store.write_turn(change.turn, partial=True)  # the second is too soon: throttled
    assert [r["text"] for r in lines(store.path)][-1] == "The capital"
    store.close(unfinished=(conversation.model_turn, conversation.spoken_turn))
    (_, answer) = load(store.path).turns
    assert (answer.role, answer.text, answer.partial) == ("model", "The capital is Lisbon.", True)


def test_closing_writes_nothing_for_ended_turns_and_still_drops_an_empty_file(tmp_path: Path) -> None:
    conversation = Conversation()
    conversation.apply(OutputTranscript("Hi"))
    conversation.apply(TurnComplete())
    ended = conversation.turns[-1]
    store = new_store(tmp_path)
    store.close(unfinished=(ended, None))
    assert not store.path.exists()


# --- failures: the conversation goes on in memory ----------------------------------------


def test_an_unusable_folder_fails_quietly_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    folder = tmp_path / "file" / "conversations"  # mkdir fails even for root
    store = TranscriptStore.create(folder, environ={})
    assert store.failed
    assert store.problem is not None and "\n" not in store.problem
    assert str(folder) in store.problem and "in memory" in store.problem
    assert not store.append("user", turn=1, text="hello")
    assert not store.checkpoint()
    store.close()


def test_a_full_disk_fails_quietly_keeps_the_records_and_catches_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The whole story (torn lines, retries, news) is in test_savequeue.py; here, the store's face of it.
    store = new_store(tmp_path)
    assert store.append("user", turn=1, text="saved")

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    assert not store.append("model", turn=1, text="kept")  # not in the file: kept in memory
    assert store.failed and "disk is full" in (store.problem or "") and "\n" not in (store.problem or "")
    assert not store.append("user", turn=2, text="kept too")
    assert store.waiting == 2
    assert [t.text for t in load(store.path).turns] == ["saved"]
    monkeypatch.undo()
    assert store.retry()
    assert not store.failed and store.waiting == 0
    store.close()
    assert [t.text for t in load(store.path).turns] == ["saved", "kept", "kept too"]


def test_a_failing_fsync_fails_quietly_and_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = new_store(tmp_path)
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "Input/output error")))
    assert not store.checkpoint()
    assert store.failed and "input/output error" in (store.problem or "")
    assert not store.append("user", turn=1, text="x")
    monkeypatch.undo()
    assert store.checkpoint()  # a checkpoint while failing is a retry
    assert not store.failed
    store.close()
    assert [t.text for t in load(store.path).turns] == ["x"]


def test_resuming_an_unknown_conversation_fails_quietly(tmp_path: Path) -> None:
    store = TranscriptStore.resume("nope", tmp_path, environ={})
    assert store.failed and "nope" in (store.problem or "")
    assert not store.append("user", turn=1, text="x")


def test_record_fields_may_not_hide_the_envelope() -> None:
    with pytest.raises(ValueError, match="kind|t|v"):
        Record("user", {"t": "yesterday"})


# --- listing and finding ------------------------------------------------------------------


def make_conversation(folder: Path, cid: str, *said: str, mtime: float, model: str = "m") -> Path:
    with new_store(folder, cid, clock=ticking(datetime.strptime(cid[:15], "%Y%m%d-%H%M%S").replace(tzinfo=TZ))) as store:
        store.write(Record.start(model, "TEXT"))
        for n, text in enumerate(said, 1):
            store.write(Record.user(n, text) if n % 2 else Record.model(n, text))
    os.utime(store.path, (mtime, mtime))
    return store.path


def test_listing_is_newest_first_with_titles_and_counts(tmp_path: Path) -> None:
    make_conversation(tmp_path, "20261120-080000-aaaa", "First\nquestion   here", "answer", mtime=1_000)
    make_conversation(tmp_path, "20261121-080000-bbbb", "x" * 100, mtime=3_000, model="other")
    path = make_conversation(tmp_path, "20261122-080000-cccc", "typed", mtime=2_000)
    with path.open("ab") as f:
        f.write(b'{not json\n\xff\xfe\n[1,2]\n{"v":1,"kind":"user","text":')
    os.utime(path, (2_000, 2_000))
    (tmp_path / "notes.txt").write_text("not a conversation")
    infos = list_conversations(tmp_path)
    assert [i.id for i in infos] == ["20261121-080000-bbbb", "20261122-080000-cccc", "20261120-080000-aaaa"]
    assert [i.title for i in infos] == ["x" * 59 + "…", "typed", "First question here"]
    assert [i.turns for i in infos] == [1, 1, 2]
    assert [i.model for i in infos] == ["other", "m", "m"]
    assert infos[2].started == datetime(2026, 11, 20, 8, 0, tzinfo=TZ)
    assert list_conversations(tmp_path / "missing") == []


def test_ids_may_be_shortened_while_they_stay_unique(tmp_path: Path) -> None:
    make_conversation(tmp_path, "20261120-080000-aaaa", "one", mtime=1)
    make_conversation(tmp_path, "20261120-090000-bbbb", "two", mtime=2)
    assert load("20261120-08", tmp_path).turns[0].text == "one"
    assert load("20261120-090000-bbbb", tmp_path).turns[0].text == "two"
    with pytest.raises(StoreError) as ambiguous:
        load("20261120", tmp_path)
    assert "20261120-080000-aaaa" in str(ambiguous.value) and "20261120-090000-bbbb" in str(ambiguous.value)
    with pytest.raises(StoreError) as unknown:
        load("20261120-080001-aaaa", tmp_path)
    message = str(unknown.value)
    assert "\n" not in message and "'20261120-080001-aaaa'" in message and "closest: 20261120-080000-aaaa" in message
    with pytest.raises(StoreError, match="none saved yet"):
        load("x", tmp_path / "empty")


# --- export ------------------------------------------------------------------------------


GOLDEN_MD = """\
# Conversation 20261125-093000-ab12

*Started 2026-11-25 09:30:00 +01:00 · gemini-live-2.5-flash-preview · simulator*

**You** (09:30:01):

What is the capital of France?

**Gemini** (09:30:02):

Paris is the capital of France.

*— Now answering by voice —*

**You** (09:30:08, spoken):

Tell me a story

**Gemini** (09:30:09, audio 3.0 s, interrupted):

Once upon a time

*Error: connection \\*lost\\**

**Gemini** (09:30:12, partial):

*(no text)*

---

Tokens: 52 in, 38 out, 90 total over 2 turns (in: AUDIO 10, TEXT 42; out: AUDIO 30, TEXT 8).

Cost: unknown (no price known for gemini-live-2.5-flash-preview).
"""


def golden_conversation(folder: Path) -> Path:
    store = new_store(folder)
    store.write(Record.start("gemini-live-2.5-flash-preview", "TEXT", "simulator"))  # 09:30:00
    store.write(Record.user(1, "What is the capital of France?"))
    store.partial(2, "model", "Paris")
    store.write(Record.model(2, "Paris is the capital of France."))
    store.write(Record.usage(Usage(12, 8, 20, prompt_by_modality={"TEXT": 12}, response_by_modality={"TEXT": 8})))
    store.write(Record.handle("resume-me"))  # 09:30:05
    store.write(Record.switch(modality="AUDIO"))
    store.write(Record.system("Now answering by voice", "divider"))
    store.write(Record.user(3, "Tell me a story", "AUDIO"))  # 09:30:08
    store.write(Record.model(4, "Once upon a time", "AUDIO", audio_seconds=3.04, interrupted=True))
    with store.path.open("ab") as f:  # someone's editor left a broken line
        f.write(b"{oops\n")
    store.write(Record.usage(Usage(40, 30, 70, prompt_by_modality={"TEXT": 30, "AUDIO": 10}, response_by_modality={"AUDIO": 30})))
    store.write(Record.system("connection *lost*", "error"))
    store.partial(5, "model", "")  # 09:30:12, then the console died
    return store.path


def test_markdown_export(tmp_path: Path) -> None:
    assert export_markdown(load(golden_conversation(tmp_path)), environ={}) == GOLDEN_MD


def test_jsonl_export_is_the_file_without_its_broken_lines(tmp_path: Path) -> None:
    path = golden_conversation(tmp_path)
    exported = export_jsonl(load(path), environ={})
    written = path.read_text()
    assert "{oops\n" in written
    *records, totals = exported.splitlines(keepends=True)
    assert "".join(records) == written.replace("{oops\n", "")
    assert json.loads(totals)["kind"] == "totals"  # tokens and cost: tests/unit/core/test_cost.py
    assert exported.splitlines()[5] == '{"v":1,"t":"2026-11-25T09:30:05.000+01:00","kind":"handle","handle":"resume-me","resumable":true}'


def test_text_the_wire_cannot_encode_is_kept_and_exports_printably(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    assert store.write(Record.model(1, "bad \ud800 surrogate, fine é"))  # JSON from the wire can carry these
    assert load(store.path).turns[0].text == "bad \ud800 surrogate, fine é"
    assert "fine é" in export_markdown(load(store.path), environ={}).encode("utf-8").decode()


# --- secrets -------------------------------------------------------------------------------


def test_scrub_secrets_replaces_long_key_values_only() -> None:
    environ = {"GEMINI_API_KEY": KEY, "GOOGLE_API_KEY": "short"}
    assert scrub_secrets(f"key={KEY}; short stays short", environ) == "key=***; short stays short"
    assert scrub_secrets(f"{KEY}", {}) == KEY  # nothing to scrub
    environ = {"GOOGLE_API_KEY": ' quote"d\\key-0123456789 '}  # surrounding spaces ignored; JSON-escaped too
    assert scrub_secrets(json.dumps({"k": 'quote"d\\key-0123456789'}), environ) == '{"k": "***"}'


def test_no_key_reaches_the_file_or_an_export(tmp_path: Path) -> None:
    environ = {"GEMINI_API_KEY": KEY}
    store = new_store(tmp_path, environ=environ)
    store.write(Record.user(1, f"my key is {KEY}"))
    store.write(Record.system(f"error: API key {KEY} not valid", "error"))
    assert KEY not in store.path.read_text() and "***" in store.path.read_text()
    # A file written by someone else may hold it: the exports scrub again.
    with store.path.open("a") as f:
        f.write(json.dumps({"v": 1, "kind": "user", "turn": 9, "text": KEY}) + "\n")
    loaded = load(store.path)
    assert KEY in loaded.turns[-1].text
    assert KEY not in export_markdown(loaded, environ) and KEY not in export_jsonl(loaded, environ)


# --- whatever the file holds, reading it never fails ---------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
RECORDISH = st.fixed_dictionaries(
    {"kind": st.sampled_from(["start", "user", "model", "system", "usage", "handle", "switch", "other"]) | JSON},
    optional={
        "v": JSON,
        "t": st.sampled_from(["2026-11-25T09:30:00+01:00", "yesterday", ""]) | JSON,
        "turn": st.integers(-2, 3) | JSON,
        "text": JSON,
        "partial": JSON,
        "audio_seconds": st.floats() | JSON,
        "prompt": JSON,
        "prompt_by_modality": st.dictionaries(JSON.map(str), JSON, max_size=3) | JSON,
        "handle": JSON,
        "model": JSON,
        "level": JSON,
    },
)
LINE = st.one_of(RECORDISH.map(json.dumps), JSON.map(json.dumps), st.binary(max_size=40).map(lambda b: b.decode("latin-1")))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINE, max_size=12))
def test_any_file_content_loads_lists_and_exports(tmp_path: Path, file_lines: list[str]) -> None:
    path = tmp_path / "20261125-093000-fuzz.jsonl"
    data = "\n".join(file_lines).encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    loaded = load(path)
    assert len(loaded.lines) + loaded.skipped == sum(1 for line in data.split(b"\n") if line.strip())  # none lost unseen
    assert all(t.role in ("user", "model", "system") and isinstance(t.text, str) for t in loaded.turns)
    export_markdown(loaded, environ={}).encode("utf-8")
    assert export_jsonl(loaded, environ={}).count("\n") == len(loaded.lines) + (loaded.usage_total.turns > 0)  # + totals
    assert [i.id for i in list_conversations(tmp_path)] == [path.stem]
