"""kind: reference - which specific points of the prior discussion the draft never mentions."""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import lexicon
from .base import Hit, LintInput
from .field import participant_words
from .subject import REPLY_PREFIX

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

KEYS = ("min_coverage", "min_mentioned", "max_listed")
LOCAL = False
_CONTENT_POS = {"NOUN", "PROPN", "NUM", "ADJ", "X"}
_NOUN_POS = {"NOUN", "PROPN", "NUM", "X"}
_NOT_POINTS = {"PERSON", "DATE", "TIME", "ORDINAL"}


def validate(params: Mapping[str, Any]) -> None:
    """Numbers in range."""
    coverage = params.get("min_coverage", 0.25)
    if not isinstance(coverage, int | float) or not 0 <= coverage <= 1:
        raise ValueError("'min_coverage' must be a number from 0 to 1")
    for key in ("min_mentioned", "max_listed"):
        value = params.get(key, 1)
        if not isinstance(value, int) or value < 0:
            raise ValueError(f"'{key}' must be a whole number")


def _key_words(span: Span, names: frozenset[str] = frozenset()) -> frozenset[str]:
    """Lower-cased lemmas that make a point specific: its nouns and numbers, else adjectives.
    Participants' names, dates and times are not what was discussed (LABELS.md), nor the
    words of rules/lists/vague-words.yaml."""
    vague = frozenset(lexicon.get("vague-words"))
    words = [t for t in span if not t.is_stop and len(t.text) > 1
             and t.lemma_.lower() not in vague and t.ent_type_ not in _NOT_POINTS
             and t.lower_ not in names and not t.lower_.endswith(("'s", "’s"))]
    nouns = [t for t in words if t.pos_ in _NOUN_POS or t.like_num]
    people = names | {t.lower_ for t in span if t.ent_type_ == "PERSON"}  # "Anne-Marie"
    return frozenset(t.lemma_.lower() for t in (nouns or [t for t in words
                                                         if t.pos_ in _CONTENT_POS])
                     ) | {c for c in compounds(span.text) if people.isdisjoint(c.split("-"))}


_COMPOUND = re.compile(r"(?<![\w-])[^\W_]+(?:-[^\W_]+)+(?![\w-])")


def compounds(text: str) -> frozenset[str]:
    """Hyphenated words as one word ("e-MAR", "T-Mobile", "on-call"): the tagger splits them
    and may take a part for something else ("MAR" for March, "call" for a meeting), so the
    whole is a key word too."""
    return frozenset(m.group(0).lower() for m in _COMPOUND.finditer(text)
                     if any(c.isupper() for c in m.group(0))
                     or all(len(part) > 1 for part in m.group(0).split("-")))


STEM = 5  # letters two words must share to count as one root ("migration", "migrate")
SLACK = 2  # letters of the shorter word that may differ after the shared part ("migrat|e")


def stem(word: str) -> str:
    """The first STEM letters of a word long enough to have a suffix: the index key of roots."""
    return word[:STEM] if len(word) > STEM else word


def same_root(a: str, b: str) -> bool:
    """Whether two words are one root: equal, or sharing at least STEM leading letters and all
    but SLACK letters of the shorter ("migration"/"migrate", "engineering"/"engineer"; not
    "interviewer"/"interest", which share only "inter")."""
    if a == b:
        return True
    shared = len(os.path.commonprefix((a, b)))
    return shared >= STEM and shared >= min(len(a), len(b)) - SLACK


def roots_of(vocabulary: set[str]) -> dict[str, list[str]]:
    """The vocabulary indexed by stem(), for is_mentioned."""
    roots: dict[str, list[str]] = {}
    for v in vocabulary:
        roots.setdefault(stem(v), []).append(v)
    return roots


