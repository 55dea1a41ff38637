"""Shared memory between the console and its audio engine process (core/audio/engine*.py).

One block of memory, mapped by both processes, holds:
- the playback ring: model audio written by the console (the producer), read by the
  engine's PortAudio callback (the consumer), which never waits for the console;
- a few counters and flags each side publishes for the other;
- the two level meters' state, written by the engine, read by the UI.

One writer per field, so no locks: positions only grow, and each side writes the
data before the position that publishes it (x86-64 and arm64 keep aligned 8-byte
stores whole). Positions count bytes since the ring was made; the data for
position p lives at p % capacity.
"""

from __future__ import annotations

import mmap
import os
import tempfile
import time

import numpy as np

from .pcm import SAMPLE_WIDTH
from .rates import OUTPUT_RATE

# Room for three minutes of queued answer: the service sends audio faster than real
# time, so a long answer can be far ahead of the speaker.
RING_SECONDS = 180

# A stopped speaker starts once this much of an answer is queued (or all of it is in):
# what PortAudio pulls at a start (about 30 ms) and the wait for the next chunk. The
# service sends answers faster than real time, in bursts, so it is there a millisecond
# or so after the first chunk; at real-time pace, 40 ms later (no hole either way).
START_QUEUED_MS = 60
START_QUEUED_BYTES = OUTPUT_RATE * START_QUEUED_MS // 1000 * SAMPLE_WIDTH

# int64 slots, and who writes each.
WRITE = 0  # console: end of the audio written
SKIP = 1  # console: the engine drops everything before this (barge-in)
READ = 2  # engine: end of the audio handed to the device
LAST_HAD_AUDIO = 3  # engine: 1 if the last block handed out held audio
UNDERRUNS = 4  # engine: ran dry in the middle of an answer
TURN_ENDED = 5  # console: 1 once no more audio is coming for this answer
MIC_WANTED = 6  # console: 1 while the mic's chunks are to be sent over
HEARD_MARK = 7  # console: 1 + the position of a byte whose sound is to be timed (0: none)
HEARD_STAMPED = 8  # engine: the HEARD_MARK it timed (HEARD_AT holds when)
XRUNS = 9  # engine: underflows PortAudio reported on the speaker (the device, not the ring, ran dry)
N_INTS = 16
# float64 slots: each meter's latest block level, held peak, and when it was held
# (time.monotonic(): one clock for every process on the machine).
MIC_METER = 0
SPEAKER_METER = 3
HEARD_AT = 6  # engine: when the byte at HEARD_MARK leaves the device (time.monotonic())
N_FLOATS = 8
HEADER = N_INTS * 8 + N_FLOATS * 8


