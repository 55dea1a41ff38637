"""The simulator's "model": deterministic, context-aware answers.

A reply is a pure function of the script's state, the system instruction, the
conversation so far, the user's text and the declared tools -- no randomness,
no clock -- so tests, snapshots and benchmarks are reproducible.

Intents are tried in this order (first hit wins):
script, "what did I ask before", names, declared tools, Markdown demos,
capital cities (with follow-ups), weather, greetings, echo. With Google Search declared,
a question the search rule takes (livetui.sim.search) is grounded, and one nothing
else answers gets what the search "found" instead of the echo.

Input may be typed text or rough speech recognition (lower-case, no
punctuation), so matching works on folded word tokens, not on exact phrases.

What it knows lives beside it: `intents` (what a turn asks), `words` (text into
tokens and numbers), `places` (countries, capitals, cities, rooms), `tools`
(declared functions, and their arguments from the text), `texts` (canned answers)
and `reply` (the types it takes and gives).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from . import intents, search
from .reply import Reply, ToolPlan, Turn
from .script import Script
from .texts import DEFAULT_AFTER_TOOL, NOT_HEARD, clip
from .tools import FunctionDecl, compact_json
from .words import tokenize

__all__ = ["Brain"]

ECHO_START = "You said: «"  # the answer when no intent applies


class Brain:
    """Answers one user turn at a time; all state lives in the history and the script."""

    def __init__(self, script: Script | None = None, system_instruction: str = "") -> None:
        self._script = script
        lowered = (system_instruction or "").lower()
        self._terse = "terse" in lowered or "brief" in lowered

    @property
    def terse(self) -> bool:
        return self._terse

    def reply(self, history: Sequence[Turn], user_text: str, tools: Sequence[FunctionDecl] = (), *, search_on: bool = False) -> Reply:
        """`search_on`: the setup declared googleSearch, so a question may be searched
        (livetui.sim.search) and its answer grounded."""
        text = (user_text or "").strip()
        if self._script is not None:
            # consulted even for empty text: an entry without `match` answers any turn,
            # including audio the recogniser could not make out
            entry = self._script.take(text, [t.name for t in tools])
            if entry is not None:
                plan = ToolPlan(entry.tool, dict(entry.args)) if entry.tool else None
                scripted = Reply(entry.text, plan, entry.after_tool, tone_ms=entry.tone_ms,
                                 interrupt_after_ms=entry.interrupt_after_ms,
                                 turn_complete_delay_ms=entry.turn_complete_delay_ms)
                wanted = entry.search if entry.search is not None else search.searches(text)
                if not (search_on and wanted):
                    return scripted
                return replace(scripted, search_query=search.query_of(text or entry.text), search_at=entry.search_at)
        if not text:
            return Reply(NOT_HEARD)
        answer = self._answer(history, text, tools)
        if not (search_on and search.searches(text)):
            return answer
        query = search.query_of(text)
        if answer.tool is None and answer.text.startswith(ECHO_START):  # nothing it knows: what the search found
            answer = Reply(search.answer_text(query, len(search.pages(query))))
        return replace(answer, search_query=query)

    def _answer(self, history: Sequence[Turn], text: str, tools: Sequence[FunctionDecl]) -> Reply:
        toks = tokenize(text)
        words = " ".join(t.norm for t in toks)
        answer = (
            intents.recall(words, history)
            or intents.names(text, words, history)
            or intents.tool_call(text, toks, tools)
            or intents.markdown(words, self._terse)
            or intents.capital(text, toks, words, history)
            or intents.weather(toks, words, self._terse)
            or intents.greeting(toks, words, self._terse)
        )
        if answer is None:
            return Reply(f"{ECHO_START}{clip(text)}».")
        return answer if isinstance(answer, Reply) else Reply(answer)

    def after_tool(self, reply: Reply, tool_response: Mapping[str, Any]) -> str:
        """What to say once the client answered the tool call with ``tool_response``."""
        if reply.after_tool is None and reply.text:
            return reply.text
        template = reply.after_tool if reply.after_tool is not None else DEFAULT_AFTER_TOOL
        name = reply.tool.name if reply.tool is not None else ""
        # str.replace, not format: scripted templates may contain other braces
        return template.replace("{result}", compact_json(tool_response)).replace("{name}", name)
