"""livetui.sim: an offline Gemini Live server for tests, benchmarks and the no-key demo.

It shares no code with the client it tests: a simulator that reused the client's
encoder would hide the client's bugs.
"""

from .options import SimOptions
from .server import Simulator

__all__ = ["SimOptions", "Simulator"]