def shared_file(size: int) -> int:
    """A file descriptor of `size` zeroed bytes that only this process and its children
    (given the descriptor) can map: no name in the file system, freed when the last
    one closes it, so a crash leaves nothing behind."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("livetui-audio", os.MFD_CLOEXEC)
    else:  # macOS: an unlinked temporary file does the same
        fd, path = tempfile.mkstemp(prefix="livetui-audio-")
        os.unlink(path)
    os.ftruncate(fd, size)
    return fd


class SharedAudio:
    """The shared block, mapped from a descriptor (`shared_file`)."""

    def __init__(self, fd: int, capacity: int) -> None:
        self.capacity = capacity
        self._map = mmap.mmap(fd, HEADER + capacity)
        self.ints = np.frombuffer(self._map, dtype=np.int64, count=N_INTS)
        self.floats = np.frombuffer(self._map, dtype=np.float64, count=N_FLOATS, offset=N_INTS * 8)
        self.data = memoryview(self._map)[HEADER:]

    @staticmethod
    def size_for(seconds: int = RING_SECONDS, rate: int = OUTPUT_RATE) -> int:
        return seconds * rate * SAMPLE_WIDTH

    def close(self) -> None:
        # The views must go before the map closes (mmap refuses while buffers are exported).
        self.data.release()
        del self.ints, self.floats
        try:
            self._map.close()
        except BufferError:  # a reader still holds a view; the map goes with the process
            pass

    # -- the producer's side (the console) --------------------------------------

    def queued(self) -> int:
        """Bytes written and neither played nor skipped."""
        ints = self.ints
        return max(0, int(ints[WRITE]) - max(int(ints[READ]), int(ints[SKIP])))

    def write(self, pcm: bytes) -> int:
        """Append; returns the bytes that did not fit (dropped: the newest, since the
        oldest may be in the engine's hands right now)."""
        ints = self.ints
        w = int(ints[WRITE])
        free = self.capacity - (w - int(ints[READ]))
        n = min(len(pcm), max(0, free))
        n -= n % SAMPLE_WIDTH
        start = w % self.capacity
        first = min(n, self.capacity - start)
        self.data[start : start + first] = pcm[:first]
        if n > first:
            self.data[: n - first] = pcm[first:n]
        ints[WRITE] = w + n  # published only once the data is there
        return len(pcm) - n

    def mark_heard(self, position: int) -> None:
        """Time the sound of the byte at `position` (an answer's first): `heard_at` says
        when it left the device, once the engine has handed it over."""
        self.ints[HEARD_MARK] = position + 1

    def heard_at(self) -> float | None:
        """When the marked byte leaves (or left) the device; None until the engine
        handed it over (and forever if it was skipped: a barge-in before it played)."""
        mark = int(self.ints[HEARD_MARK])
        # The stamp is the current mark's only if the engine says so: a stamp of the
        # previous mark written while the mark moved is not taken for this one.
        if mark and int(self.ints[HEARD_STAMPED]) == mark:
            return float(self.floats[HEARD_AT])
        return None

    def skip_all(self) -> None:
        """Drop everything queued: the engine's next block is silence."""
        self.ints[SKIP] = int(self.ints[WRITE])
        self.ints[LAST_HAD_AUDIO] = 0

    # -- the consumer's side (the engine's PortAudio callback) -----------------------

    _dry = True  # the consumer's own: the last block came up short

    def read(self, nbytes: int, delay_s: float = 0.0) -> bytes:
        """Exactly nbytes for the device, silence where there is no audio. Running dry
        in the middle of an answer counts one underrun. `delay_s`: how long until the
        first of these bytes leaves the device (the marked byte's time is stamped with it)."""
        ints = self.ints
        r = max(int(ints[READ]), int(ints[SKIP]))
        n = max(0, min(nbytes, int(ints[WRITE]) - r))
        mark = int(ints[HEARD_MARK])
        if mark and r < mark <= r + n and int(ints[HEARD_STAMPED]) != mark:
            offset_s = (mark - 1 - r) / (OUTPUT_RATE * SAMPLE_WIDTH)
            self.floats[HEARD_AT] = time.monotonic() + delay_s + offset_s
            ints[HEARD_STAMPED] = mark  # after the time: the console reads the time only then
        if n < nbytes and not self._dry and not ints[TURN_ENDED]:
            ints[UNDERRUNS] += 1
        self._dry = n < nbytes
        if n == 0:
            ints[READ] = r
            ints[LAST_HAD_AUDIO] = 0
            return bytes(nbytes)
        start = r % self.capacity
        first = min(n, self.capacity - start)
        out = bytes(self.data[start : start + first])
        if n > first:
            out += bytes(self.data[: n - first])
        ints[READ] = r + n
        ints[LAST_HAD_AUDIO] = 1
        return out + bytes(nbytes - n) if n < nbytes else out

    def ready_to_start(self) -> bool:
        """Enough queued for a stopped speaker to start without running dry, or all
        of the answer is in (START_QUEUED_MS)."""
        return self.queued() >= START_QUEUED_BYTES or bool(self.ints[TURN_ENDED])

    def has_audio(self) -> bool:
        return self.queued() > 0 or bool(self.ints[LAST_HAD_AUDIO])
