"""The transcript: one append-only JSONL file per conversation, in the XDG data folder.

Split by job (import from here; the modules are the map):
- `paths`: where transcripts live, new ids, finding one by id, prefix or path;
- `records`: the schema, one `Record` a line, and what a read-back conversation holds;
- `writer`: `TranscriptStore`, appending a conversation's records (0600, fsync at each
  turn end, partial answers throttled), never raising into the UI;
- `savequeue`: writing those lines when the disk fails (no torn line, a backlog in
  memory, retries, news for the screen);
- `rescue`: a copy elsewhere and a note when the console quits with turns unsaved;
- `reader`: reading transcripts back tolerantly, listing them, refusing to resume a
  file livetui did not write;
- `export`: Markdown and JSONL, and `export_conversation`, the one way an export is made.
"""

from __future__ import annotations

from .export import (
    FORMAT_NAMES,
    Exported,
    Snapshot,
    Source,
    default_export_path,
    export_conversation,
    export_format,
    export_jsonl,
    export_markdown,
    write_export,
)
from .paths import DATA_DIR_VAR, StoreError, conversations_dir, data_dir, new_conversation_id, resolve
from .reader import in_memory, list_conversations, load, load_to_resume, not_a_transcript, read_records
from .records import VERSION, ConversationInfo, LoadedConversation, Record, StoredSettings, StoredTurn
from .rescue import unsaved_note
from .savequeue import RETRY_S, SaveNews, SavingResumed, SavingStopped
from .writer import PARTIAL_EVERY_S, TranscriptStore

__all__ = [
    "FORMAT_NAMES",
    "PARTIAL_EVERY_S",
    "RETRY_S",
    "VERSION",
    "ConversationInfo",
    "DATA_DIR_VAR",
    "Exported",
    "LoadedConversation",
    "Record",
    "SaveNews",
    "Snapshot",
    "Source",
    "SavingResumed",
    "SavingStopped",
    "StoreError",
    "StoredSettings",
    "StoredTurn",
    "TranscriptStore",
    "conversations_dir",
    "data_dir",
    "default_export_path",
    "export_conversation",
    "export_format",
    "export_jsonl",
    "export_markdown",
    "in_memory",
    "list_conversations",
    "load",
    "load_to_resume",
    "new_conversation_id",
    "not_a_transcript",
    "read_records",
    "resolve",
    "unsaved_note",
    "write_export",
]
