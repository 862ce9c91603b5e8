"""Sub-matcher: words in the notes of the earlier conversation (prior) or the quoted thread.

What the reader did or said before ("wrote you a reference", "covered your shift") is in the
notes, not in the draft. As a `requires` companion, {notes: [...]} holds when any of the
phrases occurs there (whole words, any case); its hit stands at the start of the body.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import regex

from .base import Hit, LintInput

KEYS = ("notes",)
LOCAL = False


def validate(params: Mapping[str, Any]) -> None:
    """A non-empty list of phrases."""
    items = params.get("notes")
    if not isinstance(items, list) or not items or not all(
            isinstance(i, str) and i.strip() for i in items):
        raise ValueError("'notes' must be a non-empty list of phrases")


@functools.lru_cache(maxsize=64)
def _compile(phrases: tuple[str, ...]) -> regex.Pattern[str]:
    alternatives = "|".join(regex.escape(p.strip()) for p in sorted(phrases, key=len, reverse=True))
    return regex.compile(r"(?<![\w])(?:" + alternatives + r")(?![\w])", regex.IGNORECASE)


class Compiled:
    """Holds when a phrase occurs in the prior notes or the quoted thread."""

    def __init__(self, params: Mapping[str, Any], nlp: Any = None) -> None:
        self.pattern = _compile(tuple(params["notes"]))

    def hits(self, inp: LintInput) -> list[Hit]:
        """One hit at the start of the body when the notes hold a phrase."""
        notes = "\n".join([*inp.draft.prior, inp.draft.quoted])[:100_000]
        if not self.pattern.search(notes):
            return []
        body = [s for s in inp.draft.sections if s.name == "body"]
        start = body[0].start if body else 0
        return [Hit(start, start)]
