"""The simulator's "model": deterministic, context-aware answers.

A reply is a pure function of the script's state, the system instruction, the
conversation so far, the user's text and the declared tools -- no randomness,
no clock -- so tests, snapshots and benchmarks are reproducible.

Intents are tried in this order (first hit wins):
script, "what did I ask before", names, declared tools, Markdown demos,
capital cities (with follow-ups), weather, greetings, echo.

Input may be typed text or rough speech recognition (lower-case, no
punctuation), so matching works on folded word tokens, not on exact phrases.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from livetui.sim.script import Script

__all__ = [
    "DEFAULT_AFTER_TOOL",
    "LONG_ANSWER",
    "MARKDOWN_DEMO",
    "Brain",
    "FunctionDecl",
    "Reply",
    "ToolPlan",
    "Turn",
    "function_decls_from_setup",
]

DEFAULT_AFTER_TOOL = "Done: {name} returned {result}."


# --------------------------------------------------------------------------- API types


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "model"]
    text: str


@dataclass(frozen=True)
class FunctionDecl:
    name: str
    description: str = ""
    # a JSON-schema-ish object; hash=False keeps the frozen decl hashable
    parameters: Mapping[str, Any] = field(default_factory=dict, hash=False)
    behavior: str = ""  # BLOCKING / NON_BLOCKING as declared; "" when not said

    @classmethod
    def from_setup(cls, decl: Mapping[str, Any]) -> FunctionDecl:
        """Read one ``functionDeclarations[]`` item; the SDK may send camelCase or snake_case."""
        params: Mapping[str, Any] = {}
        for key in ("parameters", "parametersJsonSchema", "parameters_json_schema"):
            value = decl.get(key)
            if isinstance(value, Mapping):
                params = value
                break
        name, description = decl.get("name"), decl.get("description")
        behavior = decl.get("behavior")
        return cls(
            name=name if isinstance(name, str) else "",
            description=description if isinstance(description, str) else "",
            parameters=dict(params),
            behavior=behavior.upper() if isinstance(behavior, str) else "",
        )


def function_decls_from_setup(tools: Sequence[Any] | None) -> list[FunctionDecl]:
    """All function declarations in a setup's ``tools``; other tools (googleSearch, ...) are ignored."""
    decls: list[FunctionDecl] = []
    for tool in tools or ():
        if not isinstance(tool, Mapping):
            continue
        items = tool.get("functionDeclarations") or tool.get("function_declarations")
        if not isinstance(items, (list, tuple)):
            continue
        for item in items:
            if isinstance(item, Mapping) and isinstance(item.get("name"), str) and item["name"]:
                decls.append(FunctionDecl.from_setup(item))
    return decls


@dataclass(frozen=True)
class ToolPlan:
    name: str
    args: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Reply:
    text: str  # when tool is set, said AFTER the tool response (unless after_tool is set)
    tool: ToolPlan | None = None
    after_tool: str | None = None  # "{result}" -> JSON of the response, "{name}" -> function name
    # Measurement knobs from a script entry (see livetui.sim.script).
    tone_ms: int | None = None
    interrupt_after_ms: int | None = None
    turn_complete_delay_ms: int = 0


# --------------------------------------------------------------------------- canned texts

MARKDOWN_DEMO = """\
# Markdown demo

This answer exercises the renderer with **bold**, *italic*, `inline code` \
and a [link](https://ai.google.dev/gemini-api/docs/live).

## A list

- Headings at two levels
- Bulleted and numbered lists
- Fenced code with syntax highlighting
- A table with aligned columns

## Some code

```python
def greet(name: str) -> str:
    return f"Hello, {name}!"
```

## A table

| Capital | Country | Population (approx.) |
| --- | --- | ---: |
| Paris | France | 2.1 M |
| Berlin | Germany | 3.7 M |
| Tokyo | Japan | 14 M |

> Everything above is deterministic, so snapshots and benchmarks can rely on it."""

