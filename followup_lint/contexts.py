"""The situations a follow-up is written in, the register each expects, and inference."""

from __future__ import annotations

import re
from collections import Counter

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

# Vocabulary that tells the situation apart, matched on lower-cased words. Weighted: a
# word that only one situation uses counts more than a shared one.
_VOCABULARY: dict[str, dict[str, float]] = {
    "job-interview": {
        "interview": 3, "interviewing": 3, "role": 2, "position": 2, "candidate": 2,
        "hiring": 2, "recruiter": 2, "offer": 1, "opportunity": 1, "resume": 2, "cv": 2,
        "portfolio": 1, "onsite": 2, "panel": 1, "application": 2, "applied": 2,
    },
    "sales": {
        "pricing": 3, "demo": 3, "trial": 2, "quote": 2, "proposal": 2, "license": 2,
        "licenses": 2, "seats": 3, "discount": 3, "subscription": 2, "plan": 1, "roi": 2,
        "purchase": 2, "procurement": 2, "renewal": 2, "pilot": 2, "vendor": 1,
    },
    "meeting": {
        "meeting": 2, "agenda": 3, "minutes": 2, "action": 1, "items": 1, "sync": 2,
        "workshop": 2, "call": 1, "notes": 1, "attendees": 2, "recap": 2,
    },
    "networking": {
        "conference": 3, "meetup": 3, "event": 2, "panel": 1, "coffee": 2, "linkedin": 3,
        "connect": 2, "introduction": 2, "intro": 2, "summit": 2, "mentor": 2, "alumni": 2,
        "booth": 2, "talk": 1,
    },
    "client": {
        "invoice": 3, "deliverable": 3, "deliverables": 3, "account": 1, "kickoff": 2,
        "milestone": 2, "sow": 3, "engagement": 2, "contract": 1, "retainer": 3,
        "rollout": 1, "support": 1, "ticket": 2,
    },
    "colleague": {
        "sprint": 3, "standup": 3, "pr": 2, "repo": 2, "deploy": 2, "team": 1,
        "review": 1, "branch": 2, "jira": 2, "slack": 2, "lunch": 1, "retro": 3,
        "handover": 3, "ping": 2, "covering": 2, "ooo": 3, "desk": 2, "rota": 3, "shift": 1,
        "teammate": 3, "deskmate": 3, "on-call": 3, "oncall": 3, "whatsapp": 1, "away": 1,
    },
    "personal": {
        "birthday": 3, "dinner": 2, "family": 2, "wedding": 3, "kids": 2, "mom": 3,
        "dad": 3, "party": 2, "trip": 1, "vacation": 2, "weekend": 1, "hug": 3,
        "housewarming": 3, "bbq": 3, "barbecue": 3, "picnic": 3, "concert": 2, "gig": 1,
        "flat": 1, "apartment": 1, "friend": 1, "mate": 2, "neighbour": 3, "neighbor": 3,
        "christmas": 2, "hike": 2, "mum": 3, "love": 1, "rent": 1, "borrow": 2,
    },
}
_WORD = re.compile(r"[a-z][a-z'-]*")


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
        context: sum(weight * min(words[w], 3) for w, weight in vocab.items())
        for context, vocab in _VOCABULARY.items()
    }
    best = max(scores, key=lambda c: (scores[c], -CONTEXTS.index(c)))
    return (best, True) if scores[best] >= 2 else (DEFAULT_CONTEXT, False)


def register(context: str) -> str:
    """The register a situation expects: formal, professional or casual."""
    return REGISTER.get(context, "professional")
