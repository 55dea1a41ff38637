"""The record schema: what one line of a transcript holds, and what a read-back
conversation looks like (its turns, settings, usage) to the reader and the exports.

Each line is a `Record`: {"v": 1, "t": "<ISO-8601 with offset>", "kind": ..., ...fields}.
An answer still streaming is written as a record marked partial; the turn's final
record supersedes it, because readers keep the last record per turn id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from ... import __version__
from ..carryover import PastTurn
from ..conversation import Turn
from ..events import Source, Usage
from ..latency import AnswerLatency
from ..tools.card import FINAL, ToolCard
from ..usage import UsageTotals

VERSION = 1  # the "v" of every line

_RESERVED = ("v", "t", "kind")
TurnKind = Literal["user", "model"]


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def now() -> datetime:
    return datetime.now().astimezone()  # wall time with its offset: readable, and unambiguous


@dataclass(frozen=True)
class Record:
    """One line of a transcript. `t` is None until the store stamps it."""

    kind: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    t: str | None = None

    def __post_init__(self) -> None:
        clash = sorted(set(self.fields) & set(_RESERVED))
        if clash:
            raise ValueError(f"record fields may not be named {', '.join(clash)}")
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    @property
    def time(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.t) if isinstance(self.t, str) else None
        except ValueError:
            return None

    @property
    def turn(self) -> int | None:
        turn = self.fields.get("turn")
        return turn if isinstance(turn, int) and not isinstance(turn, bool) else None

    @property
    def partial(self) -> bool:
        return self.fields.get("partial") is True

    def to_line(self) -> str:
        """The JSON line, without its newline."""
        data = {"v": VERSION, "t": self.t, "kind": self.kind, **self.fields}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)

    @classmethod
    def from_line(cls, line: str) -> Record | None:
        """The record on a line, or None for a line that is not one (torn, edited, empty)."""
        try:
            data = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
            return None
        t = data.get("t")
        fields = {k: v for k, v in data.items() if k not in _RESERVED}
        return cls(data["kind"], fields, t if isinstance(t, str) else None)

    # -- one constructor per kind ----------------------------------------------------

    @classmethod
    def start(cls, model: str, modality: str, service: str | None = None) -> Record:
        return cls("start", {"model": model, "modality": modality, "service": service, "version": __version__})

    @classmethod
    def user(cls, turn: int, text: str, modality: str = "TEXT", *, partial: bool = False) -> Record:
        return cls("user", {"turn": turn, "text": text, "modality": modality, "partial": partial})

    @classmethod
    def model(
        cls,
        turn: int,
        text: str,
        modality: str = "TEXT",
        *,
        audio_seconds: float = 0.0,
        interrupted: bool = False,
        partial: bool = False,
        latency: AnswerLatency | None = None,
    ) -> Record:
        fields = {"turn": turn, "text": text, "modality": modality, "audio_seconds": round(audio_seconds, 3)}
        if latency is not None:  # only once measured: an untimed answer's record is as before
            fields["latency"] = latency.to_record()
        return cls("model", {**fields, "interrupted": interrupted, "partial": partial})

    @classmethod
    def system(cls, text: str, level: str = "info") -> Record:
        return cls("system", {"text": text, "level": level})

    @classmethod
    def usage(cls, usage: Usage) -> Record:
        fields: dict[str, Any] = {"prompt": usage.prompt, "response": usage.response, "total": usage.total}
        fields["prompt_by_modality"] = dict(usage.prompt_by_modality)
        fields["response_by_modality"] = dict(usage.response_by_modality)
        fields |= _billed_apart(usage)
        return cls("usage", fields)

    @classmethod
    def handle(cls, handle: str | None, resumable: bool = True) -> Record:
        return cls("handle", {"handle": handle, "resumable": resumable})

    @classmethod
    def switch(cls, **settings: Any) -> Record:
        """A settings change mid-conversation, e.g. switch(modality="AUDIO")."""
        return cls("switch", settings)

    @classmethod
    def tool(cls, turn: int, card: ToolCard) -> Record:
        """A function call of answer `turn`, as it stands (a later record of the same call supersedes it)."""
        fields: dict[str, Any] = {"turn": turn, "call": card.call_id, "name": card.name, "args": dict(card.args), "state": card.state}
        if card.behavior:
            fields["behavior"] = card.behavior
        if card.scheduling:
            fields["scheduling"] = card.scheduling
        if card.response is not None:
            fields["response"] = dict(card.response)
        if card.note:
            fields["note"] = card.note
        if card.took_s is not None:
            fields["took_s"] = round(card.took_s, 3)
        return cls("tool", fields)

    @classmethod
    def from_turn(cls, turn: Turn, *, partial: bool = False) -> Record:
        """The record of a conversation turn, as it stands."""
        if turn.role == "system":
            return cls.system(turn.text, turn.kind)
        if turn.role == "user":
            return cls.user(turn.id, turn.text, turn.modality, partial=partial)
        record = cls.model(
            turn.id,
            turn.text,
            turn.modality,
            audio_seconds=turn.audio_seconds,
            interrupted=turn.interrupted,
            partial=partial,
            latency=turn.latency,
        )
        return with_sources(record, turn.sources)


def with_sources(record: Record, sources: tuple[Source, ...]) -> Record:
    """A model record with its grounding sources (Google Search), when it has any."""
    if not sources:
        return record
    listed = [{"title": s.title, "uri": s.uri, "domain": s.domain} for s in sources]
    return Record(record.kind, {**record.fields, "sources": listed}, record.t)



# --- read back ----------------------------------------------------------------------


@dataclass(frozen=True)
class StoredCall:
    """A function call as read back: the last record written for it."""

    call_id: str
    name: str
    args: Mapping[str, Any] = field(default_factory=dict, hash=False)
    state: str = "running"
    behavior: str = ""
    scheduling: str = ""
    response: Mapping[str, Any] | None = field(default=None, hash=False)
    note: str = ""
    took_s: float | None = None
    at: datetime | None = None  # when the call came (its first record)

    def card(self) -> ToolCard:
        """As a card again (history's continue shows it under its answer)."""
        state = self.state if self.state in FINAL else "failed"
        note = self.note if state == self.state else "the console stopped before the call was answered"
        card = ToolCard(self.call_id, self.name, dict(self.args), state=state, behavior=self.behavior,  # type: ignore[arg-type]
                        scheduling=self.scheduling, response=self.response, note=note, took_s=self.took_s)
        if self.at is not None:
            card.called = self.at.astimezone().replace(tzinfo=None) if self.at.tzinfo else self.at
        return card


@dataclass(frozen=True)
class StoredTurn:
    """A turn as read back: the last record written for it."""

    role: Literal["user", "model", "system"]
    text: str
    modality: str = "TEXT"
    interrupted: bool = False
    partial: bool = False  # the console stopped before the turn ended
    audio_seconds: float = 0.0
    level: str = "info"  # system lines: info, divider or error
    at: datetime | None = None  # when the turn began (its first record)
    tools: tuple[StoredCall, ...] = ()  # an answer's function calls
    latency: AnswerLatency | None = None  # an answer's, as measured live (core/latency.py)
    sources: tuple[Source, ...] = ()  # a grounded answer's web sources, numbered from 1


@dataclass(frozen=True)
class StoredSettings:
    model: str | None = None
    modality: str | None = None
    service: str | None = None


@dataclass(frozen=True)
class LoadedConversation:
    id: str
    path: Path
    lines: tuple[str, ...]  # every readable line, as written
    turns: tuple[StoredTurn, ...]
    handle: str | None  # the latest session resumption handle
    settings: StoredSettings  # as the last start or switch record left them
    usage_total: UsageTotals
    started: datetime | None
    skipped: int = 0  # lines that were not records (a torn last line, say)
    # usage_total split by the model in use when each usage came (a cost is per model)
    usage_by_model: Mapping[str | None, UsageTotals] = field(default_factory=dict)

    def past_turns(self) -> list[PastTurn]:
        """The context to replay into a new session (see core.carryover)."""
        return [PastTurn(t.role, t.text) for t in self.turns if t.role != "system" and t.text.strip()]


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    path: Path
    started: datetime | None
    modified: datetime
    title: str  # the first thing the user said, on one line ("" if nothing yet)
    turns: int  # user and model turns
    model: str | None
    # tokens and, by the model they were spent on, what the cost is counted from (core.cost)
    usage: UsageTotals = UsageTotals()
    usage_by_model: Mapping[str | None, UsageTotals] = field(default_factory=dict)


def _billed_apart(usage: Usage) -> dict[str, int]:
    """The counts a cost needs besides prompt and response (core.cost), when there are any."""
    counts = {"thoughts": usage.thoughts, "tool_use_prompt": usage.tool_use_prompt, "cached": usage.cached}
    return {name: count for name, count in counts.items() if count}