LONG_ANSWER = """\
# The Terminal That Learned to Listen

Once upon a time, in a data centre that hummed like a distant sea, there lived \
a small terminal program called **livetui**. It had no windows of its own, only \
a grid of characters eighty columns wide on a good day, but it dreamed of \
holding real conversations.

Every morning it woke up, opened a WebSocket and sent a polite `setup` message. \
Most days the server answered with `setupComplete`, and the terminal felt a \
little thrill as the first words streamed in, one chunk at a time.

## What the terminal learned

Over many sessions, the terminal collected a few lessons:

1. **Stream early, render often.** People read faster than they expect, and a \
blank screen feels broken after a second.
2. **Never block the event loop.** Audio, keystrokes and network frames all \
arrive at once, and each deserves a turn.
3. **Interruptions are normal.** When the user speaks over the model, stop \
talking and listen.
4. **Keep a transcript.** Memory is what turns a string of replies into a \
conversation.

## A small piece of code

The terminal was proud of the tiny loop at its heart:

```python
async for message in session.receive():
    if message.text:
        screen.write(message.text)
    if message.server_content and message.server_content.turn_complete:
        break
```

It was not clever, but it was honest, and it never dropped a frame.

## Friends along the way

| Friend | What they taught | Favourite message |
| --- | --- | --- |
| The microphone | Patience with silence | `realtimeInput` |
| The speaker | Timing is everything | `serverContent` |
| The simulator | Practice without a network | `toolCall` |
| The user | Why any of it matters | `clientContent` |

The simulator, in particular, became a close companion. It lived entirely \
offline, never needed an API key, and always answered the same question the \
same way. When the terminal asked for the capital of France, the simulator \
said Paris, every single time, which made it the most reliable friend a test \
suite could want.

## The long night

One evening the network went down. The terminal tried to reconnect, backed off \
politely, tried again, and backed off a little longer. It did not panic. It \
showed a calm status line, kept the transcript safe, and waited. When the \
connection returned, it resumed the session and carried on as if nothing had \
happened, because a good console is measured less by how it behaves on sunny \
days than by how it behaves in storms.

## The end, for now

Today the terminal still runs, streaming answers in neat Markdown: headings, \
lists, tables and code blocks rendered as fast as they arrive. It is a small \
program, and it knows it. But every time someone types a question and watches \
the answer unfold line by line, it feels, in its own modest way, like it is \
listening.

*The end.*"""

_PITCH = "ask me about capital cities, or say anything and I'll repeat it."
_GREETING = f"Hello! I'm the livetui offline simulator. I'm doing well — {_PITCH}"
_PRESENT = f"Yes, I'm here! I'm the livetui offline simulator — {_PITCH}"
_GREETING_TERSE = "Hello, I'm the livetui offline simulator."
_PRESENT_TERSE = "Yes, I'm here — this is the livetui offline simulator."
_NOT_HEARD = "I didn't catch that."
_ECHO_LIMIT = 200  # long inputs are clipped so the echo stays a short answer


# --------------------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)*")
_BREAKS = frozenset(".,;:!?()[]{}\n")


