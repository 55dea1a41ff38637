"""Text into words, as the simulated model reads it: typed text or rough speech
recognition (lower-case, no punctuation) alike, so matching works on folded tokens.

Also the small word lists phrase-pickers share, and numbers in digits or words.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ARTICLES",
    "PHRASE_STOP",
    "Tok",
    "fold",
    "folded_words",
    "name_words",
    "numbers_in",
    "span_text",
    "stem",
    "tokenize",
]

_TOKEN_RE = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)*")
_BREAKS = frozenset(".,;:!?()[]{}\n")


def fold(text: str) -> str:
    """Lower-case, accents and apostrophes removed: "Bogotá" -> "bogota", "What's" -> "whats"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.lower().replace("'", "").replace("’", "")


@dataclass(frozen=True)
class Tok:
    norm: str  # folded, for matching
    raw: str  # as written, for echoing back into arguments
    start: int
    end: int
    clause: int  # bumps at punctuation, so phrases don't run across sentences
    neg: bool  # a "-" sign right before a number


def tokenize(text: str) -> list[Tok]:
    toks: list[Tok] = []
    clause, prev = 0, 0
    for m in _TOKEN_RE.finditer(text):
        gap = text[prev : m.start()]
        if any(ch in _BREAKS for ch in gap):
            clause += 1
        neg = gap.endswith("-") and (m.start() < 2 or text[m.start() - 2] in " \t\n(")
        norm = fold(m.group()) or m.group().lower()
        toks.append(Tok(norm, m.group(), m.start(), m.end(), clause, neg))
        prev = m.end()
    return toks


def folded_words(text: str) -> str:
    """Folded tokens joined by single spaces: the form intent regexes run on."""
    return " ".join(t.norm for t in tokenize(text))


_NAME_PART_RE = re.compile(r"\d+|[A-Z]+(?![a-z])|[A-Z]?[^\W\d_A-Z]+")


def name_words(name: str) -> list[str]:
    """Split an identifier into folded words: snake_case, camelCase, kebab-case, digits."""
    words: list[str] = []
    for part in re.split(r"[\W_]+", name):
        words.extend(fold(w) for w in _NAME_PART_RE.findall(part))
    return [w for w in words if w]


def stem(word: str) -> str:
    # "lights" should find turn_on_the_light and vice versa
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def span_text(text: str, toks: Sequence[Tok]) -> str:
    return text[toks[0].start : toks[-1].end]


# --------------------------------------------------------------------------- phrases

ARTICLES = frozenset({"the", "a", "an", "my", "our", "your", "this", "that", "some"})
# words that end an argument phrase ("in Springfield today" -> "Springfield")
PHRASE_STOP = frozenset(
    {"in", "for", "of", "at", "on", "to", "from", "with", "by", "about", "near", "and", "or", "but",
     "please", "today", "tomorrow", "tonight", "now", "right", "thanks", "thank", "is", "are", "was"}
)  # fmt: skip


def phrase_from(toks: Sequence[Tok], start: int, clause: int, most: int, taken: frozenset[int] = frozenset()) -> list[Tok]:
    """The words from `start` on that make one argument phrase: in the same clause, an
    article before it skipped, ending at a stop word, a word already `taken`, or `most` words."""
    phrase: list[Tok] = []
    for j in range(start, len(toks)):
        nxt = toks[j]
        if j in taken or nxt.clause != clause or len(phrase) == most:
            break
        if not phrase and nxt.norm in ARTICLES:
            continue
        if nxt.norm in PHRASE_STOP:
            break
        phrase.append(nxt)
    return phrase


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


def numbers_in(toks: Sequence[Tok], skip: frozenset[int]) -> list[int | float]:
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

