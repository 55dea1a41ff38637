"""Session token totals."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from livetui.core.events import Usage
from livetui.core.usage import UsageTotals


def test_empty_totals() -> None:
    totals = UsageTotals()
    assert (totals.turns, totals.last, totals.prompt, totals.response, totals.total) == (0, None, 0, 0, 0)
    assert dict(totals.prompt_by_modality) == {} and dict(totals.response_by_modality) == {}


def test_add_sums_turns_and_keeps_the_last() -> None:
    first = Usage(
        prompt=100, response=20, total=120, prompt_by_modality={"TEXT": 100}, response_by_modality={"AUDIO": 20}
    )
    # The second turn's prompt is the whole context again (history included): billed again, so summed.
    second = Usage(
        prompt=150,
        response=30,
        total=180,
        prompt_by_modality={"TEXT": 110, "AUDIO": 40},
        response_by_modality={"AUDIO": 25, "TEXT": 5},
    )
    totals = UsageTotals().add(first).add(second)
    assert totals.turns == 2
    assert totals.last is second
    assert (totals.prompt, totals.response, totals.total) == (250, 50, 300)
    assert totals.prompt_by_modality == {"TEXT": 210, "AUDIO": 40}
    assert totals.response_by_modality == {"AUDIO": 45, "TEXT": 5}


def test_add_leaves_the_old_totals_alone() -> None:
    before = UsageTotals().add(Usage(prompt=1, prompt_by_modality={"TEXT": 1}))
    after = before.add(Usage(prompt=2, prompt_by_modality={"TEXT": 2}))
    assert (before.turns, before.prompt, dict(before.prompt_by_modality)) == (1, 1, {"TEXT": 1})
    assert (after.turns, after.prompt, dict(after.prompt_by_modality)) == (2, 3, {"TEXT": 3})


counts = st.integers(min_value=0, max_value=10**6)
modality_counts = st.dictionaries(st.sampled_from(["TEXT", "AUDIO", "IMAGE"]), counts)
usages = st.builds(
    Usage,
    prompt=counts,
    response=counts,
    total=counts,
    prompt_by_modality=modality_counts,
    response_by_modality=modality_counts,
)


@given(st.lists(usages, max_size=20))
def test_totals_are_the_sums(items: list[Usage]) -> None:
    totals = UsageTotals()
    for usage in items:
        totals = totals.add(usage)
    assert totals.turns == len(items)
    assert totals.prompt == sum(u.prompt for u in items)
    assert totals.response == sum(u.response for u in items)
    assert totals.total == sum(u.total for u in items)
    for name in ("TEXT", "AUDIO", "IMAGE"):
        assert totals.prompt_by_modality.get(name, 0) == sum(u.prompt_by_modality.get(name, 0) for u in items)
        assert totals.response_by_modality.get(name, 0) == sum(u.response_by_modality.get(name, 0) for u in items)
    assert totals.last == (items[-1] if items else None)
