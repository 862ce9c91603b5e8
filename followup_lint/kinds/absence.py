"""kind: absence - the draft should contain a match of one of some matchers, and does not."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Hit, LintInput, in_ranges

KEYS = ("any_of",)
LOCAL = False


def validate(params: Mapping[str, Any]) -> None:
    """any_of: a non-empty list of sub-matchers."""
    from . import validate_submatcher

    items = params.get("any_of")
    if not isinstance(items, list) or not items:
        raise ValueError("'any_of' must be a non-empty list of matchers")
    for spec in items:
        validate_submatcher(spec)


class Compiled:
    """Fires once, on the first line of the scope, when no sub-matcher matches in it."""

    def __init__(self, params: Mapping[str, Any], nlp: Any) -> None:
        from . import compile_submatcher

        self.matchers = [compile_submatcher(spec, nlp) for spec in params["any_of"]]

    def hits(self, inp: LintInput) -> list[Hit]:
        """A hit when nothing in scope matches."""
        for matcher in self.matchers:
            if any(in_ranges(h.start, inp.ranges) for h in matcher.hits(inp)):
                return []
        start, end = inp.first_line()
        return [Hit(start, end)]
