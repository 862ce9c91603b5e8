"""Politeness and formality scores computed on parsed spaCy documents.

Politeness follows the request strategies of Danescu-Niculescu-Mizil et al. (2013),
"A computational approach to politeness with application to social factors", realised on
the spaCy parse, combined by a logistic model whose weights are fitted on the Stanford
Politeness Corpus by ``benchmarks/fit_politeness.py``.  Formality combines register
markers (contractions, slang, emoji, greeting and sign-off register) with the
Heylighen-Dewaele F-score.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from . import lexicon

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from spacy.tokens import Doc, Span, Token

__all__ = [
    "FEATURE_NAMES",
    "formality",
    "formality_features",
    "load_weights",
    "politeness",
    "politeness_features",
]


# --------------------------------------------------------------------------------------
# Word lists: rules/lists/*.yaml (lexicon.py), one per strategy or marker; each file says
# which feature reads it. Syntax of the parse (modals, clitics, POS classes) stays here.
# --------------------------------------------------------------------------------------

_YOU = frozenset(("you", "u"))
_COUNTERFACTUAL = frozenset(("could", "would"))
_INDICATIVE = frozenset(
    ("can", "will", "ca", "wo")
)  # "ca"/"wo" are spaCy's halves of "can't"/"won't"


def _split(items: Iterable[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """(single words, phrases) of a list: a word counts by form or lemma, a phrase (an item
    with a space) as whole words in the lower-cased word sequence."""
    items = tuple(items)
    return (frozenset(i for i in items if " " not in i),
            tuple(i for i in items if " " in i))


class _Words:
    """The sets and phrases the scores read, made once per set of lists (lexicon.compiled)."""

    def __init__(self, lists: lexicon.Lists) -> None:
        def words(name: str) -> frozenset[str]:
            return frozenset(lists[name])

        self.positive = words("positive-words")
        self.negative = words("negative-words")
        self.hedge_words, self.hedge_phrases = _split(lists["hedges"])
        self.factual_words, self.factual_phrases = _split(lists["factuality"])
        self.apology_words, self.apology_phrases = _split(lists["apologies"])
        self.greetings = words("greeting-words")
        self.openers = self.greetings | words("opening-words")
        self.please = words("please-words")
        self.thanks = words("thanks-words")
        self.praise_adjectives = words("praise-adjectives")
        self.praise_nouns = words("praise-nouns")
        self.praise_words = words("praise-words")
        self.wh_direct = words("direct-question-words")
        self.direct_starts = words("direct-starts")
        self.first_sg = words("first-person-singular")
        self.first_pl = words("first-person-plural")
        self.first_person = self.first_sg | self.first_pl
        self.second = words("second-person")
        self.imperative_leads = words("imperative-leads")
        self.soft_imperatives = words("soft-imperatives")
        self.indirect_requests = tuple(lists["indirect-requests"])
        self.offers = tuple(lists["offers-of-help"])
        self.permission = tuple(lists["permission-requests"])
        self.btw = tuple(lists["by-the-way"])
        self.slang = words("slang-words")
        self.single_letter_slang = words("single-letter-slang")
        self.casual_greetings = tuple(lists["casual-greetings"])
        self.formal_greetings = tuple(lists["formal-greetings"])
        self.casual_signoffs = tuple(lists["casual-sign-offs"])
        self.formal_signoffs = tuple(lists["formal-sign-offs"])
        self.markers: dict[int, bool] = {}  # token text hash -> slang or emoji (_marker)


def _words() -> _Words:
    """The word lists of the current run (the built-in ones, or a project's)."""
    return lexicon.compiled(_Words)


_PUBLIC_LISTS = {"POSITIVE_WORDS": "positive", "NEGATIVE_WORDS": "negative",
                 "SLANG_WORDS": "slang"}


def __getattr__(name: str) -> frozenset[str]:
    """POSITIVE_WORDS, NEGATIVE_WORDS, SLANG_WORDS: the built-in lists, read when asked."""
    if name in _PUBLIC_LISTS:
        with lexicon.using(None):
            return getattr(_words(), _PUBLIC_LISTS[name])  # type: ignore[no-any-return]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


FEATURE_NAMES: tuple[str, ...] = (
    "gratitude",
    "deference",
    "greeting",
    "apologizing",
    "please",
    "please_start",
    "indirect_btw",
    "direct_question",
    "why_question",
    "direct_start",
    "factuality",
    "hedges",
    "counterfactual_modal",
    "indicative_modal",
    "permission_request",
    "indirect_request",
    "offer_help",
    "first_person_start",
    "first_person_singular",
    "first_person_plural",
    "second_person",
    "second_person_start",
    "positive_lexicon",
    "negative_lexicon",
    "subjunctive",
    "imperative",
    "negation",
    "emphatic_punctuation",
)

# Formality word lists ------------------------------------------------------------------

_CONTRACTIONS = frozenset(("n't", "'re", "'ll", "'m", "'ve", "'d"))
_EMOJI_RE = re.compile(
    "[\U0001f300-\U0001faff\U0001f1e6-\U0001f1ff\u2600-\u27bf\u2b50\u2b55\u2190-\u21ff\u3030\u303d]"
)
# text emoticons; "/" is excluded so that URLs ("https://") do not count
_EMOTICON_RE = re.compile(r"(?<![\w])(?:[:;=8][-^']?[)(\]\[DPpO3|*]|<3|xD|XD)(?![\w])")
_SIGNOFF_MAX_WORDS = 4
_CLOSING_SPLIT_RE = re.compile(r"[.!?\n]+|" + _EMOJI_RE.pattern)

# Formality calibration (see ``formality``): a clean, plain note starts at _BASE
_BASE = 60.0
_F_MIDPOINT = 55.0  # typical F-score of a plain business email
_F_WEIGHT = 0.6
_F_SHRINK_WORDS = 20.0  # F of a 20-word text counts half: POS ratios of short texts are noisy
_REGISTER_POINTS = 5.0
_CASUAL_CAP = 45.0  # casual markers can pull a text down by at most this many points

# Heylighen-Dewaele POS classes (spaCy universal tags)
_F_PLUS = frozenset(("NOUN", "PROPN", "ADJ", "ADP", "DET"))
_F_MINUS = frozenset(("PRON", "VERB", "AUX", "ADV", "INTJ"))
_F_IGNORED = frozenset(("PUNCT", "SPACE", "SYM", "X"))


# --------------------------------------------------------------------------------------
# Parse helpers
# --------------------------------------------------------------------------------------


def _is_word(tok: Token) -> bool:
    """Return True for tokens that carry a word (not punctuation, space or markup)."""
    return not (tok.is_punct or tok.is_space) and any(c.isalnum() for c in tok.text)


def _norm(tok: Token) -> str:
    """Lower-case form with typographic apostrophes folded to ASCII."""
    return tok.lower_.replace("\u2019", "'")


# What depends on a token's text alone, worked out once per distinct text (keyed by the
# StringStore hash) rather than once per token: reading token attributes one by one makes a
# Python object per token per attribute, and was most of the cost of the scores.
_BY_HASH_MAX = 200_000
_NORMS: dict[int, str] = {}
_LOWERED: dict[int, str] = {}
_WORDS: dict[int, bool] = {}


_POS: dict[int, str] = {}
_TAGS: dict[int, str] = {}


def _remember(table: dict[int, Any], key: int, value: Any) -> Any:
    if len(table) >= _BY_HASH_MAX:
        table.clear()
    table[key] = value
    return value


def _each(table: dict[int, Any], keys: list[int], work: Callable[[int], Any]) -> list[Any]:
    """What ``work`` gives for each key, worked out once per distinct key and remembered."""
    missing = set(keys).difference(table)
    if missing and len(table) + len(missing) > _BY_HASH_MAX:
        table.clear()
        missing = set(keys)
    for key in missing:
        table[key] = work(key)
    return list(map(table.__getitem__, keys))


class _View:
    """Token attributes of one Doc, or of one Span of a Doc (positions are then counted from
    the Span's start), read once so each feature does not re-walk the parse."""

    __slots__ = (
        "forms",
        "joined",
        "lemmas",
        "negations",
        "norms",
        "pairs",
        "pos",
        "sents",
        "start_ids",
        "start_words",
        "starts",
        "tags",
        "text",
        "texts",
        "whole",
        "first",
        "orths",
        "lowers",
        "word_ids",
    )

    def __init__(self, doc: Doc | Span) -> None:
        """Cache tokens, lower-cased forms, lemmas, word positions and sentence starts."""
        whole: Doc = doc.doc if hasattr(doc, "start") else doc  # type: ignore[union-attr]
        first: int = getattr(doc, "start", 0)
        strings = whole.vocab.strings
        rows = whole.to_array(["ORTH", "LOWER", "LEMMA", "SENT_START", "IS_PUNCT", "IS_SPACE",
                               "DEP", "POS", "TAG", "SPACY"])[first : first + len(doc)]
        # column by column, each distinct value worked out once: Tokens are made only where a
        # feature reads the parse tree (token()), as a Token for every word of every draft
        # cost more than all the features together
        orths, lowers, lemmas, sent_starts, punct, space, deps, pos, tags, spaces = (
            rows.T.tolist() if len(rows) else [[] for _ in range(10)])
        self.whole, self.first = whole, first
        self.negations = deps.count(strings["neg"])
        self.orths, self.lowers = orths, lowers
        self.texts = [strings[orth] for orth in orths]
        self.norms = _each(_NORMS, lowers, lambda h: strings[h].replace("\u2019", "'"))
        self.lemmas = _each(_LOWERED, lemmas, lambda h: strings[h].lower())
        self.pos = _each(_POS, pos, lambda h: strings[h])  # (a POS symbol's id names it)
        self.tags = _each(_TAGS, tags, lambda h: strings[h])
        marks = dict(zip(orths, zip(punct, space, strict=True), strict=True))
        words = _each(_WORDS, orths, lambda h: not any(marks[h])
                      and any(c.isalnum() for c in strings[h]))
        self.word_ids = [i for i, word in enumerate(words) if word]
        # sentences as Doc.sents gives them (a Span's first token opens its first sentence)
        bounds = [0] + [i for i in range(1, len(rows)) if sent_starts[i] == 1] + [len(rows)]
        self.sents = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if a < b]
        # the text as Doc.text gives it (Span.as_doc keeps the last token's whitespace)
        # (a trailing whitespace is one space or none: any other whitespace is a token)
        self.text = "".join([t + " " if sp else t for t, sp in zip(self.texts, spaces,
                                                                     strict=True)])
        self.pairs = Counter((self.norms[i], self.lemmas[i]) for i in self.word_ids)
        self.forms = {form for pair in self.pairs for form in pair}
        # padded word string: " by the way " matches whole words only
        self.joined = " " + " ".join(self.norms[i] for i in self.word_ids) + " "
        self.starts = _sentence_starts(self)
        self.start_ids = set(self.starts)
        self.start_words = [self.norms[i] for i in self.starts]

    @classmethod
    def of(cls, doc: Doc | Span) -> _View:
        """The view of a Doc, built once when politeness and formality both read it."""
        last = _LAST_VIEW[0]
        if last is None or last[0] is not doc:  # the Doc is held, so its id is not reused
            _LAST_VIEW[0] = last = (doc, cls(doc))
        return last[1]

    def token(self, i: int) -> Token:
        """The Token at position ``i`` (counted from the start of the Doc or Span)."""
        return self.whole[self.first + i]

    def sentence_spans(self) -> list[Span]:
        """The sentences as Spans."""
        return [self.whole[self.first + a : self.first + b] for a, b in self.sents]

    def has(self, words: frozenset[str]) -> bool:
        """Any token whose form or lemma is in ``words``."""
        return not words.isdisjoint(self.forms)

    def count(self, words: frozenset[str]) -> int:
        """Number of tokens whose form or lemma is in ``words``."""
        if words.isdisjoint(self.forms):
            return 0
        return sum(n for (norm, lemma), n in self.pairs.items() if norm in words or lemma in words)

    def phrases(self, phrases: Iterable[str]) -> int:
        """Occurrences of whole-word phrases in the lower-cased word sequence."""
        return sum(self.joined.count(f" {p} ") for p in phrases)

    def non_start(self, words: frozenset[str]) -> int:
        """Occurrences of ``words`` away from sentence starts (the start features cover those)."""
        return sum(1 for i in self.word_ids if i not in self.start_ids and self.norms[i] in words)


