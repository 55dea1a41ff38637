"""Folders 0700 and files 0600 whatever the umask; livetui's own folders tightened, the
user's never; a file written whole or not at all, a special file refused."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from livetui.core.private import make_private_dirs, write_private


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the usual one: folders 0755, files 0644
    try:
        yield
    finally:
        os.umask(old)


def test_made_folders_are_0700_and_existing_ones_above_are_left(tmp_path: Path, loose_umask: None) -> None:
    base = tmp_path / "state"
    base.mkdir(mode=0o755)
    make_private_dirs(base / "livetui" / "deeper")
    assert mode(base / "livetui") == mode(base / "livetui" / "deeper") == 0o700
    assert mode(base) == 0o755


def test_ours_is_tightened_down_to_the_folder_and_nothing_above(tmp_path: Path, loose_umask: None) -> None:
    base, ours = tmp_path / "data", tmp_path / "data" / "livetui"
    (ours / "conversations").mkdir(parents=True, mode=0o755)
    os.chmod(ours, 0o755)
    os.chmod(ours / "conversations", 0o755)
    make_private_dirs(ours / "conversations", ours=ours)
    assert mode(ours) == mode(ours / "conversations") == 0o700
    assert mode(base) == 0o755


def test_without_ours_an_existing_folder_is_the_users(tmp_path: Path, loose_umask: None) -> None:
    chosen = tmp_path / "recordings"
    chosen.mkdir(mode=0o755)
    make_private_dirs(chosen)
    assert mode(chosen) == 0o755


def test_a_symlinked_folder_of_ours_is_not_changed(tmp_path: Path, loose_umask: None) -> None:
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir(mode=0o755)
    (tmp_path / "state").mkdir()
    ours = tmp_path / "state" / "livetui"
    ours.symlink_to(elsewhere)
    make_private_dirs(ours, ours=ours)
    assert mode(elsewhere) == 0o755


def test_a_file_where_a_folder_belongs_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "livetui").write_text("x")
    with pytest.raises(NotADirectoryError):
        make_private_dirs(tmp_path / "livetui" / "logs")


def test_a_new_file_is_0600(tmp_path: Path) -> None:
    old = os.umask(0o277)  # would make it read-only
    try:
        write_private(tmp_path / "out.md", b"hello\n")
    finally:
        os.umask(old)
    assert (tmp_path / "out.md").read_bytes() == b"hello\n"
    assert mode(tmp_path / "out.md") == 0o600


def test_an_existing_0644_file_is_rewritten_0600_and_nothing_else_is_left(tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    out.write_text("an older, longer export\n" * 10)
    out.chmod(0o644)
    write_private(out, b"new\n")
    assert out.read_bytes() == b"new\n" and mode(out) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_a_symlink_is_replaced_never_followed(tmp_path: Path) -> None:
    target = tmp_path / "someone-elses"
    target.write_text("keep me\n")
    target.chmod(0o644)
    link = tmp_path / "out.md"
    link.symlink_to(target)
    write_private(link, b"export\n")
    assert not link.is_symlink() and link.read_bytes() == b"export\n" and mode(link) == 0o600
    assert target.read_text() == "keep me\n" and mode(target) == 0o644


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_folder_or_fifo_is_refused_and_left(tmp_path: Path, kind: str) -> None:
    there = tmp_path / "out.md"
    if kind == "folder":
        there.mkdir()
    else:
        os.mkfifo(there)
    with pytest.raises(OSError, match="not a regular file") as info:
        write_private(there, b"x")  # a FIFO is never opened: nothing waits for a reader
    assert ("a folder" if kind == "folder" else "a FIFO") in str(info.value)
    assert (there.is_dir() if kind == "folder" else stat.S_ISFIFO(there.stat().st_mode))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.md"
    out.write_text("old\n")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        write_private(out, b"new\n")
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]