def _fold(text: str) -> str:
    """Lower-case, accents and apostrophes removed: "Bogotá" -> "bogota", "What's" -> "whats"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.lower().replace("'", "").replace("’", "")


@dataclass(frozen=True)
class _Tok:
    norm: str  # folded, for matching
    raw: str  # as written, for echoing back into arguments
    start: int
    end: int
    clause: int  # bumps at punctuation, so phrases don't run across sentences
    neg: bool  # a "-" sign right before a number


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    clause, prev = 0, 0
    for m in _TOKEN_RE.finditer(text):
        gap = text[prev : m.start()]
        if any(ch in _BREAKS for ch in gap):
            clause += 1
        neg = gap.endswith("-") and (m.start() < 2 or text[m.start() - 2] in " \t\n(")
        norm = _fold(m.group()) or m.group().lower()
        toks.append(_Tok(norm, m.group(), m.start(), m.end(), clause, neg))
        prev = m.end()
    return toks


def _words(text: str) -> str:
    """Folded tokens joined by single spaces: the form intent regexes run on."""
    return " ".join(t.norm for t in _tokenize(text))


_NAME_PART_RE = re.compile(r"\d+|[A-Z]+(?![a-z])|[A-Z]?[^\W\d_A-Z]+")


def _name_words(name: str) -> list[str]:
    """Split an identifier into folded words: snake_case, camelCase, kebab-case, digits."""
    words: list[str] = []
    for part in re.split(r"[\W_]+", name):
        words.extend(_fold(w) for w in _NAME_PART_RE.findall(part))
    return [w for w in words if w]


def _stem(word: str) -> str:
    # "lights" should find turn_on_the_light and vice versa
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _clip(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= _ECHO_LIMIT else one_line[: _ECHO_LIMIT - 1].rstrip() + "…"


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."  # "Washington, D.C." already ends one


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class _Country:
    name: str
    capital: str
    aliases: tuple[str, ...] = ()
    capital_aliases: tuple[str, ...] = ()
    the: bool = False  # "the United Kingdom"

    @property
    def ref(self) -> str:
        return f"the {self.name}" if self.the else self.name


_COUNTRIES: tuple[_Country, ...] = (
    _Country("France", "Paris"),
    _Country("Germany", "Berlin"),
    _Country("Italy", "Rome"),
    _Country("Spain", "Madrid"),
    _Country("Portugal", "Lisbon"),
    # before England, so "London is the capital of which country?" says the UK
    _Country("United Kingdom", "London", ("uk", "u k", "the uk", "britain", "great britain"), the=True),
    _Country("England", "London"),
    _Country("Scotland", "Edinburgh"),
    _Country("Wales", "Cardiff"),
    _Country("Ireland", "Dublin", ("republic of ireland",)),
    _Country(
        "United States",
        "Washington, D.C.",
        ("united states of america", "usa", "u s a", "u s", "the us", "america"),
        ("washington", "washington dc"),
        the=True,
    ),
    _Country("Canada", "Ottawa"),
    _Country("Mexico", "Mexico City"),
    _Country("Brazil", "Brasília"),
    _Country("Argentina", "Buenos Aires"),
    _Country("Chile", "Santiago"),
    _Country("Peru", "Lima"),
    _Country("Colombia", "Bogotá"),
    _Country("Venezuela", "Caracas"),
    _Country("Cuba", "Havana"),
    _Country("Japan", "Tokyo"),
    _Country("China", "Beijing", capital_aliases=("peking",)),
    _Country("India", "New Delhi", capital_aliases=("delhi",)),
    _Country("South Korea", "Seoul", ("korea", "republic of korea")),
    _Country("North Korea", "Pyongyang"),
    _Country("Russia", "Moscow", ("russian federation",)),
    _Country("Australia", "Canberra"),
    _Country("New Zealand", "Wellington"),
    _Country("Egypt", "Cairo"),
    _Country("South Africa", "Pretoria"),
    _Country("Nigeria", "Abuja"),
    _Country("Kenya", "Nairobi"),
    _Country("Ethiopia", "Addis Ababa"),
    _Country("Morocco", "Rabat"),
    _Country("Turkey", "Ankara", ("türkiye",)),
    _Country("Greece", "Athens"),
    _Country("Netherlands", "Amsterdam", ("holland",), the=True),
    _Country("Belgium", "Brussels"),
    _Country("Switzerland", "Bern", capital_aliases=("berne",)),
    _Country("Austria", "Vienna"),
    _Country("Poland", "Warsaw"),
    _Country("Czech Republic", "Prague", ("czechia",), the=True),
    _Country("Hungary", "Budapest"),
    _Country("Romania", "Bucharest"),
    _Country("Croatia", "Zagreb"),
    _Country("Ukraine", "Kyiv", capital_aliases=("kiev",)),
    _Country("Sweden", "Stockholm"),
    _Country("Norway", "Oslo"),
    _Country("Denmark", "Copenhagen"),
    _Country("Finland", "Helsinki"),
    _Country("Iceland", "Reykjavík"),
    _Country("Saudi Arabia", "Riyadh"),
    _Country("United Arab Emirates", "Abu Dhabi", ("uae", "u a e"), the=True),
    _Country("Iran", "Tehran"),
    _Country("Pakistan", "Islamabad"),
    _Country("Thailand", "Bangkok"),
    _Country("Vietnam", "Hanoi", ("viet nam",)),
    _Country("Indonesia", "Jakarta"),
    _Country("Philippines", "Manila", the=True),
    _Country("Malaysia", "Kuala Lumpur"),
    _Country("Singapore", "Singapore"),
)

_CITIES = (
    "New York", "Los Angeles", "San Francisco", "Chicago", "Seattle", "Boston", "Miami",
    "Toronto", "Vancouver", "Montreal", "Sydney", "Melbourne", "Mumbai", "Bangalore",
    "Shanghai", "Hong Kong", "Osaka", "Kyoto", "Barcelona", "Milan", "Munich", "Hamburg",
    "Frankfurt", "Istanbul", "Dubai", "Rio de Janeiro", "São Paulo", "Zurich", "Geneva",
    "Manchester", "Lyon", "Marseille",
)  # fmt: skip

_ROOMS = (
    "living room", "dining room", "guest room", "laundry room", "kitchen", "bedroom",
    "bathroom", "office", "garage", "hallway", "basement", "attic", "lounge", "study",
    "nursery", "garden", "porch",
)  # fmt: skip

_Kind = Literal["country", "capital", "city", "room"]


@dataclass(frozen=True)
class _Place:
    kind: _Kind
    name: str  # display form: "Paris", "United Kingdom", "living room"
    country: _Country | None = None

    @property
    def ref(self) -> str:  # for prose: "the United Kingdom"
        return self.country.ref if self.kind == "country" and self.country else self.name


def _build_index() -> dict[tuple[str, ...], list[_Place]]:
    index: dict[tuple[str, ...], list[_Place]] = {}

    def add(alias: str, place: _Place) -> None:
        key = tuple(_words(alias).split())
        if key and place not in index.setdefault(key, []):
            index[key].append(place)

    # registration order is lookup priority: countries first, so "Singapore" is a country
    for c in _COUNTRIES:
        for alias in (c.name, *c.aliases):
            add(alias, _Place("country", c.name, c))
    for c in _COUNTRIES:
        for alias in (c.capital, *c.capital_aliases):
            add(alias, _Place("capital", c.capital, c))
    for city in _CITIES:
        add(city, _Place("city", city))
    for room in _ROOMS:
        add(room, _Place("room", room))
    return index


_INDEX = _build_index()
_MAX_ALIAS = max(len(k) for k in _INDEX)


def _scan(toks: Sequence[_Tok], kinds: Collection[str], skip: frozenset[int] = frozenset()) -> list[_Place]:
    """Known places in text order, longest alias first ("mexico city" beats "mexico")."""
    norms = [t.norm for t in toks]
    found: list[_Place] = []
    i = 0
    while i < len(norms):
        for n in range(min(_MAX_ALIAS, len(norms) - i), 0, -1):
            if any(j in skip for j in range(i, i + n)):
                continue
            place = next((p for p in _INDEX.get(tuple(norms[i : i + n]), ()) if p.kind in kinds), None)
            if place is not None:
                found.append(place)
                i += n
                break
        else:
            i += 1
    return found


# --------------------------------------------------------------------------- numbers

_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_UNIT_OR_TENS = frozenset(_UNITS) | frozenset(_TENS)


def _number_words(norms: Sequence[str], i: int, skip: frozenset[int]) -> tuple[int, int] | None:
    """Parse spoken numbers ("twenty one", "one hundred and five") at i: (value, tokens used)."""
    total, cur, last, j = 0, 0, "", i
    while j < len(norms) and j not in skip:
        w = norms[j]
        if w in _UNITS and (last in ("", "hundred", "thousand") or (last == "tens" and _UNITS[w] < 10)):
            cur, last = cur + _UNITS[w], "unit"
        elif w in _TENS and last in ("", "hundred", "thousand"):
            cur, last = cur + _TENS[w], "tens"
        elif w == "hundred" and last in ("unit", "tens") and cur < 100:
            cur, last = cur * 100, "hundred"
        elif w == "thousand" and last in ("unit", "tens", "hundred"):
            total, cur, last = total + cur * 1000, 0, "thousand"
        elif w == "and" and last == "hundred" and j + 1 < len(norms) and norms[j + 1] in _UNIT_OR_TENS:
            pass  # "one hundred and five"  # "one hundred and five"
        else:
            break
        j += 1
    return (total + cur, j - i) if j > i else None


def _as_number(norm: str) -> int | float | None:
    try:  # folded text can hold odd "digits": "¼" becomes "1⁄4"
        value: int | float = float(norm) if "." in norm else int(norm)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _numbers(toks: Sequence[_Tok], skip: frozenset[int]) -> list[int | float]:
    """Numbers in text order, digits or words; a leading "-" or "minus" negates."""
    norms = [t.norm for t in toks]
    out: list[int | float] = []
    i = 0
    while i < len(toks):
        if i in skip:
            i += 1
            continue
        tok = toks[i]
        negative = tok.neg or (i > 0 and norms[i - 1] in ("minus", "negative"))
        if tok.norm[0].isdigit():
            value = _as_number(tok.norm)
            if value is not None:
                out.append(-value if negative else value)
            i += 1
            continue
        spoken = _number_words(norms, i, skip)
        if spoken is None:
            i += 1
            continue
        out.append(-spoken[0] if negative else spoken[0])
        i += spoken[1]
    return out


# --------------------------------------------------------------------------- tools

# words a user may leave out when naming a function ("what's the weather" -> get_weather)
_FILLER = frozenset({"get", "fetch", "current", "the", "a", "an", "my"})
_ARTICLES = frozenset({"the", "a", "an", "my", "our", "your", "this", "that", "some"})
_PREPS = ("in", "for", "of", "at", "the")
# words that end an argument phrase ("in Springfield today" -> "Springfield")
_PHRASE_STOP = frozenset(
    {"in", "for", "of", "at", "on", "to", "from", "with", "by", "about", "near", "and", "or", "but",
     "please", "today", "tomorrow", "tonight", "now", "right", "thanks", "thank", "is", "are", "was"}
)  # fmt: skip
_TRUE = frozenset({"on", "true", "yes", "enable", "enabled"})
_FALSE = frozenset({"off", "false", "no", "disable", "disabled"})
_CATEGORIES: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    # (words in the parameter name, kinds of known place it takes)
    (frozenset({"room"}), frozenset({"room"})),
    (frozenset({"country", "nation"}), frozenset({"country"})),
    (frozenset({"city", "town"}), frozenset({"capital", "city"})),
    (
        frozenset({"location", "place", "where", "destination", "region", "area", "address", "locality", "zone"}),
        frozenset({"capital", "city", "country", "room"}),
    ),
)


@dataclass(frozen=True)
class _ToolHit:
    tier: int  # 0 exact/contiguous, 1 in order with small gaps, 2 content words anywhere
    words: int
    span: frozenset[int]  # token indices that spell the name: never reused as arguments


def _ordered(stems: Sequence[str], want: Sequence[str], max_gap: int) -> frozenset[int] | None:
    for start, stem in enumerate(stems):
        if stem != want[0]:
            continue
        hit, pos = [start], start
        for w in want[1:]:
            nxt = next((j for j in range(pos + 1, min(pos + 2 + max_gap, len(stems))) if stems[j] == w), None)
            if nxt is None:
                break
            hit.append(nxt)
            pos = nxt
        else:
            return frozenset(hit)
    return None


def _match_tool(toks: Sequence[_Tok], name: str) -> _ToolHit | None:
    words = _name_words(name)
    if not words:
        return None
    joined = "".join(words)
    for i, tok in enumerate(toks):
        if tok.norm == joined:  # typed as one word: "getWeather", "lights2"
            return _ToolHit(0, len(words), frozenset({i}))
    stems = [_stem(t.norm) for t in toks]
    want = [_stem(w) for w in words]
    k = len(want)
    for i in range(len(stems) - k + 1):
        if stems[i : i + k] == want:
            return _ToolHit(0, k, frozenset(range(i, i + k)))
    hit = _ordered(stems, want, max_gap=2)
    if hit is not None:
        return _ToolHit(1, k, hit)
    content = [w for w in want if w not in _FILLER]
    if content and all(w in stems for w in content):
        return _ToolHit(2, len(content), frozenset(i for i, s in enumerate(stems) if s in content))
    return None


def _pick_tool(toks: Sequence[_Tok], tools: Sequence[FunctionDecl]) -> tuple[FunctionDecl, _ToolHit] | None:
    best: tuple[tuple[int, int, int], FunctionDecl, _ToolHit] | None = None
    for order, decl in enumerate(tools):
        hit = _match_tool(toks, decl.name)
        if hit is None:
            continue
        key = (hit.tier, -hit.words, order)  # the closest, most specific name wins
        if best is None or key < best[0]:
            best = (key, decl, hit)
    return None if best is None else (best[1], best[2])


def _schema_type(prop: Mapping[str, Any]) -> str:
    kind = prop.get("type")
    if isinstance(kind, (list, tuple)):  # JSON schema ["string", "null"]
        kind = next((k for k in kind if isinstance(k, str) and k.lower() != "null"), None)
    if not isinstance(kind, str):
        for key in ("anyOf", "oneOf", "any_of"):
            options = prop.get(key)
            if isinstance(options, (list, tuple)):
                for option in options:
                    if isinstance(option, Mapping) and isinstance(option.get("type"), str):
                        if option["type"].lower() != "null":
                            return option["type"].lower()
        return ""
    kind = kind.lower()
    return "" if kind == "type_unspecified" else kind


def _span_text(text: str, toks: Sequence[_Tok]) -> str:
    return text[toks[0].start : toks[-1].end]


def _phrase_after_prep(text: str, toks: Sequence[_Tok], span: frozenset[int]) -> str | None:
    """Up to three words after in/for/of/at/the, e.g. "in Springfield" -> "Springfield"."""
    for prep in _PREPS:
        for i, tok in enumerate(toks):
            if tok.norm != prep or i in span:
                continue
            phrase: list[_Tok] = []
            for j in range(i + 1, len(toks)):
                nxt = toks[j]
                if j in span or nxt.clause != tok.clause or len(phrase) == 3:
                    break
                if not phrase and nxt.norm in _ARTICLES:
                    continue
                if nxt.norm in _PHRASE_STOP:
                    break
                phrase.append(nxt)
            if phrase:
                return _span_text(text, phrase)
    return None


def _remainder(text: str, toks: Sequence[_Tok], span: frozenset[int]) -> str | None:
    """What follows the function's name: "search for cute cats" -> "cute cats"."""
    if not span:
        return None
    rest = list(toks[max(span) + 1 :])
    while rest and (rest[0].norm in _ARTICLES or rest[0].norm in _PHRASE_STOP or rest[0].norm in ("that", "saying")):
        rest.pop(0)
    while rest and rest[-1].norm in ("please", "thanks"):
        rest.pop()
    return _span_text(text, rest) if rest else None


