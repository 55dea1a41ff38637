"""A second asyncio loop, in a thread of its own, for the Live session.

The UI's loop spends 10-20 ms at a time arranging and painting the screen. A mic
chunk waiting behind that reaches the service late and bunched, and an
`interrupted` waits before the speaker is flushed. So the session (connecting,
receiving, every send) runs on this loop instead: audio keeps the network's and
PortAudio's time, not the screen's. The UI awaits work here with `run()`;
cancelling that await cancels the work.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

# How long a thread may hold the GIL while another waits for it. The session's thread
# takes it back after every socket read; with Python's 5 ms, a UI frame being drawn made
# each of those a 5 ms wait, so a burst of answer audio could reach the speaker's ring
# late, one chunk in. 1 ms keeps the UI's share and hands the GIL over sooner.
GIL_SWITCH_S = 0.001


class NetLoop:
    def __init__(self, name: str = "livetui-net") -> None:
        if sys.getswitchinterval() > GIL_SWITCH_S:
            sys.setswitchinterval(GIL_SWITCH_S)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self.loop.is_closed()

    def submit(self, coro: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        """Start coro on this loop, from any thread; the returned future belongs to
        the caller's loop, and cancelling it cancels the task here."""
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await coro on this loop from another loop."""
        return await self.submit(coro)

    async def aclose(self, timeout: float = 2.0) -> None:
        """Cancel what still runs here, give it `timeout` seconds to clean up (close
        its socket), then end the thread. Safe to call twice."""
        if not self.running:
            return
        try:
            await self.run(_cancel_all(timeout))
        except RuntimeError:  # the loop stopped meanwhile
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        await asyncio.to_thread(self._thread.join, timeout)
        if not self._thread.is_alive():
            self.loop.close()


async def _cancel_all(timeout: float) -> None:
    me = asyncio.current_task()
    tasks = [t for t in asyncio.all_tasks() if t is not me]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=timeout)
    await asyncio.get_running_loop().shutdown_asyncgens()
