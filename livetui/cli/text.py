"""One-line text for the CLI's tables and error lines."""

from __future__ import annotations


def one_line(name: object) -> str:
    # A device names itself (USB descriptors included), a title is what someone said:
    # no control characters reach the terminal.
    return " ".join("".join(c if c.isprintable() else " " for c in str(name)).split())


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
