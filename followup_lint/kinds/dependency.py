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
        if self.anchors:  # a pattern can match only if every node with a word list finds one
            # the Doc's lemma and lower-case sets, read once per Doc for all the matchers
            lemmas = nlpmod.doc_values(doc, "LEMMA")
            lowers = nlpmod.doc_values(doc, "LOWER")
            if not any(all(not (words.isdisjoint(lemmas) and words.isdisjoint(lowers))
                           for words in needs) for needs in self.anchors):
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


def _anchors(patterns: list[list[dict[str, Any]]], nlp: Any) -> list[list[set[int]]] | None:
    """Per pattern, the hashes of the words its nodes require (a node with LEMMA or LOWER
    {IN: [...]}); None when some pattern has no such node (it could match anything)."""
    out: list[list[set[int]]] = []
    for pattern in patterns:
        needs = []
        for node in pattern:
            for key, value in node.get("RIGHT_ATTRS", {}).items():
                if key in ("LEMMA", "LOWER") and isinstance(value, dict) and isinstance(
                        value.get("IN"), list):
                    needs.append({nlp.vocab.strings.add(str(w)) for w in value["IN"]})
        if not needs:
            return None
        out.append(needs)
    return out
