"""kind: pattern - spaCy Matcher token patterns (POS, TAG, DEP, LEMMA, sentence start...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import nlp as nlpmod
from .base import Hit, LintInput, require_list

KEYS = ("patterns",)
LOCAL = True


def validate(params: Mapping[str, Any]) -> None:
    """Structure only; spaCy validates the token attributes when the rule is compiled."""
    for pattern in require_list(params, "patterns", list):
        if not pattern or not all(isinstance(tok, dict) for tok in pattern):
            raise ValueError("each pattern must be a non-empty list of token mappings")


class Compiled:
    """A Matcher for one rule."""

    def __init__(self, params: Mapping[str, Any], nlp: Any) -> None:
        self.matcher = nlpmod.token_matcher(nlp, list(params["patterns"]))

    def hits(self, inp: LintInput) -> list[Hit]:
        """Longest non-overlapping matches."""
        return [Hit(s.start_char, s.end_char) for s in self.matcher(inp.doc, as_spans=True)]
