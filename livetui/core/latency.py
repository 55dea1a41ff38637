"""Latency per answer, measured from what the user feels.

Each answer is timed from the end of the user's turn:
- a typed turn ends when Enter is pressed (not when the text went out: a turn that
  waits for a connection waits in front of the user too);
- a spoken turn ends at the last moment the mic carried speech before the answer
  began (the silence gate's judgement, core/audio/gate.py), or at the push-to-talk
  key that closed it, or when a WAV file sent as the turn ran out;
to two moments:
- first text: the answer's first words (text, or the transcript of speech) reach
  the console's loop, which draws them within a frame;
- first audio heard: the answer's first sample leaves the sound device, i.e. the
  moment the audio engine handed it to the device plus the device's own latency
  (core/audio/ring.py, core/audio/playback.py), not when its chunk arrived.

Tool calls are timed apart: the call's arrival → its result sent (`tool_called`,
`tool_answered`) → the model's first text and first audio heard after it.

Pure: every moment is a `time.monotonic()` value handed in by the session
controller (core/session.py), so it is tested without a terminal or a clock.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Origin = Literal["typed", "spoken", "tool"]  # what an answer's clock started from
ORIGINS: tuple[Origin, ...] = ("typed", "spoken", "tool")


def ms_label(seconds: float) -> str:
    """A latency for the header: whole milliseconds under 10 s, tenths of a second above."""
    if seconds < 10:
        return f"{max(0, round(seconds * 1000))} ms"
    return f"{seconds:.1f} s"


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 4)


def _seconds(value: Any) -> float | None:
    """A duration read back from a record: a finite number, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


@dataclass(frozen=True)
class ToolTiming:
    """One function call: received → result sent → the model's next words and sound."""

    call_id: str
    to_result_s: float | None = None  # the call's arrival → its result sent
    to_text_s: float | None = None  # result sent → the first text after it
    to_audio_s: float | None = None  # result sent → the first audio heard after it

    @property
    def resume_s(self) -> float | None:
        """Result sent → the model speaking again: heard if it spoke, else read."""
        return self.to_audio_s if self.to_audio_s is not None else self.to_text_s

    def to_record(self) -> dict[str, Any]:
        return {"id": self.call_id, "result_s": _rounded(self.to_result_s),
                "text_s": _rounded(self.to_text_s), "audio_s": _rounded(self.to_audio_s)}

    @classmethod
    def from_record(cls, data: Any) -> ToolTiming | None:
        if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
            return None
        return cls(data["id"], _seconds(data.get("result_s")), _seconds(data.get("text_s")), _seconds(data.get("audio_s")))


@dataclass(frozen=True)
class AnswerLatency:
    """An answer's latency, as far as it is known (None: not yet, or never)."""

    origin: Origin
    to_text_s: float | None = None  # end of the user's turn → the answer's first text
    to_audio_s: float | None = None  # end of the user's turn → its first audio heard
    tools: tuple[ToolTiming, ...] = ()  # calls whose result the model spoke again after, in this answer

    @property
    def headline_s(self) -> float | None:
        """The one number the header shows: first audio heard for a spoken answer, else first text."""
        return self.to_audio_s if self.to_audio_s is not None else self.to_text_s

    @property
    def label(self) -> str:
        return "" if self.headline_s is None else ms_label(self.headline_s)

    def describe(self) -> str:
        """In words, for a tooltip or an export: what each number measures."""
        start = {"typed": "Enter", "spoken": "end of speech", "tool": "tool result sent"}[self.origin]
        parts = []
        if self.to_text_s is not None:
            parts.append(f"{start} → first text {ms_label(self.to_text_s)}")
        if self.to_audio_s is not None:
            parts.append(f"{start} → first audio heard {ms_label(self.to_audio_s)}")
        for tool in self.tools:
            if tool.to_result_s is not None:
                parts.append(f"tool call → result {ms_label(tool.to_result_s)}")
            if tool.resume_s is not None:
                parts.append(f"result → speaking again {ms_label(tool.resume_s)}")
        return "; ".join(parts)

    def to_record(self) -> dict[str, Any]:
        data: dict[str, Any] = {"from": self.origin, "text_s": _rounded(self.to_text_s), "audio_s": _rounded(self.to_audio_s)}
        if self.tools:
            data["tools"] = [t.to_record() for t in self.tools]
        return data

    @classmethod
    def from_record(cls, data: Any) -> AnswerLatency | None:
        """From a transcript's record; None for anything that is not one (an edit, a newer version)."""
        if not isinstance(data, Mapping) or data.get("from") not in ORIGINS:
            return None
        raw_tools = data.get("tools")
        tools = tuple(t for t in (ToolTiming.from_record(x) for x in raw_tools) if t) if isinstance(raw_tools, list) else ()
        return cls(data["from"], _seconds(data.get("text_s")), _seconds(data.get("audio_s")), tools)


