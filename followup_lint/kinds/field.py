"""Sub-matcher: a front matter value (e.g. the recipient's name) appearing in the text."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import regex

from .. import lexicon
from .base import Hit, LintInput

KEYS = ("field",)
LOCAL = True


def validate(params: Mapping[str, Any]) -> None:
    """The field name must be a string."""
    if not isinstance(params.get("field"), str):
        raise ValueError("'field' must name a front matter key, e.g. recipient")


def words_of(value: str) -> list[str]:
    """The words of a name (2+ letters), titles (rules/lists/name-titles.yaml) left out:
    "Dr. Amara Osei" -> Amara, Osei."""
    titles = lexicon.compiled(_titles)
    return [w for w in regex.findall(r"[\p{L}][\p{L}'-]+", value)
            if w.lower().rstrip(".") not in titles]


def _titles(lists: lexicon.Lists) -> frozenset[str]:
    return frozenset(lists["name-titles"])


def participant_words(meta: Mapping[str, Any]) -> frozenset[str]:
    """Lower-cased words of the recipient's and the sender's names (never a topic)."""
    return frozenset(w.lower() for key in ("recipient", "sender")
                     if isinstance(meta.get(key), str) for w in words_of(meta[key]))


class Compiled:
    """Matches any word (2+ letters, not a title) of the field's value as a whole word."""

    def __init__(self, params: Mapping[str, Any], nlp: Any = None) -> None:
        self.field = params["field"]

    def hits(self, inp: LintInput) -> list[Hit]:
        """Occurrences of the field's words."""
        value = inp.draft.meta.get(self.field)
        if not isinstance(value, str):
            return []
        pattern = _pattern(tuple(words_of(value)))
        if pattern is None:
            return []
        return [Hit(m.start(), m.end()) for m in pattern.finditer(inp.draft.text)]


@functools.lru_cache(maxsize=256)
def _pattern(words: tuple[str, ...]) -> regex.Pattern[str] | None:
    """The words as one whole-word pattern, compiled once per name (a library of templates
    repeats its sender's)."""
    if not words:
        return None
    return regex.compile(r"\b(?:" + "|".join(regex.escape(w) for w in words) + r")\b",
                         regex.IGNORECASE)
