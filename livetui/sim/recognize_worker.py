"""The simulator's recognition worker: reads utterances from stdin (a 4-byte
little-endian length, then that many bytes of 16 kHz PCM16LE mono) and writes the
words heard in each as one JSON string a line. Ends at the end of its input.

Started by livetui.sim.recognize, so that decoding (which keeps the GIL) never
stops the simulator's event loop.
"""

from __future__ import annotations

import json
import struct
import sys

from livetui.sim import recognize


def serve(stdin=sys.stdin.buffer, stdout=sys.stdout) -> None:
    with recognize._lock:
        recognize._get_decoder()  # load the model before the first utterance comes
    while len(header := stdin.read(4)) == 4:
        (size,) = struct.unpack("<I", header)
        pcm = stdin.read(size)
        if len(pcm) != size:
            return
        stdout.write(json.dumps(recognize.transcribe(pcm)) + "\n")
        stdout.flush()


if __name__ == "__main__":
    try:
        serve()
    except (KeyboardInterrupt, BrokenPipeError):
        pass
