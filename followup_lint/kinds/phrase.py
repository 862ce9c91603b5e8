"""kind: phrase - fixed phrases matched on LOWER, ORTH, NORM or LEMMA (spaCy PhraseMatcher)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import nlp as nlpmod
from .base import Hit, LintInput, require_list

KEYS = ("patterns", "attr")
ATTRS = ("LOWER", "ORTH", "NORM", "LEMMA")
LOCAL = True


def validate(params: Mapping[str, Any]) -> None:
    """Check the phrase list and attribute."""
    patterns = require_list(params, "patterns", str)
    if len(set(p.lower() for p in patterns)) != len(patterns):
        raise ValueError("'patterns' has duplicates")
    if params.get("attr", "LOWER") not in ATTRS:
        raise ValueError(f"'attr' must be one of {', '.join(ATTRS)}")


class Compiled:
    """A PhraseMatcher for one rule."""

    def __init__(self, params: Mapping[str, Any], nlp: Any) -> None:
        self.matcher = nlpmod.phrase_matcher(nlp, params.get("attr", "LOWER"),
                                             list(params["patterns"]))

    def hits(self, inp: LintInput) -> list[Hit]:
        """Every phrase occurrence."""
        return [Hit(s.start_char, s.end_char) for s in self.matcher(inp.doc, as_spans=True)]
