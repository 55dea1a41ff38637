"""`livetui history` and `livetui export ID`, as a user runs them: real processes, a private XDG data folder."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from livetui import cli
from livetui.core.events import Usage
from livetui.core.store import (
    Record,
    TranscriptStore,
    conversations_dir,
    export_jsonl,
    export_markdown,
    load,
)
from livetui.testing.simproc import clean_env

ROOT = Path(__file__).resolve().parents[1]
KEY = "AIzaSy-secret-test-key-0123456789abcdef"
CID = "20261125-093000-ab12"


def run(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = clean_env(
        XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_STATE_HOME=str(tmp_path / "state"), **env
    )
    return subprocess.run(
        [sys.executable, "-m", "livetui", *args], check=False, capture_output=True, text=True, env=environ, cwd=ROOT, timeout=60
    )


def saved_conversation(tmp_path: Path, cid: str = CID, question: str = "What is the capital of France?") -> Path:
    folder = conversations_dir({"XDG_DATA_HOME": str(tmp_path / "data")})
    moments = (datetime(2026, 11, 25, 9, 30, tzinfo=UTC) + timedelta(seconds=n) for n in range(100))
    # environ={}: this store scrubs nothing, so a key in the text reaches the file (as from an older version)
    with TranscriptStore.create(folder, conversation_id=cid, clock=lambda: next(moments), environ={}) as store:
        store.write(Record.start("gemini-live-2.5-flash-preview", "TEXT", "simulator"))
        store.write(Record.user(1, question))
        store.write(Record.model(2, "Paris."))
        store.write(Record.usage(Usage(12, 2, 14)))
    return store.path


def test_export_prints_markdown(tmp_path: Path) -> None:
    path = saved_conversation(tmp_path)
    result = run("export", CID[:11], "--format", "md", tmp_path=tmp_path)  # a unique beginning is enough
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == export_markdown(load(path), environ={})
    assert "**You** (09:30:01):\n\nWhat is the capital of France?\n" in result.stdout


def test_export_jsonl_to_a_private_file(tmp_path: Path) -> None:
    path = saved_conversation(tmp_path)
    out = tmp_path / "out.jsonl"
    result = run("export", CID, "--format", "jsonl", "--output", str(out), tmp_path=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    *records, totals = out.read_text().splitlines(keepends=True)
    assert out.read_text() == export_jsonl(load(path), environ={})
    assert "".join(records) == path.read_text()  # the file as written, then its tokens and cost
    assert json.loads(totals)["kind"] == "totals"
    assert [json.loads(line)["kind"] for line in out.read_text().splitlines()] == ["start", "user", "model", "usage", "totals"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_of_an_unknown_id_is_one_line_and_exit_1(tmp_path: Path) -> None:
    saved_conversation(tmp_path)
    result = run("export", "20261125-093001", tmp_path=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("livetui: no conversation '20261125-093001'") and CID in result.stderr


def test_export_to_an_unwritable_place_is_one_line_and_exit_1(tmp_path: Path) -> None:
    saved_conversation(tmp_path)
    (tmp_path / "file").write_text("")
    result = run("export", CID, "-o", str(tmp_path / "file" / "out.md"), tmp_path=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == f"livetui: cannot write {tmp_path / 'file' / 'out.md'}: Not a directory\n"


def test_export_over_an_existing_readable_file_leaves_it_0600(tmp_path: Path) -> None:
    path = saved_conversation(tmp_path)
    out = tmp_path / "out.md"
    out.write_text("an older export, readable by all\n" * 50)
    out.chmod(0o644)
    result = run("export", CID, "-o", str(out), tmp_path=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert out.read_text() == export_markdown(load(path), environ={})
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["out.md"]  # no temporary left


def test_export_to_a_fifo_or_device_is_refused_and_waits_for_nothing(tmp_path: Path) -> None:
    saved_conversation(tmp_path)
    os.mkfifo(tmp_path / "pipe")
    for target, kind in ((tmp_path / "pipe", "a FIFO (named pipe)"), (Path("/dev/null"), "a character device")):
        result = run("export", CID, "-o", str(target), tmp_path=tmp_path)
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr == f"livetui: cannot write {target}: it is {kind}, not a regular file\n"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_export_never_shows_the_api_key(tmp_path: Path) -> None:
    saved_conversation(tmp_path, question=f"is {KEY} my key?")
    for fmt in ("md", "jsonl"):
        result = run("export", CID, "--format", fmt, tmp_path=tmp_path, GEMINI_API_KEY=KEY)
        assert result.returncode == 0, result.stderr
        assert KEY not in result.stdout and "is *** my key?" in result.stdout


def test_history_lists_the_saved_conversations(tmp_path: Path) -> None:
    older = saved_conversation(tmp_path, "20261126-100000-cd34", "Second\tone \x1b[31mred")
    newer = saved_conversation(tmp_path)
    os.utime(older, (1_000, 1_000))
    os.utime(newer, (2_000, 2_000))
    result = run("history", tmp_path=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "id                    started           turns  tokens     cost  title",
        # written last: first; its model has no price: its cost is unknown, never $0
        "20261125-093000-ab12  2026-11-25 09:30      2      14  unknown  What is the capital of France?",
        "20261126-100000-cd34  2026-11-25 09:30      2      14  unknown  Second one ␛[31mred",  # the escape is shown, never sent
    ]


def test_history_without_conversations_says_so(tmp_path: Path) -> None:
    result = run("history", tmp_path=tmp_path)
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr == f"livetui: no saved conversations yet (in {tmp_path / 'data' / 'livetui' / 'conversations'})\n"


def test_the_console_flags_still_parse_and_help_names_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "livetui history" in out and "livetui export ID" in out and "--modality" in out
    with pytest.raises(SystemExit) as bad:
        cli.main(["--modality", "export"])  # "export" as a flag's value is not the subcommand
    assert bad.value.code == 2


def test_history_counts_the_cost_at_the_prices_in_config_toml(tmp_path: Path) -> None:
    saved_conversation(tmp_path)  # 12 prompt and 2 response tokens, no per-modality detail
    config = tmp_path / "cfg" / "livetui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[prices."gemini-live-2.5-flash-preview"]\ninput = 1000.0\noutput = 2000.0\n')
    result = run("history", tmp_path=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    # 12 x $1000 + 2 x $2000 per 1M = $0.016; "~": no modality detail, counted as text
    assert result.stdout.splitlines()[1].split()[4:7] == ["14", "~$0.0160", "What"]


def test_history_with_a_wrong_price_in_config_toml_says_so_and_still_lists(tmp_path: Path) -> None:
    saved_conversation(tmp_path)
    config = tmp_path / "cfg" / "livetui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[prices."gemini-live-2.5-flash-preview"]\ninput = "cheap"\n')
    result = run("history", tmp_path=tmp_path)
    assert result.returncode == 0
    assert result.stderr == (
        f"livetui: {config}, line 2: prices.\"gemini-live-2.5-flash-preview\".input must be a number of US dollars"
        " per 1M tokens (0 or more), not 'cheap' · costs below at the shipped prices\n"
    )
    assert "unknown" in result.stdout.splitlines()[1]


def test_export_counts_the_cost_at_the_prices_in_config_toml(tmp_path: Path) -> None:
    saved_conversation(tmp_path)  # 12 prompt and 2 response tokens on gemini-live-2.5-flash-preview
    config = tmp_path / "cfg" / "livetui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[prices."gemini-live-2.5-flash-preview"]\ninput = 1000.0\noutput = 2000.0\n')
    result = run("export", CID, "--format", "jsonl", tmp_path=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    totals = json.loads(result.stdout.splitlines()[-1])
    assert (totals["kind"], totals["cost_usd"], totals["prices"]) == ("totals", 0.016, ["your prices"])  # 12 x 1000 + 2 x 2000
    markdown = run("export", CID, tmp_path=tmp_path).stdout
    assert "Cost: \\~$0.0160 (your prices).\n" in markdown
