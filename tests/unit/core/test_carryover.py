"""Carrying a conversation into a new session."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livetui.core.carryover import MIN_BUDGET_CHARS, SUMMARY_HEADER, PastTurn, carry_over_turns


def texts(contents: list[dict]) -> list[str]:
    return [part["text"] for c in contents for part in c["parts"]]


def test_short_conversation_goes_as_it_is() -> None:
    turns = [PastTurn("user", "Hi"), PastTurn("model", "Hello! How can I help?"), PastTurn("user", "Weather?")]
    assert carry_over_turns(turns) == [
        {"role": "user", "parts": [{"text": "Hi"}]},
        {"role": "model", "parts": [{"text": "Hello! How can I help?"}]},
        {"role": "user", "parts": [{"text": "Weather?"}]},
    ]


def test_empty_turns_skipped_and_same_roles_merged() -> None:
    turns = [
        PastTurn("user", "one"),
        PastTurn("model", "  "),
        PastTurn("user", "two"),
        PastTurn("model", "a"),
        PastTurn("model", ""),
        PastTurn("model", "b"),
    ]
    assert carry_over_turns(turns) == [
        {"role": "user", "parts": [{"text": "one\ntwo"}]},
        {"role": "model", "parts": [{"text": "a\nb"}]},
    ]
    assert carry_over_turns([]) == []
    assert carry_over_turns([PastTurn("user", " ")]) == []


def test_long_conversation_becomes_one_summary() -> None:
    old = [
        PastTurn("user", "Tell me about Rome. I want every detail of its history, please." + " more" * 100),
        PastTurn("model", "Rome was founded in 753 BC. " + "It grew. " * 100),
    ]
    recent = [PastTurn("user", "And Paris?"), PastTurn("model", "Paris is the capital of France.")]
    result = carry_over_turns(old + recent, budget_chars=600)
    assert len(result) == 1 and result[0]["role"] == "user"
    (summary,) = texts(result)
    assert len(summary) <= 600
    lines = summary.split("\n")
    assert lines[0] == SUMMARY_HEADER
    assert lines[1:] == [
        "User: Tell me about Rome.",
        "Model: Rome was founded in 753 BC.",
        "User: And Paris?",
        "Model: Paris is the capital of France.",
    ]


def test_older_turn_without_a_sentence_end_is_cut_near_80_chars() -> None:
    turns = [PastTurn("user", "word " * 300), PastTurn("model", "ok")]
    (summary,) = texts(carry_over_turns(turns, budget_chars=400))
    older = summary.split("\n")[1]
    assert older.startswith("User: word word")
    assert older.endswith("…")
    assert len(older) <= len("User: ") + 80


def test_oldest_dropped_first_when_even_short_lines_do_not_fit() -> None:
    turns = [PastTurn("user" if i % 2 == 0 else "model", f"Turn number {i} here. " + "x" * 300) for i in range(40)]
    (summary,) = texts(carry_over_turns(turns, budget_chars=MIN_BUDGET_CHARS))
    assert len(summary) <= MIN_BUDGET_CHARS
    assert "Turn number 39 here." in summary
    assert "Turn number 0 here." not in summary


def test_budget_too_small_is_refused() -> None:
    with pytest.raises(ValueError):
        carry_over_turns([PastTurn("user", "hi")], budget_chars=MIN_BUDGET_CHARS - 1)


roles = st.sampled_from(["user", "model"])
turn_texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(["Hello.", "How are you?", "Fine!", "word", " ", "\n", "ok"]), max_size=60).map(" ".join),
)
past_turns = st.lists(st.builds(PastTurn, role=roles, text=turn_texts), max_size=40)
# Small budgets often, so summaries that must drop their oldest lines come up.
budgets = st.one_of(st.integers(MIN_BUDGET_CHARS, 400), st.integers(MIN_BUDGET_CHARS, 3000))


@given(past_turns, budgets)
def test_never_exceeds_the_budget(turns: list[PastTurn], budget: int) -> None:
    assert sum(len(t) for t in texts(carry_over_turns(turns, budget))) <= budget


@given(past_turns, budgets)
def test_roles_alternate_when_not_summarised(turns: list[PastTurn], budget: int) -> None:
    result = carry_over_turns(turns, budget)
    summarised = len(result) == 1 and texts(result)[0].startswith(SUMMARY_HEADER)
    if not summarised:
        assert all(a["role"] != b["role"] for a, b in itertools.pairwise(result))
        assert all(text.strip() for text in texts(result))
        total = sum(len(t.text.strip()) for t in turns if t.text.strip())
        assert total <= budget  # nothing was dropped to get here


@given(past_turns, budgets)
def test_most_recent_turn_kept_whole_when_it_fits_half(turns: list[PastTurn], budget: int) -> None:
    spoken = [t for t in turns if t.text.strip()]
    result = carry_over_turns(turns, budget)
    if not spoken:
        assert result == []
        return
    last = spoken[-1].text.strip()
    if len(last) <= budget // 2:
        assert last in texts(result)[-1]