def _pick_enum(values: Sequence[Any], toks: Sequence[_Tok]) -> Any:
    """The enum value named earliest in the text (ties: the longer name)."""
    norms = [t.norm for t in toks]
    best: tuple[int, int] | None = None
    chosen: Any = None
    for value in values:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            continue
        want = _name_words(str(value)) if isinstance(value, str) else [str(value)]
        if not want:
            continue
        for i in range(len(norms) - len(want) + 1):
            if [_stem(n) for n in norms[i : i + len(want)]] == [_stem(w) for w in want]:
                key = (i, -len(want))
                if best is None or key < best:
                    best, chosen = key, value
                break
    return chosen


def _boolean(name: str, toks: Sequence[_Tok]) -> bool | None:
    """on/off next to the parameter's name ("eco off"), else the first one in the text.

    The whole text counts, tool name included: in "turn on the lights" the "on"
    is both part of the name and the value.
    """
    flags = [(i, t.norm in _TRUE) for i, t in enumerate(toks) if t.norm in _TRUE or t.norm in _FALSE]
    if not flags:
        return None
    named = {i for i, t in enumerate(toks) if _stem(t.norm) in {_stem(w) for w in _name_words(name)}}
    for i, value in flags:
        if any(abs(i - j) <= 2 for j in named):
            return value
    return flags[0][1]


