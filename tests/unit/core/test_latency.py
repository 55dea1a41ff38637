"""The latency recorder (core/latency.py): moments in, each answer's latency and the
session's median and p95 out. No clock: every moment is handed in."""

from __future__ import annotations

import pytest

from livetui.core.latency import AnswerLatency, LatencyRecorder, Stat, ToolTiming, ms_label


def test_a_typed_turn_is_timed_from_enter_to_first_text_and_first_audio_heard() -> None:
    rec = LatencyRecorder()
    rec.typed(10.0)
    assert rec.answer_began(1, 10.3) is not None
    assert rec.text(1, 10.4) == AnswerLatency("typed", to_text_s=pytest.approx(0.4))
    assert rec.text(1, 10.9) is None  # only the first words count
    lat = rec.audio_heard(1, 10.65)
    assert lat == AnswerLatency("typed", pytest.approx(0.4), pytest.approx(0.65))
    assert lat.headline_s == pytest.approx(0.65)  # a spoken answer: what was heard
    assert lat.label == "650 ms"
    assert rec.audio_heard(1, 11.0) is None


def test_a_text_answer_shows_its_first_text() -> None:
    rec = LatencyRecorder()
    rec.typed(0.0)
    rec.answer_began(1, 0.2)
    lat = rec.text(1, 0.25)
    assert lat is not None and lat.to_audio_s is None
    assert lat.label == "250 ms"
    assert rec.waits_for_audio(1)  # it may still speak; nothing is invented meanwhile
    assert rec.summary().audio == Stat()


def test_a_spoken_turn_is_timed_from_the_last_speech_before_the_answer() -> None:
    rec = LatencyRecorder()
    lat = rec.answer_began(1, 5.0, speech_at=4.2)
    assert lat == AnswerLatency("spoken")
    rec.text(1, 5.1)
    rec.audio_heard(1, 5.3)
    assert rec.latency(1) == AnswerLatency("spoken", pytest.approx(0.9), pytest.approx(1.1))


def test_speech_already_answered_starts_no_clock() -> None:
    rec = LatencyRecorder()
    rec.answer_began(1, 5.0, speech_at=4.2)
    # The mic's last speech is still 4.2 when the model speaks again on its own.
    assert rec.answer_began(2, 9.0, speech_at=4.2) is None
    assert rec.latency(2) is None
    assert rec.text(2, 9.1) is None


def test_a_waiting_typed_turn_wins_over_noise_the_mic_took_for_speech() -> None:
    rec = LatencyRecorder()
    rec.typed(1.0)
    lat = rec.answer_began(1, 2.0, speech_at=1.5)  # a key's click, say
    assert lat is not None and lat.origin == "typed"
    rec.text(1, 2.0)
    assert rec.latency(1).to_text_s == pytest.approx(1.0)


def test_typed_turns_are_answered_in_order() -> None:
    rec = LatencyRecorder()
    rec.typed(0.0)
    rec.typed(0.5)
    rec.answer_began(1, 1.0)
    rec.text(1, 1.0)
    rec.answer_began(2, 2.0)
    rec.text(2, 2.0)
    assert rec.latency(1).to_text_s == pytest.approx(1.0)
    assert rec.latency(2).to_text_s == pytest.approx(1.5)


def test_an_answer_that_never_comes_counts_nothing_until_one_does() -> None:
    rec = LatencyRecorder()
    rec.typed(0.0)
    assert rec.summary().empty and rec.latency(1) is None
    # Typed turns wait in order (the outbox sends each until one is answered): the next
    # answer is the waiting turn's, however long it took.
    lat = rec.answer_began(1, 50.0)
    assert lat is not None and lat.origin == "typed"
    rec.text(1, 50.0)
    assert rec.latency(1).to_text_s == pytest.approx(50.0)


def test_an_interrupted_answer_keeps_its_text_and_no_audio_it_never_played() -> None:
    rec = LatencyRecorder()
    rec.typed(0.0)
    rec.answer_began(1, 0.3)
    rec.text(1, 0.3)
    # Cut before its first sample was heard: no audio moment ever comes.
    summary = rec.summary()
    assert summary.text.count == 1 and summary.audio.count == 0
    assert rec.latency(1) == AnswerLatency("typed", pytest.approx(0.3))


def test_median_and_p95_by_nearest_rank() -> None:
    assert Stat.of([]) == Stat()
    assert Stat.of([0.5]) == Stat(1, 0.5, 0.5)
    values = [float(v) for v in range(1, 21)]  # 1..20
    stat = Stat.of(list(reversed(values)))
    assert stat.count == 20
    assert stat.median_s == pytest.approx(10.5)
    assert stat.p95_s == 19.0  # the 19th of 20: a value that happened
    assert Stat.of([1.0, 2.0, 100.0]).p95_s == 100.0


def test_the_summary_counts_each_measure() -> None:
    rec = LatencyRecorder()
    for i, (text, audio) in enumerate([(0.2, 0.5), (0.4, 0.9), (0.3, None)], start=1):
        rec.typed(10.0 * i)
        rec.answer_began(i, 10.0 * i + 0.1)
        rec.text(i, 10.0 * i + text)
        if audio is not None:
            rec.audio_heard(i, 10.0 * i + audio)
    summary = rec.summary()
    assert summary.text == Stat(3, pytest.approx(0.3), pytest.approx(0.4))
    assert summary.audio == Stat(2, pytest.approx(0.7), pytest.approx(0.9))
    assert summary.tool == Stat() and summary.resume == Stat()


