"""What is known about a draft beyond its words, for rules whose advice is only sometimes right.

A rule lists the `evidence` that makes its advice right (a situation the writer declared, a
named one-to-one recipient, a prior, a new thread; "a|b" when either will do). When the
draft lacks any of it, the finding is still shown, but as an `info` suggestion: a real
email greeting a team, replying in a thread or of a kind the linter had to guess is not what
such a rule was written for.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from . import lexicon
from .kinds.subject import REPLY_PREFIX
from .model import Draft

EVIDENCE: Mapping[str, str] = {
    "declared-context": "the situation was given (front matter, config or --context), not inferred",
    "known-context": "the situation was given or its vocabulary says it (not the default guess)",
    "recipient": "the front matter names the recipient",
    "one-to-one": "the email is to one person, not a group (no 'Hi team', 'Hello all')",
    "prior": "notes of the earlier conversation are given (prior)",
    "new-thread": "the email starts a thread: no quoted reply, no In-Reply-To, no 'Re:' subject",
    "new-relationship": "the reader is new to the writer: not a client written to inside a "
                        "running thread (LABELS.md: casual toward a new client)",
    "not-personal": "the situation is not a personal note to a friend or family member "
                    "(LABELS.md: excitement between friends is not pushy)",
    "untitled-recipient": "the front matter does not name the recipient with a title (Mr., Dr., "
                          "Prof.): one the writer names formally is no close colleague or friend",
    "not-code": "the email is not about code: it does not name two identifiers in capitals "
                "(INFILE(FOO), {SOURCES}, READ/PRINT, MAX_RETRIES, \\BLT), where capitals are "
                "names, not a raised voice",
    "urgent-capitals": "a deadline or demand word is written in capitals (TODAY, NOW, ASAP, "
                       "IMMEDIATELY, URGENT): pressure even between friends, not excitement",
    "not-team": "the greeting does not hail a team ('Hi team', 'Hello team Berlin'): who calls "
                "the readers a team writes as one of them or close to them",
    "to-send": "the file is a draft being readied to send, not a template: its front matter or "
               "headers say who it goes to or when, or its situation was given for this run",
}

# Identifiers in capitals as code writes them: a call, a {device}, a pair with a slash, a
# CONSTANT_NAME, a \MACRO
_CODE_NAME = re.compile(r"\b[A-Z][A-Z0-9]+\(|\{[A-Z][A-Z0-9]+\}|\b(?!AND/OR\b)[A-Z]{2,}/[A-Z]{2,}\b"
                        r"|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\\[A-Z]{2,}\b")

# Front matter (or .eml headers) that only a draft being readied to send carries.
_SENDING = ("recipient", "sender", "date", "last_contact", "prior", "in_reply_to")


@functools.lru_cache(maxsize=4)
def _group_words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def _urgent_capitals(lists: lexicon.Lists) -> re.Pattern[str]:
    """rules/lists/urgent-words.yaml in capitals: "I need final numbers for the caterer TODAY"
    presses a friend as much as a client (corpus 033)."""
    return re.compile(r"\b" + lexicon.alternation(w.upper() for w in lists["urgent-words"])
                      + r"\b")


def _hails_team(lists: lexicon.Lists) -> re.Pattern[str]:
    """A greeting that hails a team: "Hi team,", "Hello team {{event.city}}!", "Team Berlin" -
    a greeting line's opening words (rules/lists/greeting-lines.yaml), then "team"."""
    return re.compile(r"(?:" + lexicon.alternation(lists["greeting-lines"]) + r"\b)?[ ,]*team\b",
                      re.IGNORECASE)


def _titled(name: str) -> bool:
    """Whether a name carries a title: "Mr. Dimitri Volkov (landlord)", "Dr Amara Osei"."""
    titles = set(lexicon.get("name-titles"))
    return any(w.lower().rstrip(".") in titles for w in re.findall(r"[^\W\d_][\w.'-]*", name))


def holds(needs: tuple[str, ...], have: frozenset[str]) -> bool:
    """Whether every need is met; "a|b" is met by either."""
    return all(any(a in have for a in need.split("|")) for need in needs)


def present(draft: Draft, context_inferred: bool, context_guessed: bool = False,
            context: str | None = None) -> frozenset[str]:
    """The evidence this draft carries. `context_guessed`: nothing in the text said the
    situation, so the default one was taken; `context`: the situation the draft is read in."""
    have = set()
    if not context_inferred:
        have.add("declared-context")
    if not context_guessed:
        have.add("known-context")
    recipient = draft.meta.get("recipient")
    if isinstance(recipient, str) and recipient.strip():
        have.add("recipient")
    group = _group_words(lexicon.get("group-words"))
    if not (group.search(draft.section_text("greeting"))
            or (isinstance(recipient, str) and group.search(recipient))):
        have.add("one-to-one")
    if draft.prior:
        have.add("prior")
    subject = draft.meta.get("subject")
    if not (draft.quoted.strip() or draft.meta.get("in_reply_to")
            or (isinstance(subject, str) and REPLY_PREFIX.match(subject.lstrip()))):
        have.add("new-thread")
    if "new-thread" in have or context != "client":
        have.add("new-relationship")
    if not (isinstance(recipient, str) and _titled(recipient)):
        have.add("untitled-recipient")
    if len(set(_CODE_NAME.findall(draft.text))) < 2:
        have.add("not-code")
    if context != "personal":
        have.add("not-personal")
    if lexicon.compiled(_urgent_capitals).search(draft.text):
        have.add("urgent-capitals")
    if not lexicon.compiled(_hails_team).match(draft.section_text("greeting").strip()):
        have.add("not-team")
    # A situation given for this run (--context, the config, the editor) marks a draft being
    # readied; one written in the file's own front matter does not: a template in a library
    # carries its situation and its place in a sequence, but no reader and no send date.
    given_context = not context_inferred and "context" not in draft.meta
    # `template: false` in the front matter says a draft is being readied
    if not draft.is_template and (given_context or any(k in draft.meta for k in _SENDING)
                                  or draft.meta.get("template") is False):
        have.add("to-send")
    return frozenset(have)