@dataclass(frozen=True)
class Stat:
    """One measure over the session."""

    count: int = 0
    median_s: float | None = None
    p95_s: float | None = None

    @classmethod
    def of(cls, values: Sequence[float]) -> Stat:
        if not values:
            return cls()
        ordered = sorted(values)
        # p95 by nearest rank: a value that happened, never one interpolated between two.
        rank = max(1, math.ceil(0.95 * len(ordered)))
        return cls(len(ordered), statistics.median(ordered), ordered[rank - 1])


@dataclass(frozen=True)
class LatencySummary:
    text: Stat = field(default_factory=Stat)  # end of the user's turn → first text
    audio: Stat = field(default_factory=Stat)  # end of the user's turn → first audio heard
    tool: Stat = field(default_factory=Stat)  # tool call → result sent
    resume: Stat = field(default_factory=Stat)  # result sent → the model speaking again

    @property
    def empty(self) -> bool:
        return not (self.text.count or self.audio.count or self.tool.count or self.resume.count)


@dataclass
class _Timing:
    """An answer being timed."""

    origin: Origin
    since: float
    text_at: float | None = None
    audio_at: float | None = None
    tools: list[str] = field(default_factory=list)


@dataclass
class _Call:
    called_at: float
    answered_at: float | None = None
    text_at: float | None = None
    audio_at: float | None = None
    turn_id: int | None = None  # the answer it resumed in
    silent: bool = False  # a SILENT result: taken in, nothing said after it, so no reply to time


