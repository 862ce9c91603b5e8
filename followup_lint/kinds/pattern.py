"""kind: pattern - spaCy Matcher token patterns (POS, TAG, DEP, LEMMA, sentence start...)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .. import nlp as nlpmod
from .base import Hit, LintInput, require_list

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

KEYS = ("patterns",)
LOCAL = True
# An open-ended repeat ("*", "+", "{2,}") makes the Matcher's work grow with the square of a
# run of tokens that it matches: a whole email in capitals took 7 s for 1,300 words against
# pushy.shouting, and minutes for 5,000. On a longer Doc such a rule is matched piece by
# piece, each piece whole sentences of at most CHUNK tokens where the sentences allow.
CHUNK = 200
_OPEN_ENDED = re.compile(r"[*+]|\{\s*[0-9]*\s*,\s*\}")


def validate(params: Mapping[str, Any]) -> None:
    """Structure only; spaCy validates the token attributes when the rule is compiled."""
    for pattern in require_list(params, "patterns", list):
        if not pattern or not all(isinstance(tok, dict) for tok in pattern):
            raise ValueError("each pattern must be a non-empty list of token mappings")


def pieces(doc: Doc, size: int = CHUNK) -> Iterator[Span]:
    """The Doc in consecutive pieces of at most `size` tokens, cut between sentences
    (inside a sentence only when it alone is longer)."""
    bounds = [s.start for s in doc.sents] if doc.has_annotation("SENT_START") else [0]
    bounds.append(len(doc))
    start = 0
    for before, after in zip(bounds, bounds[1:], strict=False):
        if after - start > size and before > start:
            yield doc[start:before]
            start = before
        while after - start > size:
            yield doc[start : start + size]
            start += size
    if start < len(doc):
        yield doc[start:]


class Compiled:
    """A Matcher for one rule."""

    def __init__(self, params: Mapping[str, Any], nlp: Any) -> None:
        patterns = list(params["patterns"])
        self.matcher = nlpmod.token_matcher(nlp, patterns)
        self.open_ended = any(isinstance(tok.get("OP"), str) and _OPEN_ENDED.fullmatch(
            tok["OP"].strip()) for pattern in patterns for tok in pattern)

    def hits(self, inp: LintInput) -> list[Hit]:
        """Longest non-overlapping matches."""
        if not self.open_ended or len(inp.doc) <= CHUNK:
            spans = self.matcher(inp.doc, as_spans=True)
        else:  # a plain Matcher, or one of the patterns that can match, on each piece
            matcher = (self.matcher.subset(inp.doc) if isinstance(self.matcher, nlpmod.Prefiltered)
                       else self.matcher)
            spans = [] if matcher is None else [s for part in pieces(inp.doc)
                                                for s in matcher(part, as_spans=True)]
        return [Hit(s.start_char, s.end_char) for s in spans]