def test_a_tool_call_is_timed_to_its_result_and_to_the_model_speaking_again() -> None:
    rec = LatencyRecorder()
    rec.typed(0.0)
    rec.answer_began(1, 0.5)
    rec.text(1, 0.5)
    rec.tool_called("c1", 0.6)
    assert rec.tool_timing("c1") == ToolTiming("c1")
    rec.text(1, 0.7)  # words before the result are not the model answering it
    rec.tool_answered("c1", 1.6)
    assert rec.waits_for_audio(1)
    lat = rec.text(1, 1.9)
    assert lat is not None and lat.tools == (ToolTiming("c1", pytest.approx(1.0), pytest.approx(0.3)),)
    rec.audio_heard(1, 2.1)
    timing = rec.tool_timing("c1")
    assert timing == ToolTiming("c1", pytest.approx(1.0), pytest.approx(0.3), pytest.approx(0.5))
    assert timing.resume_s == pytest.approx(0.5)
    summary = rec.summary()
    assert summary.tool == Stat(1, pytest.approx(1.0), pytest.approx(1.0))
    assert summary.resume.count == 1
    # The answer's own first text stays the one from Enter.
    assert rec.latency(1).to_text_s == pytest.approx(0.5)


def test_an_answer_after_a_tool_result_is_timed_from_the_result() -> None:
    rec = LatencyRecorder()
    rec.tool_called("c1", 1.0)
    rec.tool_answered("c1", 2.0)
    lat = rec.answer_began(2, 2.4)
    assert lat is not None and lat.origin == "tool"
    rec.text(2, 2.5)
    assert rec.latency(2) == AnswerLatency("tool", pytest.approx(0.5), tools=(ToolTiming("c1", 1.0, pytest.approx(0.5)),))
    # Not a user's turn: it counts as a resume, not in the answers' text.
    summary = rec.summary()
    assert summary.text.count == 0 and summary.resume.count == 1


def test_a_silent_result_times_the_call_but_no_reply() -> None:
    """SILENT: the model takes the result in and says nothing; its next answer (to the
    person's next question) is not a reply to the call (seen: a 7.5 s "reply" in a walk)."""
    rec = LatencyRecorder()
    rec.tool_called("c1", 1.0)
    rec.tool_answered("c1", 2.0, silent=True)
    assert not rec.waits_for_audio(1)
    rec.typed(9.0)
    lat = rec.answer_began(2, 9.2)
    assert lat is not None and lat.origin == "typed"
    rec.text(2, 9.3)
    rec.audio_heard(2, 9.4)
    assert rec.latency(2).tools == ()
    assert rec.tool_timing("c1") == ToolTiming("c1", pytest.approx(1.0))
    summary = rec.summary()
    assert summary.tool.count == 1 and summary.resume.count == 0


def test_a_cancelled_call_is_forgotten_and_a_late_answer_ignored() -> None:
    rec = LatencyRecorder()
    rec.tool_called("c1", 1.0)
    rec.tool_cancelled("c1")
    rec.tool_answered("c1", 2.0)
    assert rec.tool_timing("c1") is None
    rec.tool_answered("nobody", 2.0)  # never called: nothing to time
    assert rec.summary().empty


def test_latency_round_trips_through_a_record_and_refuses_garbage() -> None:
    lat = AnswerLatency("spoken", 0.41234567, 0.8, (ToolTiming("c", 1.5, None, 0.2),))
    back = AnswerLatency.from_record(lat.to_record())
    assert back == AnswerLatency("spoken", 0.4123, 0.8, (ToolTiming("c", 1.5, None, 0.2),))
    for junk in (None, 3, "x", {}, {"from": "psychic"}, {"from": "typed", "text_s": "fast", "audio_s": float("nan")}):
        got = AnswerLatency.from_record(junk)
        assert got is None or (got.to_text_s is None and got.to_audio_s is None)


def test_labels() -> None:
    assert ms_label(0.6404) == "640 ms"
    assert ms_label(12.34) == "12.3 s"
    assert AnswerLatency("typed").label == ""
    assert "Enter → first text 200 ms" in AnswerLatency("typed", 0.2).describe()


def test_a_broken_recorder_fails_these_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests above can fail: a recorder that starts the clock at the answer's
    beginning (not at Enter) is caught."""
    rec = LatencyRecorder()
    real = rec.answer_began

    def late(turn_id: int, at: float, speech_at: float | None = None) -> AnswerLatency | None:
        rec._typed = type(rec._typed)(at for _ in rec._typed)  # every Enter moved to the answer's start
        return real(turn_id, at, speech_at)

    monkeypatch.setattr(rec, "answer_began", late)
    rec.typed(10.0)
    rec.answer_began(1, 10.3)
    rec.text(1, 10.4)
    assert rec.latency(1).to_text_s != pytest.approx(0.4)
