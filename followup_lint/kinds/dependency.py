"""kind: dependency - spaCy DependencyMatcher patterns over the parse tree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import nlp as nlpmod
from .base import Hit, LintInput, require_list

KEYS = ("patterns", "report")
LOCAL = True


def validate(params: Mapping[str, Any]) -> None:
    """Structure only; spaCy validates the pattern when the rule is compiled."""
    for pattern in require_list(params, "patterns", list):
        if not pattern or not all(isinstance(node, dict) and "RIGHT_ID" in node
                                  for node in pattern):
            raise ValueError("each dependency pattern is a list of nodes with RIGHT_ID")
    report = params.get("report")
    if report is not None and (not isinstance(report, list) or not report):
        raise ValueError("'report' must be a non-empty list of node names (RIGHT_ID)")


class Compiled:
    """A DependencyMatcher for one rule; a hit covers the reported nodes (default: all)."""

    def __init__(self, params: Mapping[str, Any], nlp: Any) -> None:
        self.patterns = list(params["patterns"])
        self.matcher = nlpmod.dependency_matcher(nlp, self.patterns)
        self.report = params.get("report")
        self.anchors = _anchors(self.patterns, nlp)

    def hits(self, inp: LintInput) -> list[Hit]:
        """One hit per match, spanning the reported tokens."""
        doc, out, seen = inp.doc, [], set()
        if self.anchors is not None:  # no pattern's first word is here: nothing can match
            from spacy.attrs import LEMMA, LOWER

            have = set(doc.to_array(LEMMA).tolist()) | set(doc.to_array(LOWER).tolist())
            if not have & self.anchors:
                return []
        for match_id, token_ids in self.matcher(doc):
            pattern = self.patterns[int(doc.vocab.strings[match_id][1:])]
            names = [node["RIGHT_ID"] for node in pattern]
            chosen = [i for n, i in zip(names, token_ids, strict=False)
                      if not self.report or n in self.report] or token_ids
            start, end = doc[min(chosen)].idx, doc[max(chosen)].idx + len(doc[max(chosen)])
            if (start, end) not in seen:
                seen.add((start, end))
                out.append(Hit(start, end))
        return out


def _anchors(patterns: list[list[dict[str, Any]]], nlp: Any) -> set[int] | None:
    """Hashes of the words one of which every match needs (each pattern's first node lists
    them as LEMMA or LOWER {IN: [...]}); None when a pattern's first node is open."""
    out: set[int] = set()
    for pattern in patterns:
        attrs = pattern[0].get("RIGHT_ATTRS", {})
        words = [v.get("IN") for k, v in attrs.items()
                 if k in ("LEMMA", "LOWER") and isinstance(v, dict)]
        if not words or not isinstance(words[0], list):
            return None
        out |= {nlp.vocab.strings.add(str(w)) for w in words[0]}
    return out
