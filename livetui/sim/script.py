"""Scripted replies for the simulator (``livetui-sim --script FILE``).

A script is a TOML file of ``[[reply]]`` tables, tried in file order; the
first entry whose ``match`` regex (case-insensitive, searched in the user's
text) matches is used. An entry without ``match`` matches any turn, even one
whose audio was not recognised. Entries are used once unless ``repeat = true``.

    [[reply]]
    match = "weather"
    text = "It is sunny in **Paris**."

    [[reply]]
    match = "lights"
    tool = "turn_on_the_lights"     # skipped unless the client declared it
    args = { room = "kitchen" }
    after_tool = "The lights are on: {result}"

    [[reply]]
    text_file = "long-answer.md"    # relative to the script's directory
    repeat = true

Keys: ``match``, ``text``, ``text_file``, ``tool``, ``args``, ``after_tool``,
``repeat``, ``undeclared`` (call ``tool`` even though the client never declared it, as a
model that makes a name up does: for testing how a client answers that), and three for
measurements (benchmarks, tests):

    [[reply]]
    match = "story"
    text = "Once upon a time..."
    tone_ms = 5000                  # AUDIO answers: a steady 440 Hz tone this long, not speech
    interrupt_after_ms = 1200       # stop this long after the first answer chunk, as a
                                    # barge-in would: `interrupted` is sent
    turn_complete_delay_ms = 300    # wait this long before `turnComplete`

and two for Google Search grounding (used when the client declared `googleSearch`):

    [[reply]]
    match = "who won"
    text = "The simulated team won."
    search = true                   # ground this answer (false: never; unset: livetui.sim.search's rule)
    search_at = "late"              # groundingMetadata "before" the text, "after" it (default),
                                    # or "late": after the answer's turnComplete

 Exactly one of ``text``/``text_file`` is required unless ``tool``
is given (then the text, if any, is said after the tool response). ``args``
and ``after_tool`` only make sense with ``tool``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Script", "ScriptEntry", "ScriptError"]

_KEYS = ("match", "text", "text_file", "tool", "args", "after_tool", "repeat", "undeclared",
         "tone_ms", "interrupt_after_ms", "turn_complete_delay_ms", "search", "search_at")
_SEARCH_AT = ("before", "after", "late")
_MS_KEYS = ("tone_ms", "interrupt_after_ms", "turn_complete_delay_ms")
_MAX_MS = 600_000


class ScriptError(ValueError):
    """A script file that cannot be used; the message names file, entry and field."""


@dataclass(frozen=True)
class ScriptEntry:
    match: re.Pattern[str] | None
    text: str
    tool: str | None = None
    # hash=False keeps the frozen entry hashable despite the dict
    args: dict[str, Any] = field(default_factory=dict, hash=False)
    after_tool: str | None = None
    repeat: bool = False
    tone_ms: int | None = None  # audio answers: a steady tone this long instead of speech
    interrupt_after_ms: int | None = None  # stop the answer this long after its first chunk
    turn_complete_delay_ms: int = 0  # pause before the answer's turnComplete
    undeclared: bool = False  # call `tool` even if the client never declared it
    search: bool | None = None  # ground this answer (Google Search, when declared); None: the rule decides
    search_at: str = "after"  # where its groundingMetadata goes: "before" the text, "after" it, "late"

    def applies(self, user_text: str, tool_names: Collection[str]) -> bool:
        if self.tool is not None and self.tool not in tool_names and not self.undeclared:
            return False  # the client can't answer a call to a function it never declared
        return self.match is None or self.match.search(user_text) is not None


class Script:
    """An ordered list of replies; consumption is shared by every user of the object."""

    def __init__(self, entries: Sequence[ScriptEntry], source: str = "<script>") -> None:
        self.source = source
        self._entries = tuple(entries)
        self._used: set[int] = set()

    @property
    def entries(self) -> tuple[ScriptEntry, ...]:
        return self._entries

    def take(self, user_text: str, tool_names: Collection[str]) -> ScriptEntry | None:
        """The first unused entry that applies; non-repeat entries are consumed."""
        for i, entry in enumerate(self._entries):
            if i in self._used or not entry.applies(user_text, tool_names):
                continue
            if not entry.repeat:
                self._used.add(i)
            return entry
        return None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Script:
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ScriptError(f"{path}: cannot read script: {exc.strerror or exc}") from exc
        try:
            # tomllib's message carries "(at line N, column M)"
            doc = tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ScriptError(f"{path}: not UTF-8 text: {exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ScriptError(f"{path}: invalid TOML: {exc}") from exc
        unknown = sorted(set(doc) - {"reply"})
        if unknown:
            listed = ", ".join(map(repr, unknown))
            raise ScriptError(f"{path}: unknown top-level key(s) {listed}; expected [[reply]] tables")
        replies = doc.get("reply", [])
        if not isinstance(replies, list):
            raise ScriptError(f"{path}: 'reply' must be an array of tables: write [[reply]], not [reply]")
        return cls.from_entries(replies, base_dir=path.parent, source=str(path))

    @classmethod
    def from_entries(
        cls,
        entries: list[dict[str, Any]],
        base_dir: Path | None = None,
        *,
        source: str = "<entries>",
    ) -> Script:
        base = Path(base_dir) if base_dir is not None else Path.cwd()
        parsed = [_parse_entry(raw, n, base, source) for n, raw in enumerate(entries, start=1)]
        return cls(parsed, source=source)


def _parse_entry(raw: Any, n: int, base: Path, source: str) -> ScriptEntry:
    where = f"{source}: [[reply]] #{n}"

    def fail(problem: str) -> ScriptError:
        return ScriptError(f"{where}: {problem}")

    if not isinstance(raw, Mapping):
        raise fail(f"must be a table, got {type(raw).__name__}")
    unknown = [k for k in raw if k not in _KEYS]
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (allowed: {', '.join(_KEYS)})")

    def opt_str(key: str) -> str | None:
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise fail(f"{key!r} must be a string, got {type(value).__name__}")
        return value

    match_src, text, text_file = opt_str("match"), opt_str("text"), opt_str("text_file")
    tool, after_tool = opt_str("tool"), opt_str("after_tool")

    pattern = None
    if match_src is not None:
        try:
            pattern = re.compile(match_src, re.IGNORECASE)
        except re.error as exc:
            raise fail(f"bad regex in 'match' {match_src!r}: {exc}") from exc

    if tool is not None and not tool.strip():
        raise fail("'tool' must name a function")
    if text is not None and text_file is not None:
        raise fail("give either 'text' or 'text_file', not both")
    if text is None and text_file is None and tool is None:
        raise fail("needs 'text' or 'text_file' (or a 'tool' to call)")

    args = raw.get("args", {})
    if not isinstance(args, Mapping):
        raise fail(f"'args' must be a table, got {type(args).__name__}")
    if tool is None and "args" in raw:
        raise fail("'args' needs a 'tool'")
    if tool is None and after_tool is not None:
        raise fail("'after_tool' needs a 'tool'")

    repeat = raw.get("repeat", False)
    if not isinstance(repeat, bool):
        raise fail(f"'repeat' must be true or false, got {repeat!r}")
    undeclared = raw.get("undeclared", False)
    if not isinstance(undeclared, bool):
        raise fail(f"'undeclared' must be true or false, got {undeclared!r}")
    if undeclared and tool is None:
        raise fail("'undeclared' needs a 'tool'")

    ms: dict[str, int | None] = {}
    for key in _MS_KEYS:
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_MS):
            raise fail(f"{key!r} must be a whole number of milliseconds from 0 to {_MAX_MS}, got {value!r}")
        ms[key] = value
    if ms["tone_ms"] == 0:
        raise fail("'tone_ms' must be positive")

    search = raw.get("search")
    if search is not None and not isinstance(search, bool):
        raise fail(f"'search' must be true or false, got {search!r}")
    search_at = raw.get("search_at", "after")
    if search_at not in _SEARCH_AT:
        raise fail(f"'search_at' must be one of {', '.join(_SEARCH_AT)}, got {search_at!r}")

    if text_file is not None:
        file = base / text_file
        try:
            # editors add a trailing newline; it is not part of the answer
            text = file.read_text(encoding="utf-8").rstrip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise fail(f"'text_file' {text_file!r} ({file}): {reason}") from exc

    return ScriptEntry(
        match=pattern,
        text=text or "",
        tool=tool,
        args=dict(args),
        after_tool=after_tool,
        repeat=repeat,
        tone_ms=ms["tone_ms"],
        interrupt_after_ms=ms["interrupt_after_ms"],
        turn_complete_delay_ms=ms["turn_complete_delay_ms"] or 0,
        undeclared=undeclared,
        search=search,
        search_at=search_at,
    )
