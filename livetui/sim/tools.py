"""The functions a client declares, and how the simulated model calls them: which
declared function a user's words name (snake_case, camelCase, in order or loosely), and
the arguments it fills from the text by each parameter's schema (enums, numbers,
on/off, known places, the rest of the sentence)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .places import scan_places
from .words import ARTICLES, PHRASE_STOP, Tok, name_words, numbers_in, phrase_from, span_text, stem

__all__ = ["FunctionDecl", "ToolHit", "compact_json", "fill_args", "function_decls_from_setup", "pick_tool"]


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


# words a user may leave out when naming a function ("what's the weather" -> get_weather)
_FILLER = frozenset({"get", "fetch", "current", "the", "a", "an", "my"})
_PREPS = ("in", "for", "of", "at", "the")
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
class ToolHit:
    tier: int  # 0 exact/contiguous, 1 in order with small gaps, 2 content words anywhere
    words: int
    span: frozenset[int]  # token indices that spell the name: never reused as arguments


def _ordered(stems: Sequence[str], want: Sequence[str], max_gap: int) -> frozenset[int] | None:
    for start, first in enumerate(stems):
        if first != want[0]:
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


def _match_tool(toks: Sequence[Tok], name: str) -> ToolHit | None:
    words = name_words(name)
    if not words:
        return None
    joined = "".join(words)
    for i, tok in enumerate(toks):
        if tok.norm == joined:  # typed as one word: "getWeather", "lights2"
            return ToolHit(0, len(words), frozenset({i}))
    stems = [stem(t.norm) for t in toks]
    want = [stem(w) for w in words]
    k = len(want)
    for i in range(len(stems) - k + 1):
        if stems[i : i + k] == want:
            return ToolHit(0, k, frozenset(range(i, i + k)))
    hit = _ordered(stems, want, max_gap=2)
    if hit is not None:
        return ToolHit(1, k, hit)
    content = [w for w in want if w not in _FILLER]
    if content and all(w in stems for w in content):
        return ToolHit(2, len(content), frozenset(i for i, s in enumerate(stems) if s in content))
    return None


def pick_tool(toks: Sequence[Tok], tools: Sequence[FunctionDecl]) -> tuple[FunctionDecl, ToolHit] | None:
    best: tuple[tuple[int, int, int], FunctionDecl, ToolHit] | None = None
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


def _phrase_after_prep(text: str, toks: Sequence[Tok], span: frozenset[int]) -> str | None:
    """Up to three words after in/for/of/at/the, e.g. "in Springfield" -> "Springfield"."""
    for prep in _PREPS:
        for i, tok in enumerate(toks):
            if tok.norm != prep or i in span:
                continue
            phrase = phrase_from(toks, i + 1, tok.clause, most=3, taken=span)
            if phrase:
                return span_text(text, phrase)
    return None


def _remainder(text: str, toks: Sequence[Tok], span: frozenset[int]) -> str | None:
    """What follows the function's name: "search for cute cats" -> "cute cats"."""
    if not span:
        return None
    rest = list(toks[max(span) + 1 :])
    while rest and (rest[0].norm in ARTICLES or rest[0].norm in PHRASE_STOP or rest[0].norm in ("that", "saying")):
        rest.pop(0)
    while rest and rest[-1].norm in ("please", "thanks"):
        rest.pop()
    return span_text(text, rest) if rest else None


def _pick_enum(values: Sequence[Any], toks: Sequence[Tok]) -> Any:
    """The enum value named earliest in the text (ties: the longer name)."""
    norms = [t.norm for t in toks]
    best: tuple[int, int] | None = None
    chosen: Any = None
    for value in values:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            continue
        want = name_words(str(value)) if isinstance(value, str) else [str(value)]
        if not want:
            continue
        for i in range(len(norms) - len(want) + 1):
            if [stem(n) for n in norms[i : i + len(want)]] == [stem(w) for w in want]:
                key = (i, -len(want))
                if best is None or key < best:
                    best, chosen = key, value
                break
    return chosen


def _boolean(name: str, toks: Sequence[Tok]) -> bool | None:
    """on/off next to the parameter's name ("eco off"), else the first one in the text.

    The whole text counts, tool name included: in "turn on the lights" the "on"
    is both part of the name and the value.
    """
    flags = [(i, t.norm in _TRUE) for i, t in enumerate(toks) if t.norm in _TRUE or t.norm in _FALSE]
    if not flags:
        return None
    named = {i for i, t in enumerate(toks) if stem(t.norm) in {stem(w) for w in name_words(name)}}
    for i, value in flags:
        if any(abs(i - j) <= 2 for j in named):
            return value
    return flags[0][1]


def _fill_one(
    name: str,
    prop: Mapping[str, Any],
    required: bool,
    text: str,
    toks: Sequence[Tok],
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
    param_words = {stem(w) for w in name_words(name)}
    for words, kinds in _CATEGORIES:
        if param_words & words:
            known = scan_places(toks, kinds, skip=span)
            if known:
                return known[0].name
            return _phrase_after_prep(text, toks, span)
    if required:
        return _remainder(text, toks, span) or _phrase_after_prep(text, toks, span)
    return None


def fill_args(decl: FunctionDecl, text: str, toks: Sequence[Tok], span: frozenset[int]) -> dict[str, Any]:
    schema = decl.parameters if isinstance(decl.parameters, Mapping) else {}
    props = schema.get("properties")
    if not isinstance(props, Mapping):
        return {}
    listed = schema.get("required")
    required = {r for r in listed if isinstance(r, str)} if isinstance(listed, (list, tuple)) else set()
    # number parameters take the numbers in the text in order: set_alarm 7 30 -> hour 7, minute 30
    numbers = iter(numbers_in(toks, span))
    args: dict[str, Any] = {}
    for pname, prop in props.items():
        if not isinstance(pname, str) or not isinstance(prop, Mapping):
            continue
        value = _fill_one(pname, prop, pname in required, text, toks, span, numbers)
        if value is not None:
            args[pname] = value
    return args


def compact_json(value: Any) -> str:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    except (TypeError, ValueError):  # non-string keys or cycles from a strange client
        return str(value)