_LAST_VIEW: list[tuple[Doc | Span, _View] | None] = [None]


def _sentence_starts(view: _View) -> list[int]:
    """Positions of the first word of each sentence, plus the word after an opening
    greeting/vocative."""
    starts: list[int] = []
    openers = _words().openers
    words = iter(view.word_ids)
    word = next(words, None)
    for a, b in view.sents:
        while word is not None and word < a:
            word = next(words, None)
        if word is None or word >= b:
            continue
        starts.append(word)
        if view.norms[word] not in openers:
            continue
        # "Hi John, could you ..." -- the clause after the greeting opens the request too
        for i in view.word_ids[view.word_ids.index(word) + 1 :]:
            if i >= b:
                break
            if view.pos[i] == "PROPN" or view.norms[i] in openers:
                continue
            starts.append(i)
            break
    return starts


def _subject_of(verb: Token) -> Token | None:
    """Nominal subject attached to a verb, if any."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "expl"):
            return child
    return None


def _addresses_you(verb: Token) -> bool:
    """True if the clause headed by ``verb`` has a second-person subject."""
    subj = _subject_of(verb)
    return subj is not None and _norm(subj) in _YOU


def _modal_with_you(view: _View, modals: frozenset[str]) -> bool:
    """A modal from ``modals`` in a clause addressed to "you" ("could you", "can you")."""
    return any(
        view.norms[i] in modals
        and view.tags[i] == "MD"
        and _addresses_you(view.token(i).head)
        for i in view.word_ids
    )


def _is_imperative(sent: Span) -> bool:
    """A bare, subjectless base-form main verb opening the sentence ("Fix it now.")."""
    root = sent.root
    w = _words()
    if (
        root.tag_ != "VB"
        or root.lemma_.lower() in w.soft_imperatives
        or _subject_of(root) is not None
    ):
        return False
    if any(c.dep_ == "aux" and c.tag_ == "MD" for c in root.children):
        return False
    for tok in sent:
        if not _is_word(tok):
            continue
        if tok.i == root.i:
            return True
        # only politeness markers, discourse particles and negation may precede the verb
        if _norm(tok) not in w.imperative_leads and tok.dep_ != "neg":
            return False
    return False


def _is_subjunctive(view: _View) -> bool:
    """Hypothetical framing: an if-clause, or would/could/might not addressed to "you"."""
    for i in view.word_ids:
        if view.norms[i] == "if" and view.token(i).dep_ == "mark":
            return True
        if (
            view.lemmas[i] in ("would", "could", "might")
            and view.tags[i] == "MD"
            and not _addresses_you(view.token(i).head)
        ):
            return True
    return False


def _sat(count: float, scale: float = 1.0) -> float:
    """Saturating map of a count into [0, 1): the first occurrence matters most."""
    return 1.0 - math.exp(-count / scale)


# --------------------------------------------------------------------------------------
# Politeness
# --------------------------------------------------------------------------------------


def _praises_work(tok: Token, w: _Words) -> bool:
    """A work noun modified by a praising adjective ("great job", "nice catch")."""
    return _norm(tok) in w.praise_nouns and any(_norm(c) in w.praise_adjectives
                                                for c in tok.children)


def _appreciates(tok: Token, w: _Words) -> bool:
    """First-person "appreciate" ("I appreciate", "we really appreciate")."""
    if tok.lemma_.lower() != "appreciate":
        return False
    subj = _subject_of(tok)
    return subj is not None and _norm(subj) in w.first_person


def _deference(view: _View, w: _Words) -> bool:
    """Praise of the addressee ("great job", "I appreciate", "kudos", "Nice catch!")."""
    for i in view.word_ids:
        if (view.norms[i] in w.praise_words
                or (view.norms[i] in w.praise_nouns and _praises_work(view.token(i), w))
                or (view.lemmas[i] == "appreciate" and _appreciates(view.token(i), w))):
            return True
    return any(view.norms[i] in w.praise_adjectives and view.pos[i] == "ADJ"
               for i in view.starts)


def politeness_features(doc: Doc | Span) -> dict[str, float]:
    """Politeness strategy features of a request: indicators or saturated counts in [0, 1]."""
    w = _words()
    v = _View.of(doc)
    starts = set(v.start_words)
    feats = {
        "gratitude": v.has(w.thanks),
        "deference": _deference(v, w),
        "greeting": bool(starts & w.greetings),
        "apologizing": v.has(w.apology_words) or v.phrases(w.apology_phrases) > 0,
        "please": v.non_start(w.please) > 0,
        "please_start": bool(starts & w.please),
        "indirect_btw": v.phrases(w.btw) > 0,
        "direct_question": bool(starts & w.wh_direct),
        "why_question": "why" in starts,
        "direct_start": bool(starts & w.direct_starts),
        "factuality": v.has(w.factual_words) or v.phrases(w.factual_phrases) > 0,
        "hedges": _sat(v.count(w.hedge_words) + v.phrases(w.hedge_phrases)),
        "counterfactual_modal": _modal_with_you(v, _COUNTERFACTUAL),
        "indicative_modal": _modal_with_you(v, _INDICATIVE),
        "permission_request": v.phrases(w.permission) > 0,
        "indirect_request": v.phrases(w.indirect_requests) > 0,
        "offer_help": v.phrases(w.offers) > 0,
        "first_person_start": bool(starts & w.first_sg),
        "first_person_singular": _sat(v.non_start(w.first_sg), 2.0),
        "first_person_plural": v.has(w.first_pl),
        "second_person": _sat(v.non_start(w.second), 2.0),
        "second_person_start": bool(starts & w.second),
        "positive_lexicon": _sat(v.count(w.positive), 1.5),
        "negative_lexicon": _sat(v.count(w.negative)),
        "subjunctive": _is_subjunctive(v),
        "imperative": any(_is_imperative(s) for s in v.sentence_spans()),
        "negation": _sat(v.negations),
        "emphatic_punctuation": re.search(r"[?!]{2,}", v.text) is not None,
    }
    return {name: float(feats[name]) for name in FEATURE_NAMES}


@lru_cache(maxsize=1)
def load_weights() -> dict[str, Any]:
    """Load the fitted politeness model (weights, intercept, metadata) from package data."""
    path = resources.files("followup_lint") / "data" / "politeness_weights.json"
    return json.loads(path.read_text(encoding="utf-8"))


def politeness(doc: Doc | Span) -> float:
    """Politeness in [-1, 1]: 2 * sigmoid(w . features + b) - 1 with the fitted logistic weights."""
    model = load_weights()
    feats = politeness_features(doc)
    z = float(model["intercept"]) + sum(
        float(w) * feats.get(name, 0.0) for name, w in model["weights"].items()
    )
    return 2.0 / (1.0 + math.exp(-z)) - 1.0


# --------------------------------------------------------------------------------------
# Formality
# --------------------------------------------------------------------------------------


def _is_marker(text: str, lower: str, slang: frozenset[str]) -> bool:
    """Slang or emoji token: the tagger mislabels these ("thx" as a noun), so F skips them."""
    return lower in slang or _EMOJI_RE.search(text) is not None


def _marker(view: _View, i: int, w: _Words) -> bool:
    orth = view.orths[i]
    marker = w.markers.get(orth)
    if marker is None:
        lower = view.whole.vocab.strings[view.lowers[i]]
        marker = _remember(w.markers, orth, _is_marker(view.texts[i], lower, w.slang))
    return marker  # type: ignore[no-any-return]


def _f_score(view: _View) -> float:
    """Heylighen-Dewaele F-score from universal POS tags (50 when there are no words)."""
    w = _words()
    counted = [p for i, p in enumerate(view.pos)
               if p not in _F_IGNORED and not _marker(view, i, w)]
    if not counted:
        return 50.0
    plus = sum(1 for p in counted if p in _F_PLUS)
    minus = sum(1 for p in counted if p in _F_MINUS)
    return (100.0 * (plus - minus) / len(counted) + 100.0) / 2.0


def _contractions(view: _View) -> int:
    """Clitic contractions: n't, 're, 'll, 'm, 've, 'd, and 's when it is a verb ("it's")."""
    total = 0
    for i, norm in enumerate(view.norms):
        if norm in _CONTRACTIONS or (norm == "'s" and view.tags[i] != "POS"):
            total += 1
    return total


