"""Google Search grounding in the simulator: which questions are searched, the query,
and groundingMetadata in the service's shape (read back by the SDK's own type)."""

from __future__ import annotations

import pytest
from google.genai import types

from livetui.sim import search
from livetui.sim.brain import Brain
from livetui.sim.script import Script, ScriptError
from livetui.sim.setup_config import SetupConfig


@pytest.mark.parametrize(
    "text",
    [
        "Search for the history of the Eiffel Tower",
        "can you look it up please",
        "What's the latest news about livetui?",
        "what happened today",
        "Anything new this week in astronomy",
        "Who won the 2024 European Championship?",
        "when was the Eiffel Tower built",
        "Where is the tallest building in the world?",
        "google quantum computing",
    ],
)
def test_questions_that_are_searched(text: str) -> None:
    assert search.searches(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello there",
        "Tell me a story",
        "what did I ask before",  # about the conversation
        "who are you",  # about the model
        "what is my name",
        "who won",  # too short to be about the world
        "Turn on the lights",
    ],
)
def test_questions_that_are_not_searched(text: str) -> None:
    assert not search.searches(text)


def test_the_query_leaves_out_the_words_that_only_ask_for_a_search() -> None:
    assert search.query_of("Can you search the web for the history of the Eiffel Tower?") == "history of the eiffel tower"
    assert search.query_of("What's the latest news about livetui?") == "what's the latest news about livetui"
    assert search.query_of("search") == "search"
    assert len(search.query_of(" ".join(["word"] * 40)).split()) == search.QUERY_WORDS


def test_metadata_has_the_services_shape_and_is_deterministic() -> None:
    answer = "First sentence here. Second one, with «quotes» and é. Third!"
    meta = search.grounding_metadata("eiffel tower", answer)
    assert meta == search.grounding_metadata("eiffel tower", answer)
    parsed = types.GroundingMetadata.model_validate(meta)  # the SDK reads it as the service's
    assert parsed.web_search_queries == ["eiffel tower"]
    webs = [chunk.web for chunk in parsed.grounding_chunks or []]
    assert [w.domain for w in webs if w] == ["encyclopedia.example.org", "news.example.com", "explainer.example.net"]
    assert all(w and w.uri and w.uri.startswith("https://") and "eiffel" in w.uri.lower() and w.title for w in webs)
    assert parsed.search_entry_point and "eiffel+tower" in (parsed.search_entry_point.rendered_content or "")
    # Supports: one a sentence, offsets in UTF-8 bytes of the answer, as the service counts.
    body = answer.encode()
    supports = parsed.grounding_supports or []
    assert len(supports) == 3
    for support in supports:
        segment = support.segment
        assert segment is not None and segment.text
        assert body[segment.start_index : segment.end_index].decode() == segment.text
        assert all(0 <= i < len(webs) for i in support.grounding_chunk_indices or [])


def test_pages_are_named_from_the_questions_topic() -> None:
    assert search.topic_of("what is the latest news about livetui") == "Livetui"
    assert search.topic_of("history of the eiffel tower") == "History of the eiffel tower"
    assert search.topic_of("who won the 2024 european championship") == "2024 european championship"
    assert search.topic_of("what is the") == "The"  # never empty
    assert [p.title for p in search.pages("what is the latest news about livetui")] == [
        "Livetui - Simulated Encyclopedia", "Livetui: what we know so far", "Livetui, explained"]


def test_a_question_with_spaces_and_symbols_makes_valid_links() -> None:
    for page in search.pages("what's new in c++ & rust? (2026)"):
        assert " " not in page.uri and all(c not in page.uri for c in "&?()'")


def test_the_brain_grounds_a_searched_question_only_when_search_is_declared() -> None:
    brain = Brain()
    off = brain.reply([], "Who won the 2024 European Championship?")
    on = brain.reply([], "Who won the 2024 European Championship?", search_on=True)
    assert off.search_query is None and off.text.startswith("You said")
    assert on.search_query == "who won the 2024 european championship"
    assert "searched the web" in on.text and "«who won the 2024 european championship»" in on.text
    # What the model knows is still its answer, now grounded.
    capital = brain.reply([], "What is the capital of France?", search_on=True)
    assert "Paris" in capital.text and capital.search_query == "what is the capital of france"
    # A greeting is never searched.
    assert brain.reply([], "hello", search_on=True).search_query is None


def test_a_script_entry_may_force_or_forbid_grounding(tmp_path) -> None:
    script = Script.from_entries(
        [
            {"match": "forced", "text": "Grounded by the script.", "search": True, "search_at": "late"},
            {"match": "latest", "text": "Never grounded.", "search": False},
            {"match": "rule", "text": "The rule decides."},
        ]
    )
    brain = Brain(script=script)
    forced = brain.reply([], "forced please", search_on=True)
    assert forced.search_query == "forced please" and forced.search_at == "late"
    assert brain.reply([], "the latest news", search_on=True).search_query is None
    assert brain.reply([], "rule: hello", search_on=True).search_query is None
    assert Brain(script=Script.from_entries([{"text": "x", "search": True}])).reply([], "forced").search_query is None


@pytest.mark.parametrize(
    ("entry", "problem"),
    [({"text": "x", "search": "yes"}, "'search' must be true or false"), ({"text": "x", "search_at": "soon"}, "'search_at' must be one of")],
)
def test_script_search_keys_are_checked(entry: dict, problem: str) -> None:
    with pytest.raises(ScriptError, match=problem):
        Script.from_entries([entry])


def test_setup_declares_search_in_either_spelling() -> None:
    base = {"model": "models/gemini-3.8-live"}
    assert SetupConfig.parse({**base, "tools": [{"googleSearch": {}}]}).search
    assert SetupConfig.parse({**base, "tools": [{"google_search": {}}]}).search
    assert not SetupConfig.parse({**base, "tools": [{"functionDeclarations": [{"name": "f"}]}]}).search
    assert not SetupConfig.parse(base).search
