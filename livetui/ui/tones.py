"""The console's own colours, named by the theme's variables so every theme keeps them readable.

Widgets that colour text in code (meters, the token gauge, the status bar) ask `tone`
for a Rich style instead of naming a colour: "bold $text-error" is resolved against the
theme in use. The `$text-*` variables are the ones Textual makes readable as text on
the theme's background, light or dark. NO_COLOR is Textual's: a filter turns every
colour the screen shows, these included, to grey (App.no_color).
"""

from __future__ import annotations

from rich.style import Style
from textual.dom import DOMNode
from textual.style import Style as TextualStyle
from textual.theme import BUILTIN_THEMES

# The roles, in one place: what each coloured thing in code is drawn with.
OK = "$text-success"  # a meter's level, "connected"
HOT = "$text-error"  # a meter's last cells (clipping)
BUSY = "$text-warning"  # connecting, waiting, a full context gauge, an unknown cost
FAILED = "bold $text-error"
INFO = "$text-primary"  # the context gauge, a WAV being sent

_cache: dict[tuple[str, str, str], Style] = {}


def theme_names() -> list[str]:
    """The themes `theme = "…"` may name: Textual's own (the console registers none)."""
    return sorted(BUILTIN_THEMES)


def tone(node: DOMNode, spec: str) -> Style:
    """A Rich style for `spec` ("italic $text-warning") in the theme `node`'s app uses now."""
    if not spec.strip():
        return Style()
    app = node.app
    variables = app.theme_variables
    key = (spec, app.theme, variables.get("background", ""))
    if (found := _cache.get(key)) is None:
        try:
            found = TextualStyle.parse(spec, variables).rich_style
        except Exception:  # noqa: BLE001 - a theme without the variable: the words stay, uncoloured
            found = Style.parse(" ".join(word for word in spec.split() if not word.startswith("$")) or "none")
        _cache[key] = found
    return found
