"""The inbox between the session's thread and the UI's loop: one wake-up a batch, nothing lost or reordered."""

from __future__ import annotations

import asyncio
import threading

from livetui.core.inbox import Inbox


def test_one_wake_for_everything_put_before_the_take() -> None:
    wakes: list[int] = []
    inbox: Inbox[int] = Inbox(lambda: wakes.append(len(inbox)))
    for i in range(3):
        inbox.put(i)
    assert wakes == [1]  # woken by the first item only
    assert inbox.take() == [0, 1, 2]
    assert inbox.take() == []
    inbox.put(3)
    assert wakes == [1, 1]  # after a take, the next item wakes the consumer again
    assert inbox.take() == [3]


def test_an_item_put_while_the_consumer_works_wakes_it_again() -> None:
    wakes = 0

    def wake() -> None:
        nonlocal wakes
        wakes += 1

    inbox: Inbox[str] = Inbox(wake)
    inbox.put("a")
    batch = inbox.take()
    inbox.put("b")  # the consumer is still busy with "a"
    assert batch == ["a"] and wakes == 2
    assert inbox.take() == ["b"]


async def test_a_producer_thread_loses_and_reorders_nothing() -> None:
    loop = asyncio.get_running_loop()
    got: list[int] = []
    done = asyncio.Event()
    n = 20_000

    def drain() -> None:
        got.extend(inbox.take())
        if len(got) == n:
            done.set()

    inbox: Inbox[int] = Inbox(lambda: loop.call_soon_threadsafe(drain))
    producer = threading.Thread(target=lambda: [inbox.put(i) for i in range(n)])
    producer.start()
    await asyncio.wait_for(done.wait(), 30)
    producer.join()
    assert got == list(range(n))