def _fill_one(
    name: str,
    prop: Mapping[str, Any],
    required: bool,
    text: str,
    toks: Sequence[_Tok],
    span: frozenset[int],
    numbers: Iterator[int | float],
) -> Any:
    enum = prop.get("enum")
    if isinstance(enum, (list, tuple)) and enum:
        return _pick_enum(enum, toks)
    kind = _schema_type(prop)
    if kind in ("number", "integer"):
        value = next(numbers, None)
        if value is None:
            return None
        return int(round(value)) if kind == "integer" else value
    if kind == "boolean":
        return _boolean(name, toks)
    if kind not in ("string", ""):
        return None  # objects and arrays: too ambiguous to guess
    name_words = {_stem(w) for w in _name_words(name)}
    for words, kinds in _CATEGORIES:
        if name_words & words:
            known = _scan(toks, kinds, skip=span)
            if known:
                return known[0].name
            return _phrase_after_prep(text, toks, span)
    if required:
        return _remainder(text, toks, span) or _phrase_after_prep(text, toks, span)
    return None


def _fill_args(decl: FunctionDecl, text: str, toks: Sequence[_Tok], span: frozenset[int]) -> dict[str, Any]:
    schema = decl.parameters if isinstance(decl.parameters, Mapping) else {}
    props = schema.get("properties")
    if not isinstance(props, Mapping):
        return {}
    listed = schema.get("required")
    required = {r for r in listed if isinstance(r, str)} if isinstance(listed, (list, tuple)) else set()
    # number parameters take the numbers in the text in order: set_alarm 7 30 -> hour 7, minute 30
    numbers = iter(_numbers(toks, span))
    args: dict[str, Any] = {}
    for pname, prop in props.items():
        if not isinstance(pname, str) or not isinstance(prop, Mapping):
            continue
        value = _fill_one(pname, prop, pname in required, text, toks, span, numbers)
        if value is not None:
            args[pname] = value
    return args


