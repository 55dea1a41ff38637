"""The drop-oldest queue from an audio thread to the event loop."""

from __future__ import annotations

import asyncio
import threading

import pytest

from livetui.core.audio.queues import DropOldestQueue


def in_thread(fn) -> None:  # type: ignore[no-untyped-def]
    thread = threading.Thread(target=fn)
    thread.start()
    thread.join()


async def test_full_queue_drops_oldest_and_counts_even_while_the_loop_is_busy() -> None:
    q: DropOldestQueue[int] = DropOldestQueue(3)
    # join() blocks the loop: the bound must hold without the loop's help.
    in_thread(lambda: [q.put_threadsafe(i) for i in range(10)])
    assert (q.qsize(), q.dropped) == (3, 7)
    assert [await q.get() for _ in range(3)] == [7, 8, 9]
    assert q.empty()


async def test_get_waits_until_a_thread_puts() -> None:
    q: DropOldestQueue[str] = DropOldestQueue(2)
    getter = asyncio.create_task(q.get())
    await asyncio.sleep(0)  # let it start waiting
    assert not getter.done()
    in_thread(lambda: q.put_threadsafe("chunk"))
    assert await asyncio.wait_for(getter, timeout=5) == "chunk"


async def test_a_cancelled_get_loses_nothing() -> None:
    q: DropOldestQueue[int] = DropOldestQueue(2)
    getter = asyncio.create_task(q.get())
    await asyncio.sleep(0)
    getter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await getter
    in_thread(lambda: q.put_threadsafe(1))
    assert await asyncio.wait_for(q.get(), timeout=5) == 1


async def test_loop_side_helpers() -> None:
    q: DropOldestQueue[int] = DropOldestQueue(2)
    with pytest.raises(asyncio.QueueEmpty):
        q.get_nowait()
    for i in range(3):
        q.put_nowait(i)
    assert (q.maxsize, q.qsize(), q.dropped, q.get_nowait()) == (2, 2, 1, 1)
    assert q.clear() == 1
    assert q.empty() and q.dropped == 1
    with pytest.raises(ValueError):
        DropOldestQueue(0)


async def test_concurrent_producer_keeps_order_and_accounts_for_every_item() -> None:
    total = 20000
    q: DropOldestQueue[int] = DropOldestQueue(8)
    producer = threading.Thread(target=lambda: [q.put_threadsafe(i) for i in range(total)])
    producer.start()
    got: list[int] = []

    async def consume() -> None:
        # The last item is the newest when it arrives, so it is never dropped.
        while not got or got[-1] != total - 1:
            got.append(await q.get())

    await asyncio.wait_for(consume(), timeout=20)
    producer.join()
    assert got == sorted(set(got))  # in order, none twice
    assert len(got) + q.dropped == total
    assert q.empty()


def test_put_after_the_loop_closed_does_not_raise() -> None:
    loop = asyncio.new_event_loop()
    q: DropOldestQueue[int] = DropOldestQueue(2, loop=loop)
    loop.close()
    errors: list[BaseException] = []

    def put() -> None:
        try:
            q.put_threadsafe(1)
        except BaseException as e:  # noqa: BLE001 - the point is that nothing escapes
            errors.append(e)

    in_thread(put)
    assert errors == []


def test_needs_a_loop() -> None:
    with pytest.raises(RuntimeError):
        DropOldestQueue(2)  # no running loop and none given
