"""Core frozen types shared by every stage. Imports nothing internal."""

from __future__ import annotations

import bisect
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """How serious a finding is; ordered so that comparisons work."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """Lower-case name as written in rule files and output."""
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Severity from its lower-case name; ValueError when unknown."""
        try:
            return cls[str(value).upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (use error, warning or info)") from None


class InputError(Exception):
    """Bad input from the user: a file, a rule, a config value. Exit code 2, one line."""


@dataclass(frozen=True, slots=True)
class Span:
    """A region of the original file. Offsets 0-based half-open; lines/columns 1-based."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one draft."""

    rule: str
    category: str
    severity: Severity
    message: str
    path: str
    span: Span
    text: str
    suggestion: str | None = None
    template: str | None = None  # the template's name when the file is a template collection

    def sort_key(self) -> tuple[str, int, int, str]:
        """Findings sort by (path, line, column, rule)."""
        return (self.path, self.span.line, self.span.column, self.rule)


@dataclass(frozen=True, slots=True)
class Example:
    """A rule example: text, and for bad ones the findings expected (may be empty = any)."""

    text: str
    good: bool
    expect: tuple[Mapping[str, Any], ...] = ()
    context: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated rule loaded from one YAML file."""

    id: str
    name: str
    category: str
    severity: Severity
    kind: str
    message: str
    description: str
    path: str
    params: Mapping[str, Any]
    scope: tuple[str, ...] = ("body",)
    contexts_only: tuple[str, ...] = ()
    contexts_except: tuple[str, ...] = ()
    suggest: str | None = None
    requires: tuple[Mapping[str, Any], ...] = ()
    # a `requires` match in a sentence with one of these does not count ("nothing needs a
    # decision from you" is no ask)
    requires_unless: tuple[Mapping[str, Any], ...] = ()
    unless: tuple[Mapping[str, Any], ...] = ()
    # a match in the sentence right after the finding's cancels it too: the reason given next
    # ("Please approve them by Thursday. That's the bank's cut-off.")
    unless_next: tuple[Mapping[str, Any], ...] = ()
    near: tuple[Mapping[str, Any], ...] = ()
    when: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    unless_within: str = "sentence"
    examples: tuple[Example, ...] = ()
    # What must be known for a finding to be right at `severity`; without it the finding is
    # only an info suggestion (see evidence.py).
    evidence: tuple[str, ...] = ()

    def applies_to(self, context: str) -> bool:
        """Whether the rule runs in this situation."""
        if self.contexts_only and context not in self.contexts_only:
            return False
        return context not in self.contexts_except


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the draft (subject, greeting, body, signature) as a range of Draft.text."""

    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Where each character of a Draft's text came from in its source.

    The text is cut into runs. Run k starts at text offset `starts[k]` and source offset
    `sources[k]`. A linear run (`widths[k] == -1`) advances one source character per text
    character; a fixed run maps every one of its characters to the same source range
    `[sources[k], sources[k] + widths[k])`: a decoded HTML entity, a quoted-printable escape,
    or a whole base64 line.
    """

    starts: tuple[int, ...]
    sources: tuple[int, ...]
    widths: tuple[int, ...]

    @classmethod
    def from_chars(cls, positions: Sequence[tuple[int, int]]) -> OffsetMap:
        """Runs from the (source start, source end) of each text character, in text order."""
        starts: list[int] = []
        sources: list[int] = []
        widths: list[int] = []
        for i, (start, end) in enumerate(positions):
            linear = end - start == 1
            if starts:
                k = len(starts) - 1
                if linear and widths[k] == -1 and start == sources[k] + i - starts[k]:
                    continue
                if not linear and widths[k] == end - start and sources[k] == start:
                    continue
            starts.append(i)
            sources.append(start)
            widths.append(-1 if linear else end - start)
        return cls(tuple(starts), tuple(sources), tuple(widths))

    def _run(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def source_start(self, offset: int) -> int:
        """Source offset where the text character at `offset` begins."""
        if not self.starts:
            return 0
        k = self._run(offset)
        if self.widths[k] == -1:
            return self.sources[k] + offset - self.starts[k]
        return self.sources[k]

    def source_end(self, offset: int) -> int:
        """Source offset just after the text character before `offset` (exclusive end)."""
        if not self.starts or offset <= 0:
            return self.source_start(offset)
        k = self._run(offset - 1)
        if self.widths[k] == -1:
            return self.sources[k] + offset - self.starts[k]
        return self.sources[k] + self.widths[k]


@dataclass(frozen=True)
class Draft:
    """A source split into the parts rules read, with a map back to the original file.

    `text` is what spaCy parses. For .txt and .md it is the source with everything that must
    not be linted (front matter apart from the subject value, quoted reply lines, code)
    blanked to spaces, so an offset into `text` is an offset into `source` and `offsets` is
    None. Readers that decode (.eml, HTML, template collections) build a different text and
    an OffsetMap back to the source; `span` maps through it.
    """

    path: str
    source: str
    text: str
    sections: tuple[Section, ...]
    meta: Mapping[str, Any]
    meta_lines: Mapping[str, int]
    prior: tuple[str, ...]
    context: str | None
    quoted: str = ""
    problems: tuple[tuple[str, str, int], ...] = ()  # (rule id, message, line)
    line_starts: tuple[int, ...] = field(default=(0,), repr=False)
    offsets: OffsetMap | None = field(default=None, repr=False)  # None: text offsets = source
    template: str | None = None  # name of the template inside a collection file
    is_template: bool = False  # merge fields are expected (a collection, --templates, front matter)
    fields: tuple[str, ...] = ()  # merge fields of a template, normalised (first_name -> firstname)
    unmasked: str | None = field(default=None, repr=False)  # text before merge fields were masked

    def section(self, name: str) -> Section | None:
        """The named section, if the draft has one."""
        for section in self.sections:
            if section.name == name:
                return section
        return None

    def section_text(self, name: str) -> str:
        """The text of a section ('' when absent)."""
        section = self.section(name)
        return self.text[section.start : section.end] if section else ""

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset into the source."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def span(self, start: int, end: int) -> Span:
        """The only place offsets into `text` become lines and columns of the source."""
        end = max(start, end)
        if self.offsets is not None:
            mapped = self.offsets.source_start(start)
            end = max(mapped, self.offsets.source_end(end)) if end > start else mapped
            start = mapped
        return self.source_span(start, end)

    def source_span(self, start: int, end: int) -> Span:
        """A Span from offsets into `source` (not `text`)."""
        end = max(start, end)
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(start, end, line, column, end_line, end_column)

    def line_span(self, line: int) -> Span:
        """A span covering one whole (1-based) line of the source, without its newline."""
        line = max(1, min(line, len(self.line_starts)))
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.source)
        while end > start and self.source[end - 1] in "\r\n":
            end -= 1
        return self.source_span(start, end)

    def matched(self, start: int, end: int) -> str:
        """What a hit on `text[start:end]` covers, as the reader should see it."""
        if self.offsets is None:
            return self.source[start:end]
        return (self.unmasked or self.text)[start:end]


@dataclass(frozen=True, slots=True)
class FileReport:
    """Everything learned about one draft."""

    path: str
    context: str | None
    context_inferred: bool
    metrics: Mapping[str, Any]
    findings: tuple[Finding, ...]
    source: str = field(default="", repr=False, compare=False)
    template: str | None = None  # the template's name when the file is a template collection


@dataclass(frozen=True, slots=True)
class Report:
    """The result of a run: one FileReport per draft, in input order."""

    files: tuple[FileReport, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """All findings, sorted."""
        return tuple(sorted((f for r in self.files for f in r.findings), key=Finding.sort_key))

    def worst(self) -> Severity | None:
        """The highest severity found, or None when clean."""
        return max((f.severity for f in self.findings), default=None)
