"""The frame log: one JSON object per WebSocket frame, for tests and benchmarks."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import IO, Any, Literal

from .wire import redact_payloads


class FrameLog:
    """Appends `{"t", "conn", "dir", "msg"}` lines; `t` is time.monotonic(), which
    other processes on the machine share, so a benchmark can line events up."""

    def __init__(self, path: Path | None, keep_in_memory: bool = False) -> None:
        self._file: IO[str] | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(path, "a", encoding="utf-8", buffering=1)
        self.records: list[dict[str, Any]] | None = [] if keep_in_memory else None

    def write(self, conn: int, direction: Literal["in", "out"], msg: Any, t: float | None = None) -> None:
        if self._file is None and self.records is None:
            return
        record = {
            "t": time.monotonic() if t is None else t,
            "conn": conn,
            "dir": direction,
            "msg": redact_payloads(msg),
        }
        if self.records is not None:
            self.records.append(record)
        if self._file is not None:
            self._file.write(json.dumps(record, separators=(",", ":")) + "\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
