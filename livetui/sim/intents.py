"""What the simulated model recognises in a user's turn, one function per intent.

Each takes the turn (raw text, its tokens, its folded words) and returns what to say,
or None when it does not apply; `Brain.reply` tries them in order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .places import scan_places
from .reply import Reply, ToolPlan, Turn
from .texts import (
    DEFAULT_AFTER_TOOL,
    GREETING,
    GREETING_TERSE,
    LONG_ANSWER,
    MARKDOWN_DEMO,
    PRESENT,
    PRESENT_TERSE,
    clip,
    join_and,
    sentence,
)
from .tools import FunctionDecl, fill_args, pick_tool
from .words import Tok, folded_words, phrase_from, span_text

__all__ = ["capital", "greeting", "markdown", "names", "recall", "tool_call", "weather"]

_RECALL_RE = re.compile(
    r"\bwhat did i (?:just )?(?:ask|say)\b"
    r"|\bwhat (?:was|is|were) my (?:(?:last|previous|earlier|prior|first) )?(?:question|message)\b"
)
_ASK_NAME_RE = re.compile(r"\b(?:what is|whats|what was) my name\b|\bdo you (?:know|remember) my name\b|\bwho am i\b")
# raw text, so a typed "Ada Lovelace" keeps its capitals
_TELL_NAME_RE = re.compile(
    r"(?i:\bmy\s+name\s+is|\bmy\s+name['’]s|\bcall\s+me)\s+([^\W\d_][\w'’-]*)((?:\s+[A-Z][\w'’-]*)*)"
)
_CAPITAL_WORDS = frozenset({"capital", "capitals", "capitol", "capitols"})
_WHICH_COUNTRY_RE = re.compile(r"\b(?:which|what) country\b")
_FOLLOW_UP_RE = re.compile(r"^(?:and|or|what about|how about)\b")
_GREETING_WORDS = frozenset({"hello", "hey", "hiya", "howdy", "greetings"})
_GREETING_RE = re.compile(r"\bhow are you\b|\bhow(?:s| is) it going\b|\bgood (?:morning|afternoon|evening)\b")
_PRESENT_RE = re.compile(r"\bare you there\b|\bcan you hear me\b|\bare you listening\b")
_LONG_RE = re.compile(r"\blong (?:answer|reply|response|text)\b|\bstory\b")


def _told_name(text: str) -> str | None:
    m = _TELL_NAME_RE.search(text)
    if m is None:
        return None
    first = m.group(1)
    if first.islower():  # speech recognition: "my name is ada"
        first = first.capitalize()
    return " ".join([first, *m.group(2).split()])


def _mentions_capital(text: str) -> bool:
    return any(w in _CAPITAL_WORDS for w in folded_words(text).split())


def _last(history: Sequence[Turn], role: str) -> Turn | None:
    return next((t for t in reversed(history) if t.role == role and t.text.strip()), None)


def recall(words: str, history: Sequence[Turn]) -> str | None:
    m = _RECALL_RE.search(words)
    if m is None:
        return None
    asked = [t for t in history if t.role == "user" and t.text.strip()]
    if not asked:
        return "You haven't asked me anything before."
    turn = asked[0] if " first " in f" {m.group()} " else asked[-1]
    return f"You asked: «{clip(turn.text.strip())}»."


def names(text: str, words: str, history: Sequence[Turn]) -> str | None:
    told = _told_name(text)
    if told is not None:
        return f"Nice to meet you, {told}."
    if _ASK_NAME_RE.search(words) is None:
        return None
    for turn in reversed(history):
        if turn.role == "user" and (name := _told_name(turn.text)) is not None:
            return f"Your name is {name}."
    return "You haven't told me your name yet."


def tool_call(text: str, toks: Sequence[Tok], tools: Sequence[FunctionDecl]) -> Reply | None:
    picked = pick_tool(toks, [t for t in tools if t.name])
    if picked is None:
        return None
    decl, hit = picked
    return Reply("", ToolPlan(decl.name, fill_args(decl, text, toks, hit.span)), DEFAULT_AFTER_TOOL)


def markdown(words: str, terse: bool) -> str | None:
    if _LONG_RE.search(words):
        if terse:
            return "Once upon a time, a terminal streamed a story one word at a time."
        return LONG_ANSWER
    if "markdown" in words.split():
        if terse:
            return "Markdown has **bold**, *italic* and `code`."
        return MARKDOWN_DEMO
    return None


def capital(text: str, toks: Sequence[Tok], words: str, history: Sequence[Turn]) -> str | None:
    asks_capital = any(t.norm in _CAPITAL_WORDS for t in toks)
    places = scan_places(toks, ("country", "capital"))
    countries = list(dict.fromkeys(p.country for p in places if p.kind == "country" and p.country))
    capitals = list(dict.fromkeys(p.country for p in places if p.kind == "capital" and p.country))
    if not asks_capital:
        which_country = bool(capitals) and _WHICH_COUNTRY_RE.search(words) is not None
        if not which_country and not (places and _follow_up(toks, words, history)):
            return None
    if len(countries) == 1 and len(capitals) == 1:  # "Is Paris the capital of France?"
        country, city_of = countries[0], capitals[0]
        if country.capital == city_of.capital:
            return f"Yes — {country.capital} is the capital of {country.ref}."
        return (
            f"No — the capital of {country.ref} is {country.capital}; "
            f"{city_of.capital} is the capital of {city_of.ref}."
        )
    if countries:
        return sentence(join_and([f"the capital of {c.ref} is {c.capital}" for c in countries]))
    if capitals:
        return sentence(join_and([f"{c.capital} is the capital of {c.ref}" for c in capitals]))
    unknown = _unknown_place(text, toks)
    if unknown:
        return f"I don't know the capital of {unknown}."
    return "Which country's capital would you like to know?"


def _follow_up(toks: Sequence[Tok], words: str, history: Sequence[Turn]) -> bool:
    """ "and Germany?" right after a capital question."""
    if not (_FOLLOW_UP_RE.search(words) or len(toks) <= 3):
        return False
    user, model = _last(history, "user"), _last(history, "model")
    return (user is not None and _mentions_capital(user.text)) or (
        model is not None and _mentions_capital(model.text)
    )


def _unknown_place(text: str, toks: Sequence[Tok]) -> str | None:
    for i, tok in enumerate(toks):
        if tok.norm in _CAPITAL_WORDS and i + 1 < len(toks) and toks[i + 1].norm == "of":
            phrase = phrase_from(toks, i + 2, tok.clause, most=4)
            if phrase:
                return span_text(text, phrase)
    return None


def weather(toks: Sequence[Tok], words: str, terse: bool) -> str | None:
    if not ({"weather", "forecast"} & set(words.split())):
        return None
    places = scan_places(toks, ("capital", "city", "country"))
    where = f" for {places[0].ref}" if places else ""
    if terse:
        return f"Simulated weather{where}: 21 °C and sunny."
    return (
        "I can't see real weather — I'm the livetui offline simulator — "
        f"but the simulated forecast{where} today is 21 °C and sunny with a light breeze."
    )


def greeting(toks: Sequence[Tok], words: str, terse: bool) -> str | None:
    if _PRESENT_RE.search(words):
        return PRESENT_TERSE if terse else PRESENT
    opening = [t.norm for t in toks[:3]]
    if _GREETING_RE.search(words) or _GREETING_WORDS & set(words.split()) or "hi" in opening:
        return GREETING_TERSE if terse else GREETING
    return None
