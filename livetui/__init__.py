"""livetui: a keyboard-driven terminal console for the Gemini Live API."""

__version__ = "0.1.0"
