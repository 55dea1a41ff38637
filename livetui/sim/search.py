"""Google Search grounding, simulated: which questions the model "searches", and the
`groundingMetadata` it sends with the answer, as the service shapes it.

Deterministic: the query and the sources are a function of the question's words alone,
and the pages live on reserved example domains (RFC 2606), so nothing points at a real
site. A question is searched when the setup declared `googleSearch` and it

1. asks for a search: "search", "google", "look up";
2. asks about news or the present: news, latest, recent(ly), current(ly), today,
   tonight, yesterday, "this week/month/year";
3. or is a who/what/when/where/which question about the world (not about the person or
   the model: no I, me, my, you, your, we, our in it).

The metadata follows `types.GroundingMetadata` in the service's camelCase: the search
queries, one `web` chunk per page (uri, title, domain), supports tying the answer's
sentences (UTF-8 byte offsets, as the service counts) to chunks, and the search entry
point's HTML chip.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

from .words import fold

__all__ = ["SEARCH_AT", "Page", "answer_text", "grounding_metadata", "pages", "query_of", "searches", "topic_of"]

SEARCH_AT = ("before", "after", "late")  # where the metadata goes: before the text, after it, after turnComplete

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ASKS = frozenset({"search", "google", "googling", "googled"})
_PRESENT = frozenset({"news", "latest", "recent", "recently", "current", "currently", "today", "tonight", "yesterday"})
_THIS = frozenset({"week", "month", "year"})
_QUESTION = frozenset({"who", "whos", "what", "whats", "when", "where", "which"})
_PERSONAL = frozenset({"i", "im", "me", "my", "mine", "you", "youre", "your", "yours", "we", "our", "us"})
# Words that ask for the search, not what it is about: left out of the query.
_COMMAND = frozenset({"please", "can", "could", "would", "you", "search", "google", "look", "up", "for", "the", "web",
                      "internet", "online", "tell", "me", "about", "find", "out", "on"})
QUERY_WORDS = 10


def _words(text: str) -> list[str]:
    return [fold(w) for w in _WORD.findall(text)]


def searches(text: str) -> bool:
    """Whether the model searches before answering `text` (the rule in this module's doc)."""
    words = _words(text)
    if not words:
        return False
    joined = " ".join(words)
    if _ASKS & set(words) or re.search(r"\blook (?:it |this |that )?up\b", joined):
        return True
    if _PRESENT & set(words) or any(a == "this" and b in _THIS for a, b in zip(words, words[1:])):
        return True
    return words[0] in _QUESTION and len(words) >= 3 and not _PERSONAL & set(words)


def query_of(text: str) -> str:
    """The web search query: the question's words, lower-case, without the words that only
    ask for a search ("can you search the web for …"); at most QUERY_WORDS words."""
    words = [w.lower() for w in _WORD.findall(text)]
    start = 0
    while start < len(words) - 1 and fold(words[start]) in _COMMAND:
        start += 1
    return " ".join(words[start : start + QUERY_WORDS]) or "search"


@dataclass(frozen=True)
class Page:
    title: str
    uri: str
    domain: str


# Leading words that say how a question is asked, not what about: left out of page titles.
_ASKING = frozenset({"what", "whats", "who", "whos", "when", "where", "which", "is", "are", "was", "were", "did", "does",
                     "do", "the", "a", "an", "latest", "news", "recent", "current", "today", "about", "of", "on", "in",
                     "won", "wins", "win", "invented", "built", "wrote", "discovered", "founded", "happened", "happens"})


def topic_of(query: str) -> str:
    """What the pages found are about: the query without its leading question words."""
    words = query.split()
    start = 0
    while start < len(words) - 1 and fold(words[start]) in _ASKING:
        start += 1
    topic = " ".join(words[start:])
    return topic[:1].upper() + topic[1:]


def pages(query: str) -> list[Page]:
    """The pages a search for `query` finds: three, on example domains, named from its topic."""
    topic = topic_of(query)
    slug = quote("_".join(topic.split()), safe="_")
    words = quote("-".join(topic.lower().split()), safe="-")
    return [
        Page(f"{topic} - Simulated Encyclopedia", f"https://encyclopedia.example.org/wiki/{slug}", "encyclopedia.example.org"),
        Page(f"{topic}: what we know so far", f"https://news.example.com/stories/{words}", "news.example.com"),
        Page(f"{topic}, explained", f"https://explainer.example.net/{words}", "explainer.example.net"),
    ]


def answer_text(query: str, count: int) -> str:
    """What the model says when nothing else it knows answers a searched question."""
    return (
        f"I searched the web for «{query}». The simulated web has {count} pages on it. "
        "Each of them is a stand-in written by the livetui simulator, so nothing here is real news."
    )


def grounding_metadata(query: str, answer: str) -> dict[str, Any]:
    """The groundingMetadata of an answer to a searched question, as the service sends it."""
    found = pages(query)
    supports = []
    body = answer.encode("utf-8")
    start = 0
    for index, sentence in enumerate(s for s in re.split(r"(?<=[.!?])\s+", answer) if s):
        at = body.find(sentence.encode("utf-8"), start)
        if at < 0:
            continue
        end = at + len(sentence.encode("utf-8"))
        supports.append(
            {
                "segment": {"startIndex": at, "endIndex": end, "text": sentence},
                "groundingChunkIndices": [index % len(found)],
                "confidenceScores": [round(0.9 - 0.1 * (index % 3), 2)],
            }
        )
        start = end
    chip = f'<a class="chip" href="https://www.google.com/search?q={quote_plus(query)}">{html.escape(query)}</a>'
    return {
        "webSearchQueries": [query],
        "searchEntryPoint": {"renderedContent": f'<div class="container"><div class="carousel">{chip}</div></div>'},
        "groundingChunks": [{"web": {"uri": p.uri, "title": p.title, "domain": p.domain}} for p in found],
        "groundingSupports": supports,
    }
