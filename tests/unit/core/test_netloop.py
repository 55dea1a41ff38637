"""The session's own loop: work runs in its thread, cancelling the caller cancels
the work (and lets it clean up), and closing ends the thread."""

from __future__ import annotations

import asyncio
import threading

import pytest

from livetui.core.netloop import NetLoop


async def test_work_runs_in_the_loops_own_thread_and_returns_its_result() -> None:
    net = NetLoop()
    try:
        async def where() -> str:
            return threading.current_thread().name

        assert await net.run(where()) == "livetui-net"
        assert threading.current_thread().name != "livetui-net"
    finally:
        await net.aclose()


async def test_an_error_reaches_the_caller() -> None:
    net = NetLoop()
    try:
        async def fail() -> None:
            raise ValueError("bad frame")

        with pytest.raises(ValueError, match="bad frame"):
            await net.run(fail())
    finally:
        await net.aclose()


async def test_cancelling_the_caller_cancels_the_work_and_its_clean_up_runs() -> None:
    net = NetLoop()
    started, cleaned = threading.Event(), threading.Event()

    async def session() -> None:
        started.set()
        try:
            await asyncio.Event().wait()  # until cancelled
        finally:
            cleaned.set()

    caller = asyncio.ensure_future(net.run(session()))
    try:
        assert await asyncio.to_thread(started.wait, 5)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        assert await asyncio.to_thread(cleaned.wait, 5), "the session's finally never ran"
    finally:
        await net.aclose()


async def test_closing_cancels_what_still_runs_and_ends_the_thread() -> None:
    net = NetLoop()
    cleaned = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()  # until cancelled
        finally:
            cleaned.set()

    net.submit(forever())
    await net.aclose()
    assert cleaned.is_set()
    assert not net.running and net.loop.is_closed()
    await net.aclose()  # twice is fine