def is_mentioned(words: frozenset[str], vocabulary: set[str],
                 roots: dict[str, list[str]] | None = None) -> bool:
    """A point counts as mentioned when half its key words (at least one) appear, by lemma,
    word or root ("the dashboard rebuild" mentions "rebuilding the Looker dashboards");
    `roots`: roots_of(vocabulary), when the caller checks several points."""
    if roots is None:
        roots = roots_of(vocabulary)
    found = sum(1 for w in words if w in vocabulary
                or any(same_root(w, v) for v in roots.get(stem(w), ())))
    return found >= max(1, len(words) // 2)


_CONTENT_DEPS = {"acl", "relcl", "advcl", "ccomp", "xcomp", "conj", "parataxis"}


def framing(doc: Doc) -> set[int]:
    """Indices of the tokens that only frame the meeting: each sentence whose head is a
    meeting (rules/lists/meeting-heads.yaml: "Panel interview for Logistics Coordinator at
    Harbourline", "met at the spring convention"), less what it says anything was about
    (rules/lists/topic-prepositions.yaml: "call about the scaffolding", "the role on the
    Wharf Street scheme") and any clause of its own ("call to go through the budget", "met
    and talked about kilns")."""
    heads = frozenset(lexicon.get("meeting-heads"))
    topics = frozenset(lexicon.get("topic-prepositions"))
    out: set[int] = set()

    def is_head(token: Token) -> bool:
        return token.lemma_.lower() in heads or token.lower_ in heads

    for sent in doc.sents:
        root = sent.root
        # the meeting is the root, a noun coordinated with it ("trial shift and interview for
        # Sous Chef at Fennel & Ash"), or a clause or a noun put before the root ("met at the
        # Nairobi FinHack; Wambui was a judge", "interview on 20 May for sub-editor; discussed
        # the house style", where the parser reads the interview as the subject)
        framed = [root] if is_head(root) or (root.pos_ in ("NOUN", "PROPN") and any(
            t.dep_ == "conj" and is_head(t) for t in root.children)) else [
            t for t in root.children if t.i < root.i and is_head(t) and (
                (t.dep_ in ("ccomp", "parataxis") and t.pos_ == "VERB")
                or (t.dep_ in ("nsubj", "npadvmod", "dep") and t.pos_ == "NOUN"))]
        for head in framed:
            kept = {t.i for t in head.subtree}
            for token in head.subtree:
                if (token.head.i == head.i and token.dep_ in _CONTENT_DEPS) or (
                        token.dep_ == "prep" and token.lower_ in topics):
                    kept -= {t.i for t in token.subtree}
            out |= kept
    return out


def points(doc: Doc, names: frozenset[str] = frozenset()) -> list[tuple[str, frozenset[str]]]:
    """Specific points of one prior note: entities, noun chunks and numbers, longest first.
    `names`: lower-cased words of the participants' names, never a point."""
    return [(label, words) for label, words, _ in framed_points(doc, names)]


def framed_points(doc: Doc, names: frozenset[str] = frozenset(),
                  ) -> list[tuple[str, frozenset[str], bool]]:
    """points(), each with whether it only frames the meeting (framing())."""
    # a noun the tagger took for an adjective keeps its article: "if she'd be a bridesmaid"
    spans = [*doc.ents, *doc.noun_chunks, *(doc[t.i : t.i + 1] for t in doc if t.like_num or (
        t.pos_ == "ADJ" and t.dep_ in ("attr", "dobj", "pobj")
        and any(c.dep_ == "det" for c in t.children)))]
    # a hyphenated word the parser broke up ("swapping on-call weeks": "call" a noun of its own)
    for m in _COMPOUND.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and len(span) > 1:
            spans.append(span)
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(span.start < c.end and c.start < span.end for c in chosen):
            chosen.append(span)
    frame = framing(doc)
    # a meeting named anywhere in a note is its framing too: "spoke at the residents' meeting
    # about the hedge" (the residents are no point; the hedge is)
    heads = frozenset(lexicon.get("meeting-heads"))
    out = []
    for span in sorted(chosen, key=lambda s: s.start):
        words = _key_words(span, names)
        if words:
            # the words as written ("cold-storage units", not "cold - storage units")
            label = "".join(t.text_with_ws for t in span if t.pos_ not in {"DET", "PRON", "PART"}
                            and t.dep_ not in {"poss", "case"}).strip()
            framed = all(t.i in frame for t in span) or (
                span.root.pos_ == "NOUN" and span.root.lemma_.lower() in heads)
            out.append((label or span.text, words, framed))
    return out


class Compiled:
    """Coverage of the prior notes' points by the draft's words in scope."""

    def __init__(self, params: Mapping[str, Any], nlp: Any = None) -> None:
        self.min_coverage = float(params.get("min_coverage", 0.25))
        self.min_mentioned = int(params.get("min_mentioned", 1))
        self.max_listed = int(params.get("max_listed", 4))

    def _vocabulary(self, inp: LintInput) -> set[str]:
        ranges = inp.ranges
        subject = inp.draft.section("subject")
        if subject and REPLY_PREFIX.match(inp.draft.text[subject.start : subject.end].lstrip()):
            # "Re: Pilot questions" repeats the thread's subject; it mentions nothing
            ranges = [r for r in ranges if r != (subject.start, subject.end)]
        # read from columns: a Token for each word of the draft cost more than the rest
        strings = inp.doc.vocab.strings
        rows = inp.doc.to_array(["IDX", "LEMMA", "LOWER"]).tolist() if len(inp.doc) else []
        starts = [row[0] for row in rows]  # ascending
        hashes = {h for a, b in ranges for row in rows[bisect.bisect_left(starts, a) :
                                                       bisect.bisect_left(starts, b)]
                  for h in row[1:]}
        words = {strings[h].lower() for h in hashes}  # a lower-cased form is its own lower
        words |= {w for a, b in ranges for w in compounds(inp.draft.text[a:b])}
        groups = lexicon.compiled(_same_meaning)
        return words | {m for w in words for m in groups.get(w, ())}

    def hits(self, inp: LintInput) -> list[Hit]:
        """A hit listing the missing points when too few are mentioned."""
        names = participant_words(inp.draft.meta)
        # the meeting's own framing in the first note (its role, organisation, event) is no
        # discussion point when the notes hold others: "the Logistics Coordinator role"
        # alone mentions none; a later note framed so ("the site visit to Stortford Road")
        # is a point of its own
        framed = [(label, words, frame and k == 0) for k, doc in enumerate(inp.prior_docs)
                  for label, words, frame in framed_points(doc, names)]
        all_points = _dedupe([(label, words) for label, words, frame in framed if not frame]
                             or [(label, words) for label, words, _ in framed])
        if not all_points:
            return []
        vocabulary = self._vocabulary(inp)
        if _names_a_third_party(inp, names, vocabulary):
            return []
        roots = roots_of(vocabulary)
        missing = [label for label, words in all_points
                   if not is_mentioned(words, vocabulary, roots)]
        mentioned = len(all_points) - len(missing)
        if mentioned >= self.min_mentioned and mentioned / len(all_points) >= self.min_coverage:
            return []
        start, end = inp.first_line()
        listed = ", ".join(f'"{m}"' for m in missing[: self.max_listed])
        if len(missing) > self.max_listed:
            listed += f" and {len(missing) - self.max_listed} more"
        return [Hit(start, end, {"missing": listed, "mentioned": mentioned,
                                 "total": len(all_points)})]


def _same_meaning(lists: lexicon.Lists) -> dict[str, frozenset[str]]:
    """rules/lists/same-meaning.yaml: word -> every word it shares a group with ("kid" ->
    child, children, son, ...), so "the kids" mentions "her two children"."""
    groups: dict[str, frozenset[str]] = {}
    for item in lists["same-meaning"]:
        words = frozenset(w.strip().lower() for w in item.split("=") if w.strip())
        for word in words:
            groups[word] = groups.get(word, frozenset()) | words
    return groups


def _names_a_third_party(inp: LintInput, names: frozenset[str], vocabulary: set[str]) -> bool:
    """Whether the draft names someone (or some animal) the notes are about who is not a
    participant: "sorry about Bramble" refers to "her mare Bramble was put down". Such names
    are never listed as missing points, but naming one is a reference. A name the draft only
    uses in its greeting is the reader's, not a point."""
    greeting = inp.draft.section_text("greeting").lower()
    third = {t.lower_ for doc in inp.prior_docs for t in doc
             if t.ent_type_ == "PERSON" and t.is_alpha and len(t.text) > 2
             and t.lower_ not in names and t.lower_ not in greeting}
    return bool(third & vocabulary)


def _dedupe(items: Sequence[tuple[str, frozenset[str]]]) -> list[tuple[str, frozenset[str]]]:
    seen: set[frozenset[str]] = set()
    out = []
    for label, words in items:
        if words not in seen:
            seen.add(words)
            out.append((label, words))
    return out
