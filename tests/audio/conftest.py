"""The `pulse` fixture: livetui.testing.pulse's private PulseAudio, shared by the
session's audio tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from livetui.testing.pulse import AudioRigError, Pulse, virtual_audio


@pytest.fixture(scope="session")
def pulse() -> Iterator[Pulse]:
    with ExitStack() as stack:
        try:
            audio = stack.enter_context(virtual_audio())
        except AudioRigError as e:
            pytest.fail(str(e), pytrace=False)
        yield audio
