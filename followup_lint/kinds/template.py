"""kind: template - a template (collection entry, --templates file, `template:` front matter)
with too few personalising merge fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..readers import placeholders
from .base import Hit, LintInput

KEYS = ("min_fields",)
LOCAL = False


def validate(params: Mapping[str, Any]) -> None:
    """min_fields: a positive whole number (default 1)."""
    value = params.get("min_fields", 1)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("'min_fields' must be a positive whole number")


class Compiled:
    """Counts the fields that differ per recipient (not sender, link or date fields)."""

    def __init__(self, params: Mapping[str, Any], nlp: Any = None) -> None:
        self.min_fields = int(params.get("min_fields", 1))

    def hits(self, inp: LintInput) -> list[Hit]:
        """One hit on the first line when a template has fewer personal fields than needed."""
        if not inp.draft.is_template:
            return []
        personal = placeholders.personal(inp.draft.fields)
        if len(personal) >= self.min_fields:
            return []
        start, end = inp.first_line()
        return [Hit(start, end, {"count": len(personal), "min": self.min_fields,
                                 "fields": ", ".join(inp.draft.fields) or "none"})]