def _compact_json(value: Any) -> str:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    except (TypeError, ValueError):  # non-string keys or cycles from a strange client
        return str(value)


# --------------------------------------------------------------------------- intents

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
    return any(w in _CAPITAL_WORDS for w in _words(text).split())


def _last(history: Sequence[Turn], role: str) -> Turn | None:
    return next((t for t in reversed(history) if t.role == role and t.text.strip()), None)


class Brain:
    """Answers one user turn at a time; all state lives in the history and the script."""

    def __init__(self, script: Script | None = None, system_instruction: str = "") -> None:
        self._script = script
        lowered = (system_instruction or "").lower()
        self._terse = "terse" in lowered or "brief" in lowered

    @property
    def terse(self) -> bool:
        return self._terse

    def reply(self, history: Sequence[Turn], user_text: str, tools: Sequence[FunctionDecl] = ()) -> Reply:
        text = (user_text or "").strip()
        if self._script is not None:
            # consulted even for empty text: an entry without `match` answers any turn,
            # including audio the recogniser could not make out
            entry = self._script.take(text, [t.name for t in tools])
            if entry is not None:
                plan = ToolPlan(entry.tool, dict(entry.args)) if entry.tool else None
                return Reply(entry.text, plan, entry.after_tool, tone_ms=entry.tone_ms,
                             interrupt_after_ms=entry.interrupt_after_ms,
                             turn_complete_delay_ms=entry.turn_complete_delay_ms)
        if not text:
            return Reply(_NOT_HEARD)

        toks = _tokenize(text)
        words = " ".join(t.norm for t in toks)
        answer = (
            self._recall(words, history)
            or self._name(text, words, history)
            or self._tool(text, toks, tools)
            or self._markdown(words)
            or self._capital(text, toks, words, history)
            or self._weather(toks, words)
            or self._greeting(toks, words)
        )
        if answer is None:
            return Reply(f"You said: «{_clip(text)}».")
        return answer if isinstance(answer, Reply) else Reply(answer)

    def after_tool(self, reply: Reply, tool_response: Mapping[str, Any]) -> str:
        """What to say once the client answered the tool call with ``tool_response``."""
        if reply.after_tool is None and reply.text:
            return reply.text
        template = reply.after_tool if reply.after_tool is not None else DEFAULT_AFTER_TOOL
        name = reply.tool.name if reply.tool is not None else ""
        # str.replace, not format: scripted templates may contain other braces
        return template.replace("{result}", _compact_json(tool_response)).replace("{name}", name)

    # each intent returns None when it doesn't apply

    def _recall(self, words: str, history: Sequence[Turn]) -> str | None:
        m = _RECALL_RE.search(words)
        if m is None:
            return None
        asked = [t for t in history if t.role == "user" and t.text.strip()]
        if not asked:
            return "You haven't asked me anything before."
        turn = asked[0] if " first " in f" {m.group()} " else asked[-1]
        return f"You asked: «{_clip(turn.text.strip())}»."

    def _name(self, text: str, words: str, history: Sequence[Turn]) -> str | None:
        told = _told_name(text)
        if told is not None:
            return f"Nice to meet you, {told}."
        if _ASK_NAME_RE.search(words) is None:
            return None
        for turn in reversed(history):
            if turn.role == "user" and (name := _told_name(turn.text)) is not None:
                return f"Your name is {name}."
        return "You haven't told me your name yet."

    def _tool(self, text: str, toks: Sequence[_Tok], tools: Sequence[FunctionDecl]) -> Reply | None:
        picked = _pick_tool(toks, [t for t in tools if t.name])
        if picked is None:
            return None
        decl, hit = picked
        return Reply("", ToolPlan(decl.name, _fill_args(decl, text, toks, hit.span)), DEFAULT_AFTER_TOOL)

    def _markdown(self, words: str) -> str | None:
        if _LONG_RE.search(words):
            if self._terse:
                return "Once upon a time, a terminal streamed a story one word at a time."
            return LONG_ANSWER
        if "markdown" in words.split():
            if self._terse:
                return "Markdown has **bold**, *italic* and `code`."
            return MARKDOWN_DEMO
        return None

    def _capital(self, text: str, toks: Sequence[_Tok], words: str, history: Sequence[Turn]) -> str | None:
        asks_capital = any(t.norm in _CAPITAL_WORDS for t in toks)
        places = _scan(toks, ("country", "capital"))
        countries = list(dict.fromkeys(p.country for p in places if p.kind == "country" and p.country))
        capitals = list(dict.fromkeys(p.country for p in places if p.kind == "capital" and p.country))
        if not asks_capital:
            which_country = bool(capitals) and _WHICH_COUNTRY_RE.search(words) is not None
            if not which_country and not (places and self._follow_up(toks, words, history)):
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
            return _sentence(_join([f"the capital of {c.ref} is {c.capital}" for c in countries]))
        if capitals:
            return _sentence(_join([f"{c.capital} is the capital of {c.ref}" for c in capitals]))
        unknown = self._unknown_place(text, toks)
        if unknown:
            return f"I don't know the capital of {unknown}."
        return "Which country's capital would you like to know?"

    @staticmethod
    def _follow_up(toks: Sequence[_Tok], words: str, history: Sequence[Turn]) -> bool:
        """ "and Germany?" right after a capital question."""
        if not (_FOLLOW_UP_RE.search(words) or len(toks) <= 3):
            return False
        user, model = _last(history, "user"), _last(history, "model")
        return (user is not None and _mentions_capital(user.text)) or (
            model is not None and _mentions_capital(model.text)
        )

    @staticmethod
    def _unknown_place(text: str, toks: Sequence[_Tok]) -> str | None:
        for i, tok in enumerate(toks):
            if tok.norm in _CAPITAL_WORDS and i + 1 < len(toks) and toks[i + 1].norm == "of":
                phrase: list[_Tok] = []
                for nxt in toks[i + 2 :]:
                    if nxt.clause != tok.clause or len(phrase) == 4:
                        break
                    if not phrase and nxt.norm in _ARTICLES:
                        continue
                    if nxt.norm in _PHRASE_STOP:
                        break
                    phrase.append(nxt)
                if phrase:
                    return _span_text(text, phrase)
        return None

    def _weather(self, toks: Sequence[_Tok], words: str) -> str | None:
        if not ({"weather", "forecast"} & set(words.split())):
            return None
        places = _scan(toks, ("capital", "city", "country"))
        where = f" for {places[0].ref}" if places else ""
        if self._terse:
            return f"Simulated weather{where}: 21 °C and sunny."
        return (
            "I can't see real weather — I'm the livetui offline simulator — "
            f"but the simulated forecast{where} today is 21 °C and sunny with a light breeze."
        )

    def _greeting(self, toks: Sequence[_Tok], words: str) -> str | None:
        if _PRESENT_RE.search(words):
            return _PRESENT_TERSE if self._terse else _PRESENT
        opening = [t.norm for t in toks[:3]]
        if _GREETING_RE.search(words) or _GREETING_WORDS & set(words.split()) or "hi" in opening:
            return _GREETING_TERSE if self._terse else _GREETING
        return None