class LatencyRecorder:
    """Fed by the session controller with monotonic moments; says each answer's latency."""

    def __init__(self) -> None:
        self._typed: deque[float] = deque()  # Enter moments of typed turns not yet answered, oldest first
        self._last_answer_at = -math.inf  # speech before this was answered already
        self._answers: dict[int, _Timing] = {}
        self._order: deque[int] = deque()
        self._calls: dict[str, _Call] = {}
        self._latest: int | None = None  # the answer now streaming (or last to)

    # -- the user's side ---------------------------------------------------------

    def typed(self, at: float) -> None:
        """Enter was pressed on a typed turn."""
        self._typed.append(at)

    # -- the model's side ----------------------------------------------------------

    def answer_began(self, turn_id: int, at: float, speech_at: float | None = None) -> AnswerLatency | None:
        """An answer turn appeared at `at`; `speech_at`: the last moment the mic carried
        speech (or a spoken turn was closed), if known. The clock starts from a typed
        turn waiting for its answer (oldest first: typed turns are answered in order),
        else from speech since the last answer, else from a tool result the model has
        not spoken after yet; with none of these (a model speaking on its own) the
        answer is not timed."""
        origin: Origin | None = None
        since = 0.0
        if self._typed and self._typed[0] <= at:
            # A typed turn waits: its answer, even if the mic heard noise (keys) since.
            origin, since = "typed", self._typed.popleft()
        elif speech_at is not None and self._last_answer_at < speech_at <= at:
            origin, since = "spoken", speech_at
        else:
            waiting = [c.answered_at for c in self._calls.values() if c.answered_at is not None and c.turn_id is None and not c.silent]
            if waiting:
                origin, since = "tool", max(waiting)
        self._last_answer_at = at
        self._latest = turn_id
        if origin is None:
            return None
        self._answers[turn_id] = _Timing(origin, since)
        self._order.append(turn_id)
        while len(self._order) > 10_000:  # a week-long session stays small
            self._answers.pop(self._order.popleft(), None)
        return self.latency(turn_id)

    def text(self, turn_id: int, at: float) -> AnswerLatency | None:
        """The answer's words arrived at `at` (any piece: only the first counts). Returns
        the answer's latency when this changed it, else None."""
        changed = self._resume(turn_id, at, "text_at")
        timing = self._answers.get(turn_id)
        if timing is not None and timing.text_at is None:
            timing.text_at = max(at, timing.since)
            changed = True
        return self.latency(turn_id) if changed else None

    def audio_heard(self, turn_id: int, at: float) -> AnswerLatency | None:
        """The answer's audio (its first, or its first after a tool result) was heard at `at`."""
        changed = self._resume(turn_id, at, "audio_at")
        timing = self._answers.get(turn_id)
        if timing is not None and timing.audio_at is None:
            timing.audio_at = max(at, timing.since)
            changed = True
        return self.latency(turn_id) if changed else None

    def waits_for_audio(self, turn_id: int) -> bool:
        """Is a first sound of this answer still to be timed (its own, or after a tool result)?"""
        timing = self._answers.get(turn_id)
        if timing is not None and timing.audio_at is None:
            return True
        return any(c.answered_at is not None and c.audio_at is None and c.turn_id in (None, turn_id) and not c.silent for c in self._calls.values())

    # -- tool calls (the tool desk calls these) --------------------------------------

    def tool_called(self, call_id: str, at: float) -> None:
        """A function call arrived from the model."""
        self._calls.setdefault(call_id, _Call(at))

    def tool_answered(self, call_id: str, at: float, *, silent: bool = False) -> None:
        """The call's result (or error, or refusal) was sent to the model; `silent`: with
        SILENT scheduling, after which the model says nothing (its next words are not a reply)."""
        call = self._calls.get(call_id)
        if call is not None and call.answered_at is None:
            call.answered_at = max(at, call.called_at)
            call.silent = silent

    def tool_cancelled(self, call_id: str) -> None:
        """The model cancelled the call: its result will not be spoken after."""
        call = self._calls.get(call_id)
        if call is not None and call.answered_at is None:
            del self._calls[call_id]

    def tool_timing(self, call_id: str) -> ToolTiming | None:
        call = self._calls.get(call_id)
        if call is None:
            return None
        answered = call.answered_at
        return ToolTiming(
            call_id,
            None if answered is None else answered - call.called_at,
            None if answered is None or call.text_at is None else call.text_at - answered,
            None if answered is None or call.audio_at is None else call.audio_at - answered,
        )

    def _resume(self, turn_id: int, at: float, which: Literal["text_at", "audio_at"]) -> bool:
        """The model's first words or sound after a result it was waiting for."""
        changed = False
        for call_id, call in self._calls.items():
            if call.answered_at is None or call.silent or at < call.answered_at or getattr(call, which) is not None:
                continue
            if call.turn_id not in (None, turn_id):
                continue  # it resumed in an earlier answer; this one is not its
            setattr(call, which, at)
            if call.turn_id is None:
                call.turn_id = turn_id
                timing = self._answers.get(turn_id)
                if timing is not None:
                    timing.tools.append(call_id)
            changed = True
        return changed

    # -- what is shown ---------------------------------------------------------------

    def latency(self, turn_id: int) -> AnswerLatency | None:
        timing = self._answers.get(turn_id)
        if timing is None:
            return None
        tools = tuple(t for t in (self.tool_timing(c) for c in timing.tools) if t is not None)
        return AnswerLatency(
            timing.origin,
            None if timing.text_at is None else timing.text_at - timing.since,
            None if timing.audio_at is None else timing.audio_at - timing.since,
            tools,
        )

    def summary(self) -> LatencySummary:
        """Median and p95 of each measure over the session (answers from a tool result count as resumes)."""
        answers = [lat for lat in (self.latency(t) for t in self._order) if lat is not None]
        from_user = [a for a in answers if a.origin != "tool"]
        tools = [t for t in (self.tool_timing(c) for c in self._calls) if t is not None]
        return LatencySummary(
            text=Stat.of([a.to_text_s for a in from_user if a.to_text_s is not None]),
            audio=Stat.of([a.to_audio_s for a in from_user if a.to_audio_s is not None]),
            tool=Stat.of([t.to_result_s for t in tools if t.to_result_s is not None]),
            resume=Stat.of([r for t in tools if (r := t.resume_s) is not None]),
        )

