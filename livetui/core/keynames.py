"""Key names as Textual spells them ('ctrl+o', 'f10', 'pageup', 'slash'), checked
without importing Textual (core stays free of the UI): a binding to a name Textual
does not know would never fire, so a config file's typo is refused instead."""

from __future__ import annotations

import string
import unicodedata

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})

_NAMED = frozenset(
    {
        "escape", "return", "enter", "tab", "space", "backspace", "newline",
        "up", "down", "left", "right", "home", "end", "insert", "delete", "pageup", "pagedown",
        "at", "ctrl-at", "left_square_brace",
        *(f"f{n}" for n in range(1, 25)),
    }
)  # fmt: skip

# Textual's names for punctuation: the Unicode name in lower case with '_' for ' ' and '-',
# and a few common words instead of the Unicode ones.
_REPLACED = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
             "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}  # fmt: skip


def _character_name(character: str) -> str:
    name = unicodedata.name(character, character).lower().replace("-", "_").replace(" ", "_")
    return _REPLACED.get(name, name)


_PUNCTUATION = frozenset(_character_name(c) for c in string.punctuation)


def _known_key(key: str) -> bool:
    if len(key) == 1 or key in _NAMED or key in _PUNCTUATION:
        return True
    try:  # any other character, by its Unicode name ('latin_small_letter_e_with_acute')
        unicodedata.lookup(key.replace("_", " "))
    except KeyError:
        return False
    return True


def bad_key_names(keys: str) -> list[str]:
    """The keys in a comma-separated list ('ctrl+j,alt+enter') that Textual would not
    recognise; empty when all are good."""
    bad = []
    for key in (part.strip() for part in keys.split(",")):
        if len(key) == 1:
            continue  # a single character, ',' and '+' included
        *modifiers, base = key.split("+")
        if not key or not base or any(m not in MODIFIERS for m in modifiers) or not _known_key(base):
            bad.append(key)
    return bad
