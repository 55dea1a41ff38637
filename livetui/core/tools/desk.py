"""The controller's tool desk: every function call the model makes is answered, live.

A call becomes a card under the answer it belongs to (core.conversation), then:
- a function nobody declared, or arguments that do not fit the declaration: the card
  fails and an error result goes back at once (the model gets a proper error, never
  silence);
- a declared command: it runs as a task (`run_command`), cancellable;
- a function the person answers: the card waits and the host is asked to open the
  dialog (`ToolAsk`), which answers through `answer`.
A `toolCallCancellation` cancels the card (a running command is killed, nothing is
sent). Results go out on the session's own loop as the SDK's FunctionResponse, with the
call's id and name; NON_BLOCKING ones carry a `scheduling`. A session left before a
result could go says so on the card.

The model's names and arguments are data: they pick a declared function by name or
fail; nothing else is done with them. Runs on the host's loop, as the controller does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ..events import ToolAsk, ToolCall, ToolCallCancellation
from ..models import info as model_info
from .card import CardState, ToolCard
from .spec import SCHEDULINGS, Behavior, CommandAnswer, ToolBox, ToolSpec

if TYPE_CHECKING:
    from ..conversation import Change, Conversation
    from ..eventlog import EventLog
    from .runner import CommandResult

__all__ = ["DEFAULT_SCHEDULING", "Send", "ToolDesk", "call_behavior"]

DEFAULT_SCHEDULING = "WHEN_IDLE"  # what the service assumes for a NON_BLOCKING result sent without one
ENDED = "not sent: the session ended before the result could go"

# (generation, the FunctionResponse's fields) -> None when it went, else why not in words
Send = Callable[[int, dict[str, Any]], Awaitable[str | None]]
Run = Callable[..., Awaitable["CommandResult"]]
Check = Callable[[ToolSpec, Mapping[str, Any]], "str | None"]


class DeskHost(Protocol):
    """What the desk needs of the session controller (core/session.py)."""

    settings: Any
    conversation: Conversation
    eventlog: EventLog
    generation: int

    async def show(self, changes: Sequence[Change], persist: bool = True) -> None: ...

    def emit_news(self, news: ToolAsk) -> None: ...

    def show_later(self, changes: Sequence[Change]) -> None: ...


def call_behavior(spec: ToolSpec | None, model: str) -> Behavior:
    """How the model runs a call: 3.1 only synchronously, whatever the file says; else as
    declared; else the model's default (NON_BLOCKING on the 3.8 models)."""
    known = model_info(model)
    if known is not None and known.calls == "sync":
        return "BLOCKING"
    if spec is not None and spec.behavior is not None:
        return spec.behavior
    bare = model.strip().removeprefix("models/")
    return "NON_BLOCKING" if bare.startswith("gemini-3.8-live") else "BLOCKING"


async def _run_command(answer: CommandAnswer, args: Mapping[str, Any], *, log: Callable[[str], None]) -> CommandResult:
    from .runner import run_command  # core/tools/runner.py: the one way a declared command runs

    return await run_command(answer, args, log=log)


def _check_args(spec: ToolSpec, args: Mapping[str, Any]) -> str | None:
    from .load import check_args

    return check_args(spec, args)


