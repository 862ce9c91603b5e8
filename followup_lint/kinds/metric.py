"""kind: metric - a document measure with min/max limits that may differ per situation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import contexts
from .base import Hit, LintInput

KEYS = ("measure", "limits", "at")
LOCAL = False
MEASURES = ("words", "sentences", "reading_grade", "questions", "exclamations", "specifics",
            "days_since_contact", "followup", "formality", "politeness", "avg_sentence_words",
            "days_to_promised", "reader_hardship", "longest_paragraph",
            "prior_points", "topic_words", "prose_questions", "question_density")


def validate(params: Mapping[str, Any]) -> None:
    """A known measure and limits of {min, max} numbers per 'default' or context name."""
    if params.get("measure") not in MEASURES:
        raise ValueError(f"'measure' must be one of {', '.join(MEASURES)}")
    limits = params.get("limits")
    if not isinstance(limits, dict) or not limits:
        raise ValueError("'limits' must map 'default' or context names to {min, max}")
    for key, bounds in limits.items():
        if key != "default" and key not in contexts.CONTEXTS:
            raise ValueError(f"limits: unknown context {key!r}")
        if not isinstance(bounds, dict) or not bounds or set(bounds) - {"min", "max"}:
            raise ValueError(f"limits.{key} must be a mapping with min and/or max")
        for bound in bounds.values():
            if bound is not None and (isinstance(bound, bool) or
                                      not isinstance(bound, int | float)):
                raise ValueError(f"limits.{key}: min/max must be numbers")
    at = params.get("at", "body")
    if not isinstance(at, str):
        raise ValueError("'at' must be 'body' or a front matter key")


class Compiled:
    """Compares one measure with the limits for the draft's situation."""

    def __init__(self, params: Mapping[str, Any], nlp: Any = None) -> None:
        self.measure = params["measure"]
        self.limits = params["limits"]
        self.at = params.get("at", "body")

    def _location(self, inp: LintInput) -> tuple[int, int]:
        line = inp.draft.meta_lines.get(self.at)
        if self.at != "body" and line:
            span = inp.draft.line_span(line)
            return span.start, span.end
        return inp.first_line()

    def hits(self, inp: LintInput) -> list[Hit]:
        """One hit when the value is outside the limits."""
        value = inp.metrics.get(self.measure)
        bounds = self.limits.get(inp.context, self.limits.get("default"))
        if value is None or not bounds:
            return []
        low, high = bounds.get("min"), bounds.get("max")
        if low is not None and value < low:
            bound = f"at least {low:g}"
        elif high is not None and value > high:
            bound = f"at most {high:g}"
        else:
            return []
        start, end = self._location(inp)
        shown = f"{value:g}" if isinstance(value, int | float) else str(value)
        return [Hit(start, end, {"value": shown, "min": low, "max": high, "bound": bound,
                                 "measure": self.measure})]