def _plain_words(text: str) -> list[str]:
    """Whitespace-separated words stripped of surrounding punctuation (case kept)."""
    words = (w.strip('.,!?;:"()[]{}*_~-').replace("\u2019", "'") for w in text.split())
    return [w for w in words if w]


def _slang(text: str) -> int:
    """Slang and text-speak words, read from raw text since spaCy splits "gonna" into "gon na"."""
    words = _words()
    return sum(
        1
        for w in _plain_words(text)
        if w.lower() in words.slang and (w not in words.single_letter_slang or w.islower())
    )


def _emoji(text: str) -> int:
    """Pictographic emoji plus text emoticons such as ":)" and "<3"."""
    return len(_EMOJI_RE.findall(text)) + len(_EMOTICON_RE.findall(text))


def _lines(text: str) -> list[str]:
    """Non-empty stripped lines."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _register(candidates: Iterable[str], formal: Sequence[str], casual: Sequence[str]) -> float:
    """+1 if a candidate opens with a formal phrase, -1 with a casual one, 0 otherwise."""
    for cand in candidates:
        text = " " + " ".join(_plain_words(cand.lower())) + " "
        if any(text.startswith(f" {p} ") for p in formal):
            return 1.0
        if any(text.startswith(f" {p} ") for p in casual):
            return -1.0
    return 0.0


def _greeting_register(text: str) -> float:
    """Opening register: "dear"/"good morning" formal, "hey"/"yo" casual, "hi"/"hello" neutral."""
    w = _words()
    return _register(_lines(text)[:1], w.formal_greetings, w.casual_greetings)


def _closing_segments(text: str) -> list[str]:
    """Last lines of a multi-line email, or the last sentence fragments of a one-liner."""
    lines = _lines(text)
    if len(lines) > 1:
        return lines[-3:]
    # "... u around later? cheers" -- the sign-off follows the last "?", "!", "." or emoji
    return [seg for seg in _CLOSING_SPLIT_RE.split(text) if seg.strip()][-2:]


def _signoff_register(text: str) -> float:
    """Closing register: "sincerely"/"kind regards" formal, "cheers"/"thx" casual."""
    # a sign-off is a short closing formula, not a sentence that merely contains the word
    short = [c for c in _closing_segments(text) if len(_plain_words(c)) <= _SIGNOFF_MAX_WORDS]
    w = _words()
    return _register(reversed(short), w.formal_signoffs, w.casual_signoffs)


def _lowercase_starts(view: _View) -> float:
    """Share of sentence openings that begin with a lower-case letter."""
    openers = []
    words = view.word_ids
    k = 0
    for a, b in view.sents:
        while k < len(words) and words[k] < a:
            k += 1
        first = view.texts[words[k]] if k < len(words) and words[k] < b else ""
        if first[:1].isalpha():
            openers.append(first)
    if not openers:
        return 0.0
    return sum(1 for w in openers if w[0].islower()) / len(openers)


def formality_features(doc: Doc | Span) -> dict[str, float]:
    """Formality components: F-score, marker densities and counts, register indicators."""
    view = _View.of(doc)
    text = view.text
    n_words = max(len(view.word_ids), 1)
    return {
        "f_score": _f_score(view),
        "contractions_per_100": 100.0 * _contractions(view) / n_words,
        "slang_per_100": 100.0 * _slang(text) / n_words,
        "emoji": float(_emoji(text)),
        "exclamations": float(text.count("!")),
        "greeting_register": _greeting_register(text),
        "signoff_register": _signoff_register(text),
        "lowercase_starts": _lowercase_starts(view),
        "lowercase_i": float(view.texts.count("i")),
        "words": float(len(view.word_ids)),
    }


def _f_component(f: dict[str, float]) -> float:
    """F-score deviation from an everyday-email midpoint, shrunk for short texts."""
    reliability = f["words"] / (f["words"] + _F_SHRINK_WORDS)
    return _F_WEIGHT * (f["f_score"] - _F_MIDPOINT) * reliability


def _formal_bonus(f: dict[str, float]) -> float:
    """Points for a formal greeting ("Dear") and a formal sign-off ("Sincerely")."""
    return _REGISTER_POINTS * (max(f["greeting_register"], 0.0) + max(f["signoff_register"], 0.0))


def _casual_evidence(f: dict[str, float]) -> float:
    """Points of casual-register evidence, each marker saturating on its own."""
    return (
        12.0 * _sat(f["contractions_per_100"], 5.0)
        + 20.0 * _sat(f["slang_per_100"], 10.0)
        + 6.0 * min(f["emoji"], 2.0)
        + 2.0 * min(f["exclamations"], 3.0)
        + _REGISTER_POINTS * (max(-f["greeting_register"], 0.0) + max(-f["signoff_register"], 0.0))
        + 10.0 * f["lowercase_starts"]
        + 3.0 * min(f["lowercase_i"], 2.0)
    )


def formality(doc: Doc | Span) -> float:
    """Formality in [0, 100]; see the module constants and the formula below.

    F is the Heylighen-Dewaele (1999) F-score,
    ``F = (noun + adj + prep + det - pron - verb - adv - interj + 100) / 2``, each class as a
    percentage of all words (nouns include proper nouns, verbs include auxiliaries; slang and
    emoji are skipped because the tagger mislabels them).  With ``n`` words::

        base     = 60 + 0.6 * (F - 55) * n / (n + 20)           # shrink F for short texts
        formal   = 5 * [formal greeting] + 5 * [formal sign-off]
        casual   = 12 * sat(contractions per 100 words / 5) + 20 * sat(slang per 100 words / 10)
                   + 6 * min(emoji, 2) + 2 * min("!", 3)
                   + 5 * [casual greeting] + 5 * [casual sign-off]
                   + 10 * lower-case sentence-start share + 3 * min(lower-case "i", 2)
        score    = clip(base + formal - 45 * sat(casual / 45), 0, 100)

    where ``sat(x) = 1 - exp(-x)``: casual markers pile up with diminishing returns, so a chatty
    note lands around 20-40 rather than at zero.  Calibration: a formal interview thank-you
    scores about 65-80, a neutral professional note 55-65, a chatty note with slang and emoji
    20-40.
    """
    f = formality_features(doc)
    casual = _CASUAL_CAP * _sat(_casual_evidence(f), _CASUAL_CAP)
    score = _BASE + _f_component(f) + _formal_bonus(f) - casual
    return min(100.0, max(0.0, score))
