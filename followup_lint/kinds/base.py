"""What every kind shares: the input a kind reads and the hits it returns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..model import Draft

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class Hit:
    """A match: offsets into Draft.text, and values for the rule's message."""

    start: int
    end: int
    vars: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LintInput:
    """One draft as a kind sees it."""

    draft: Draft
    doc: Doc
    context: str
    metrics: Mapping[str, Any]
    ranges: Sequence[tuple[int, int]]  # the rule's scope as ranges of draft.text
    prior_docs: Sequence[Doc] = ()

    def first_line(self) -> tuple[int, int]:
        """The first non-blank line inside the scope (or the body, or the file start)."""
        sections = [(s.start, s.end) for s in self.draft.sections if s.name == "body"]
        for start, end in [*self.ranges, *sections]:
            text = self.draft.text[start:end]
            stripped = text.lstrip()
            if stripped:
                first = start + len(text) - len(stripped)
                newline = self.draft.text.find("\n", first, end)
                return first, (newline if newline != -1 else end)
        return 0, 0


class Compiled(Protocol):
    """A kind compiled for one rule."""

    def hits(self, inp: LintInput) -> list[Hit]:
        """Matches in a draft."""


def in_ranges(start: int, ranges: Sequence[tuple[int, int]]) -> bool:
    """Whether an offset falls in any of the ranges."""
    return any(s <= start < e for s, e in ranges)


def require_list(params: Mapping[str, Any], key: str, item_type: type) -> list[Any]:
    """params[key] as a non-empty list of item_type; ValueError otherwise."""
    value = params.get(key)
    if not isinstance(value, list) or not value:
        raise ValueError(f"'{key}' must be a non-empty list")
    for item in value:
        if not isinstance(item, item_type):
            raise ValueError(f"every item of '{key}' must be a {item_type.__name__}")
    return value
