"""How a Live connection ends in error: the close codes and reasons as the real service
words them, `Closed` to raise one from anywhere in a session, and the check of each
client message against the service's parser (`schema`)."""

from __future__ import annotations

from typing import Any

from . import schema

__all__ = ["BAD_JSON", "BAD_KEY", "DEADLINE", "NOT_FOUND", "NO_SESSION", "QUOTA", "Closed", "check_fields"]

# Close reasons as the real service words them (at most 123 bytes).
BAD_KEY = (1007, "API key not valid. Please pass a valid API key.")
BAD_JSON = (1007, "Invalid JSON payload received.")
NO_SESSION = (1008, "BidiGenerateContent session not found")
NOT_FOUND = (1008, "Requested entity was not found")
QUOTA = (1011, "You exceeded your current quota, please check your plan and billing details.")
DEADLINE = (1011, "Deadline expired before operation could complete.")


class Closed(Exception):
    """Raised to end a connection with a close frame."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason.encode("utf-8")[:123].decode("utf-8", "ignore")


def check_fields(msg: dict[str, Any]) -> None:
    """Refuse what the service's JSON parser refuses: two message types in one
    message (a oneof), or a field name it does not know."""
    kinds = schema.message_types(msg)
    if len(kinds) > 1:
        raise Closed(1007, f"Invalid JSON payload received. oneof field 'message_type' is already set. Cannot set '{kinds[1]}'")
    unknown = schema.unknown_field(msg)
    if unknown is not None:
        raise Closed(1007, schema.unknown_field_reason(*unknown))

