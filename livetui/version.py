"""`livetui --version`: this version and those of the two libraries a bug report needs.

Read from the installed packages' metadata, never by importing them: the answer is
printed before the console's own (heavy) modules load.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import __version__

LIBRARIES = ("google-genai", "textual")


def version_line() -> str:
    """e.g. `livetui 0.1.0 (google-genai 3.6.1, textual 8.2.0)`."""
    return f"livetui {__version__} ({', '.join(f'{name} {_installed(name)}' for name in LIBRARIES)})"


def _installed(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"
