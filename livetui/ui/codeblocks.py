"""The code blocks of an answer, as the chat's Markdown reads them (markdown-it, Textual's
parser): fenced (``` or ~~~, in lists and quotes too) and indented ones."""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark")


@dataclass(frozen=True)
class CodeBlock:
    language: str  # the fence's first word ("" for none)
    code: str  # the block's text, without its fences; ends with a newline as the block does

    @property
    def lines(self) -> int:
        return len(self.code.splitlines())

    @property
    def title(self) -> str:
        """One line for a list: the language, how long, and the first line of code."""
        first = next((line.strip() for line in self.code.splitlines() if line.strip()), "")
        count = f"{self.lines} line" + ("" if self.lines == 1 else "s")
        return " · ".join(part for part in (self.language or "code", count, first) if part)


def code_blocks(markdown: str) -> list[CodeBlock]:
    """Every code block of `markdown`, in order."""
    blocks = []
    for token in _PARSER.parse(markdown):
        if token.type in ("fence", "code_block"):
            language = token.info.split()[0] if token.info.strip() else ""
            blocks.append(CodeBlock(language, token.content))
    return blocks
