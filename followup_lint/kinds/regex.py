"""kind: regex - a regular expression over the draft text, with a time limit per search."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import regex

from .base import Hit, LintInput

KEYS = ("pattern", "case_sensitive")
TIMEOUT_SECONDS = 0.5
LOCAL = True


def _patterns(params: Mapping[str, Any]) -> list[str]:
    value = params.get("pattern")
    items = value if isinstance(value, list) else [value]
    patterns = [p for p in items if isinstance(p, str) and p]
    if not items or len(patterns) != len(items):
        raise ValueError("'pattern' must be a regular expression or a list of them")
    return patterns


def compile_pattern(params: Mapping[str, Any]) -> regex.Pattern[str]:
    """One compiled alternation of the rule's patterns; ValueError when invalid."""
    flags = regex.V0 | (0 if params.get("case_sensitive") else regex.IGNORECASE) | regex.MULTILINE
    joined = "|".join(f"(?:{p})" for p in _patterns(params))
    try:
        return regex.compile(joined, flags)
    except regex.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None


def validate(params: Mapping[str, Any]) -> None:
    """The patterns must compile."""
    compile_pattern(params)
    if not isinstance(params.get("case_sensitive", False), bool):
        raise ValueError("'case_sensitive' must be true or false")


class Compiled:
    """A compiled regex for one rule."""

    def __init__(self, params: Mapping[str, Any], nlp: Any = None) -> None:
        self.pattern = compile_pattern(params)

    def hits(self, inp: LintInput) -> list[Hit]:
        """Non-empty matches; a search that runs past the time limit raises TimeoutError."""
        text = inp.draft.text
        return [Hit(m.start(), m.end()) for m in
                self.pattern.finditer(text, timeout=TIMEOUT_SECONDS) if m.end() > m.start()]
