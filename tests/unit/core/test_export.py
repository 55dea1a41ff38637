"""`export_conversation`, the one way an export is made (`livetui export`, the history
screen, the palette's exports, the rescue copy): its source, its format, its file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from livetui.core.secrets import Scrubber, api_key, scrub_secrets
from livetui.core.store import StoreError, TranscriptStore, export_conversation, export_jsonl, export_markdown, load

CID = "20261125-093000-ab12"
KEY = "AIzaSy-secret-test-key-0123456789abcdef"


def saved(folder: Path) -> TranscriptStore:
    store = TranscriptStore.create(folder, conversation_id=CID, environ={})
    store.append("start", model="m", modality="TEXT", service=None)
    store.append("user", turn=1, text="What is the capital of Italy?", modality="TEXT", partial=False)
    store.append("model", turn=1, text="Rome.", modality="TEXT", partial=False)
    store.checkpoint()
    return store


def test_by_id_it_is_the_markdown_or_jsonl_export_of_the_file(tmp_path: Path) -> None:
    saved(tmp_path).close()
    loaded = load(CID, tmp_path)
    md = export_conversation(tmp_path / f"{CID}.jsonl")
    assert (md.fmt, md.name, md.text) == ("md", "Markdown", export_markdown(loaded))
    jsonl = export_conversation(tmp_path / f"{CID}.jsonl", fmt="jsonl")
    assert (jsonl.fmt, jsonl.name, jsonl.text) == ("jsonl", "JSONL", export_jsonl(loaded))


def test_the_targets_extension_names_the_format_and_the_file_is_0600(tmp_path: Path) -> None:
    store = saved(tmp_path / "c")
    store.close()
    for name, fmt in (("a.md", "md"), ("b.MARKDOWN", "md"), ("c.jsonl", "jsonl")):
        target = tmp_path / name
        done = export_conversation(store.path, target)
        assert done.fmt == fmt and target.read_text() == done.text and "Rome." in done.text
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(ValueError, match=r"notes\.txt: end the name in \.md \(Markdown\) or \.jsonl \(JSONL\)"):
        export_conversation(store.path, tmp_path / "notes.txt")
    assert not (tmp_path / "notes.txt").exists()
    # An explicit format wins over the extension (`livetui export ID --format jsonl -o x.md`).
    assert export_conversation(store.path, tmp_path / "x.md", "jsonl").text.startswith('{"v":1')


def test_a_snapshot_exports_what_memory_holds_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = saved(tmp_path / "c")

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    assert not store.append("user", turn=2, text="And of France?", modality="TEXT", partial=False)
    monkeypatch.undo()
    assert "And of France?" not in store.path.read_text()
    text = export_conversation(store.snapshot(), fmt="md").text
    assert "Rome." in text and "And of France?" in text


def test_a_missing_conversation_or_an_unwritable_target_raises_its_own_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        export_conversation(tmp_path / "nope.jsonl")
    store = saved(tmp_path / "c")
    store.close()
    with pytest.raises(OSError):
        export_conversation(store.path, tmp_path / "no-such-folder" / "x.md")


def test_the_key_is_scrubbed_from_records_and_from_wrapped_terminal_text() -> None:
    environ = {"GEMINI_API_KEY": KEY, "GOOGLE_API_KEY": "short"}
    assert scrub_secrets(f"k={KEY} short", environ) == "k=*** short"  # records: exact, long keys only
    wrapped = f"│ {KEY[:20]}\n│ {KEY[20:]} │"
    assert KEY not in Scrubber(environ)(wrapped) and "***" in Scrubber(environ)(wrapped)
    assert api_key({"GEMINI_API_KEY": "", "GOOGLE_API_KEY": "g"}) == "g"
    assert api_key({}) is None