class ToolDesk:
    def __init__(self, host: DeskHost, send: Send, *, run: Run = _run_command, check: Check = _check_args,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.host = host
        self.send = send
        self.run = run
        self.check = check
        self.clock = clock
        self.cards: dict[str, ToolCard] = {}  # this session's calls by id (the finished ones too)
        self._specs: dict[str, ToolSpec] = {}
        self._began: dict[str, float] = {}  # call id -> when it came (monotonic)
        self._generation: dict[str, int] = {}  # call id -> the session that made it
        self._tasks: dict[str, asyncio.Task[None]] = {}  # commands running

    @property
    def box(self) -> ToolBox:
        return getattr(self.host.settings, "tools", None) or ToolBox()

    def open_calls(self) -> bool:
        """A call of this session is still to be answered (a command runs, or the person's dialog waits)."""
        return any(not card.done for card in self.cards.values())

    def waiting(self) -> list[ToolCard]:
        """Calls waiting for the person's answer, oldest first."""
        return [card for card in self.cards.values() if card.state == "waiting"]

    def ask(self, card: ToolCard) -> ToolAsk:
        """The dialog's question for a waiting call (again, when the person closed it)."""
        spec = self._specs.get(card.call_id)
        schedulings: tuple[str, ...] = ()
        if card.behavior == "NON_BLOCKING":
            first = (spec.scheduling if spec is not None else None) or DEFAULT_SCHEDULING
            schedulings = (first, *(s for s in SCHEDULINGS if s != first))
        return ToolAsk(card, spec.description if spec is not None else "", schedulings)

    # -- what the model said -----------------------------------------------------

    async def called(self, event: ToolCall) -> list[Change]:
        """Each call's card; returns the changes shown (an answer the calls began, say)."""
        modality = self.host.settings.modality
        shown: list[Change] = []

        async def show_added(card: ToolCard) -> None:
            changes = self.host.conversation.add_tool_card(card, modality)
            shown.extend(changes)
            await self.host.show(changes)

        for call in event.calls:
            spec = self.box.get(call.name)
            card = ToolCard(call_id=call.id, name=call.name, args=dict(call.args),
                            behavior=call_behavior(spec, self.host.settings.model))
            self.cards[call.id] = card
            self._began[call.id] = self.clock()
            self._generation[call.id] = self.host.generation
            if spec is None:
                declared = ", ".join(f.name for f in self.box.functions) or "none"
                await self._fail_now(card, {"error": f"no function named {call.name!r} is declared (declared: {declared})"},
                                     "not a declared function", show_added)
                continue
            self._specs[call.id] = spec
            if (wrong := self.check(spec, call.args)) is not None:
                await self._fail_now(card, {"error": f"the arguments do not fit the declaration: {wrong}"}, f"bad arguments: {wrong}", show_added)
                continue
            if isinstance(spec.answered_by, CommandAnswer):
                card.state = "running"
                await show_added(card)
                self._tasks[call.id] = asyncio.create_task(self._command(card, spec.answered_by))
            else:
                card.state = "waiting"
                await show_added(card)
                self.host.emit_news(self.ask(card))
        return shown

    async def cancelled(self, event: ToolCallCancellation) -> None:
        """The model dropped these calls (a barge-in, say): nothing is sent for them."""
        for call_id in event.ids:
            card = self.cards.get(call_id)
            if card is None or card.done:
                continue
            if (task := self._tasks.pop(call_id, None)) is not None:
                task.cancel()  # the runner kills the command
            card.state = "cancelled"
            card.note = "cancelled by the model (toolCallCancellation)"
            card.took_s = self._took(card)
            await self.host.show(self.host.conversation.tool_card_changed(card))

    # -- answers -------------------------------------------------------------------

    async def answer(self, call_id: str, response: Mapping[str, Any] | None, scheduling: str | None = None) -> bool:
        """The dialog's answer: a result ({"output": ...}), or None to refuse; for a
        NON_BLOCKING call, the scheduling chosen. False when the call is no longer waiting."""
        card = self.cards.get(call_id)
        if card is None or card.state != "waiting":
            return False
        if response is None:
            await self._finish(card, "refused", {"error": "the user refused to answer this call"}, "refused by you", scheduling)
        else:
            await self._finish(card, "answered", dict(response), "", scheduling)
        return True

    async def _command(self, card: ToolCard, answer: CommandAnswer) -> None:
        def log(line: str) -> None:
            self.host.eventlog.add("info", "tool stderr", len(line), f"{card.name}: {line}")

        try:
            result = await self.run(answer, card.args, log=log)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the runner says what went wrong in its result; this is for its own bugs
            self._tasks.pop(card.call_id, None)
            await self._finish(card, "failed", {"error": f"the command could not be run: {exc}"}, f"could not run: {exc}")
            return
        self._tasks.pop(card.call_id, None)
        await self._finish(card, result.state, result.response, result.note)

    async def _fail_now(self, card: ToolCard, response: Mapping[str, Any], note: str,
                        show_added: Callable[[ToolCard], Awaitable[None]]) -> None:
        """A call that cannot be answered as asked: shown failed, the error sent at once."""
        card.state, card.note, card.took_s = "failed", note, 0.0
        await show_added(card)
        if (problem := await self._send(card, response)) is not None:
            card.note = f"{note}; {problem}"
            await self.host.show(self.host.conversation.tool_card_changed(card))

    async def _finish(self, card: ToolCard, state: CardState, response: Mapping[str, Any], note: str,
                      scheduling: str | None = None) -> None:
        """Send the result, then show the card in its final state (or why it could not go)."""
        if card.done or card.response is not None:
            return  # cancelled or left meanwhile, or already sent
        problem = await self._send(card, response, scheduling)
        if card.state == "cancelled":
            return  # the cancellation came while it went: the card says so already
        card.took_s = self._took(card)
        card.state = "failed" if problem else state
        card.note = "; ".join(n for n in (note, problem or "") if n)
        await self.host.show(self.host.conversation.tool_card_changed(card))

    async def _send(self, card: ToolCard, response: Mapping[str, Any], scheduling: str | None = None) -> str | None:
        fields: dict[str, Any] = {"id": card.call_id, "name": card.name, "response": dict(response)}
        if card.behavior == "NON_BLOCKING":
            spec = self._specs.get(card.call_id)
            card.scheduling = scheduling or (spec.scheduling if spec is not None else None) or DEFAULT_SCHEDULING
            fields["scheduling"] = card.scheduling
        card.response = dict(response)
        return await self.send(self._generation.get(card.call_id, self.host.generation), fields)

    def _took(self, card: ToolCard) -> float:
        return max(0.0, self.clock() - self._began.get(card.call_id, self.clock()))

    # -- the session ends ------------------------------------------------------------

    def session_left(self) -> None:
        """The session was left (a new one starts): its calls can no longer be answered.
        Running commands are killed; cards still open say the result never went."""
        changes: list[Change] = []
        for call_id, card in self.cards.items():
            if card.done:
                continue
            if (task := self._tasks.pop(call_id, None)) is not None:
                task.cancel()
            card.state = "failed"
            card.note = ENDED
            card.took_s = self._took(card)
            changes += self.host.conversation.tool_card_changed(card)
        self.cards.clear()
        self._specs.clear()
        self._began.clear()
        self._generation.clear()
        if changes:
            self.host.show_later(changes)

    async def aclose(self) -> None:
        """Quitting: no command outlives the console (each is killed, and reaped, by its task)."""
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2.0)
