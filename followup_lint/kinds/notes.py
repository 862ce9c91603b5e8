"""Sub-matcher: words in the notes of the earlier conversation (prior) or the quoted thread.

What the reader did or said before ("wrote you a reference", "covered your shift") is in the
notes, not in the draft. As a `requires` companion, {notes: [...]} holds when any of the
phrases occurs there (whole words, any case); its hit stands at the start of the body.

The notes are written by the sender about the conversation, often naming themselves in the
third person ("Sara introduced Liam to the buyer", "Marta covered Beth's shifts"): the
sender's own name there is read as "me" / "my", so the first-person phrases of a list match.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import regex

from .. import lexicon
from .base import Hit, LintInput
from .field import words_of

KEYS = ("notes",)
LOCAL = False


def validate(params: Mapping[str, Any]) -> None:
    """A non-empty list of phrases."""
    items = params.get("notes")
    if not isinstance(items, list) or not items or not all(
            isinstance(i, str) and i.strip() for i in items):
        raise ValueError("'notes' must be a non-empty list of phrases")


@functools.lru_cache(maxsize=64)
def _compile(phrases: tuple[str, ...]) -> regex.Pattern[str]:
    alternatives = "|".join(regex.escape(p.strip()) for p in sorted(phrases, key=len, reverse=True))
    return regex.compile(r"(?<![\w])(?:" + alternatives + r")(?![\w])", regex.IGNORECASE)


class Compiled:
    """Holds when a phrase occurs in the prior notes or the quoted thread."""

    def __init__(self, params: Mapping[str, Any], nlp: Any = None) -> None:
        self.pattern = _compile(tuple(params["notes"]))

    def hits(self, inp: LintInput) -> list[Hit]:
        """One hit at the start of the body when the notes hold a phrase."""
        notes = "\n".join([*_as_first_person(inp.draft.prior, inp.draft.meta.get("sender")),
                           inp.draft.quoted])[:100_000]
        if not self.pattern.search(notes):
            return []
        body = [s for s in inp.draft.sections if s.name == "body"]
        start = body[0].start if body else 0
        return [Hit(start, start)]


def _as_first_person(notes: tuple[str, ...] | list[str], sender: Any) -> list[str]:
    """The notes with the sender's name (whole, or any of its words) read as "me" / "my"."""
    run = (_name_run(sender[:200], lexicon.compiled(_group_words)) if isinstance(sender, str)
           else None)
    if run is None:
        return list(notes)
    return [run.sub(lambda m: "my" if m["pos"] else "me", note[:20_000]) for note in notes]


def _group_words(lists: lexicon.Lists) -> frozenset[str]:
    return frozenset(lists["group-words"])


@functools.lru_cache(maxsize=64)
def _name_run(sender: str, groups: frozenset[str]) -> regex.Pattern[str] | None:
    """A run of the sender's name words ("Beth", "Beth Doyle", "Beth's"), compiled once per
    sender and project word lists (a template library has one sender for many drafts)."""
    from spacy.lang.en.stop_words import STOP_WORDS  # here: the client imports kinds, never spaCy

    names = [n for n in words_of(sender)  # a name, not a novel: hostile input stays cheap
             if len(n) <= 40 and n[0].isupper() and n.lower() not in STOP_WORDS
             and n.lower() not in groups][:6]
    if not names:
        return None
    word = (r"(?:" + "|".join(regex.escape(n) for n in sorted(names, key=len, reverse=True))
            + r")(?![\w])")
    # one linear pass: a run of whole name words never fails once begun, so no start is retried
    return regex.compile(rf"(?<![\w]){word}(?:\s+{word})*+(?P<pos>['’]s(?![\w]))?")
