"""Results as Markdown, written into docs/PERFORMANCE.md.

Each suite owns one generated block of the document, between
``<!-- bench:NAME:begin -->`` and ``<!-- bench:NAME:end -->``; the text
around the blocks (analysis, what was tried) is written by people and kept.
A block not yet in the document is appended at its end.
"""

import re
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"


@dataclass
class Table:
    columns: list
    rows: list = field(default_factory=list)
    title: str = ""

    def markdown(self):
        lines = [f"**{self.title}**", ""] if self.title else []
        lines.append("| " + " | ".join(self.columns) + " |")
        lines.append("|" + "---|" * len(self.columns))
        lines.extend("| " + " | ".join(_cell(value) for value in row) + " |" for row in self.rows)
        return "\n".join(lines)


@dataclass
class Section:
    name: str
    heading: str
    intro: str = ""
    tables: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def markdown(self):
        parts = [f"### {self.heading}"]
        if self.intro:
            parts.append(self.intro)
        parts.extend(table.markdown() for table in self.tables)
        if self.notes:
            parts.append("\n".join(f"- {note}" for note in self.notes))
        return "\n\n".join(parts)


def _cell(value):
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def write_sections(sections, document=DOCUMENT):
    """Replace (or append) each section's generated block in ``document``."""
    text = document.read_text() if document.exists() else "# Performance\n"
    for section in sections:
        begin, end = f"<!-- bench:{section.name}:begin -->", f"<!-- bench:{section.name}:end -->"
        block = f"{begin}\n{section.markdown()}\n{end}"
        pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
        if pattern.search(text):
            text = pattern.sub(lambda _: block, text)
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    document.parent.mkdir(parents=True, exist_ok=True)
    document.write_text(text)
