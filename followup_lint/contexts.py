"""The situations a follow-up is written in, the register each expects, and inference."""

from __future__ import annotations

import re
from collections import Counter

from . import lexicon
from .model import InputError

# situation -> expected register
REGISTER: dict[str, str] = {
    "job-interview": "formal",
    "client": "formal",
    "sales": "professional",
    "meeting": "professional",
    "networking": "professional",
    "colleague": "casual",
    "personal": "casual",
}
CONTEXTS: tuple[str, ...] = tuple(REGISTER)
# The formality (0-100) that suits each situation: the limits of tone.register, shown beside
# the score so that a reader knows what the number means (a test keeps the two the same).
FORMALITY_SUITS: dict[str, tuple[float | None, float | None]] = {
    "job-interview": (45, None), "client": (45, None), "sales": (40, None),
    "meeting": (40, None), "networking": (40, None), "colleague": (None, 70),
    "personal": (None, 70),
}
DEFAULT_CONTEXT = "meeting"

# Vocabulary that tells the situation apart, matched on lower-cased words: the weighted lists
# rules/lists/situation-<context>.yaml (a word that only one situation uses counts more).
VOCABULARY_LIST = "situation-{}"


def _vocabularies(lists: lexicon.Lists) -> dict[str, tuple[tuple[str, float], ...]]:
    return {c: tuple(lists.weights(VOCABULARY_LIST.format(c)).items()) for c in CONTEXTS}


_WORD = re.compile(r"[a-z](?:[a-z'-]*[a-z])?")  # "trustees'" is trustees


def validate(name: str, source: str = "--context") -> str:
    """The context name, or InputError listing the valid ones."""
    if name not in REGISTER:
        valid = ", ".join(CONTEXTS)
        raise InputError(f"{source}: unknown context {name!r} (valid: {valid})")
    return name


def infer(text: str) -> str:
    """The most likely situation for a text, by weighted vocabulary; a default when unsure."""
    return infer_sure(text)[0]


def infer_sure(text: str) -> tuple[str, bool]:
    """The most likely situation, and whether the vocabulary said so (False: the default)."""
    words = Counter(_WORD.findall(text.lower()))
    scores = {
        context: sum(weight * min(words[w], 3) for w, weight in vocab)
        for context, vocab in lexicon.compiled(_vocabularies).items()
    }
    best = max(scores, key=lambda c: (scores[c], -CONTEXTS.index(c)))
    return (best, True) if scores[best] >= 3 else (DEFAULT_CONTEXT, False)


def register(context: str) -> str:
    """The register a situation expects: formal, professional or casual."""
    return REGISTER.get(context, "professional")
