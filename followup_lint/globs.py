"""Glob matching without regular expressions, in time bounded by (pattern x path) length.

A glob turned into a regex (one `[^/]*` per star) backtracks: twenty stars against a
60-character name ran for minutes. Here a segment is matched by the classic two-pointer
wildcard algorithm (a mismatch only ever resumes after the last star), and `**` segments by
a set of reachable positions, so no input takes more than O(len(pattern) x len(path)) steps.

Syntax: `*` (any run of characters within a segment), `?` (one character), `[abc]`, `[a-z]`,
`[!x]` or `[^x]` (a set; a reversed range matches nothing; a `[` that is never closed is a
literal `[`), `**` as a whole segment (any number of segments). Any pattern is valid: there
is no "bad glob".
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

_STAR = ("*",)
_ANY = ("?",)
Token = tuple


@functools.lru_cache(maxsize=4096)
def tokens(pattern: str) -> tuple[Token, ...]:
    """A pattern as tokens: _STAR, _ANY, ("=", char) or ("[", negated, items)."""
    out: list[Token] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            if not out or out[-1] is not _STAR:  # "**" within a segment is one star
                out.append(_STAR)
            i += 1
        elif ch == "?":
            out.append(_ANY)
            i += 1
        elif ch == "[":
            parsed = _set(pattern, i)
            if parsed is None:
                out.append(("=", "["))
                i += 1
            else:
                token, i = parsed
                out.append(token)
        else:
            out.append(("=", ch))
            i += 1
    return tuple(out)


def _set(pattern: str, start: int) -> tuple[Token, int] | None:
    """The set token that opens at `start` and the index after it, or None when unclosed."""
    i = start + 1
    negated = i < len(pattern) and pattern[i] in "!^"
    i += negated
    first = i
    while i < len(pattern) and (pattern[i] != "]" or i == first):
        i += 1
    if i >= len(pattern):
        return None
    body = pattern[first:i]
    items: list[tuple[str, str]] = []
    k = 0
    while k < len(body):
        if k + 2 < len(body) and body[k + 1] == "-":
            items.append((body[k], body[k + 2]))  # a reversed range matches nothing
            k += 3
        else:
            items.append((body[k], body[k]))
            k += 1
    return ("[", negated, tuple(items)), i + 1


def _one(token: Token, ch: str) -> bool:
    if token is _ANY:
        return True
    if token[0] == "=":
        return token[1] == ch
    inside = any(low <= ch <= high for low, high in token[2])
    return inside != token[1]


def wildcard(name: str, pattern: str) -> bool:
    """Whether all of `name` matches `pattern` (a `*` here matches any characters, '/' too)."""
    toks = tokens(pattern)
    t = n = 0
    star, mark = -1, 0
    while n < len(name):
        if t < len(toks) and toks[t] is _STAR:
            star, mark = t, n
            t += 1
        elif t < len(toks) and _one(toks[t], name[n]):
            t += 1
            n += 1
        elif star != -1:
            t, mark = star + 1, mark + 1
            n = mark
        else:
            return False
    while t < len(toks) and toks[t] is _STAR:
        t += 1
    return t == len(toks)


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def match_segments(path: str, pattern: Sequence[str]) -> bool:
    """Whether the '/'-separated path matches the pattern segments ('**': any number)."""
    names = _segments(path)
    reachable = {0}
    for segment in pattern:
        if segment == "**":
            reachable = set(range(min(reachable), len(names) + 1))
        else:
            reachable = {i + 1 for i in reachable
                         if i < len(names) and wildcard(names[i], segment)}
        if not reachable:
            return False
    return len(names) in reachable


_DSTAR, _DIRS, _TAIL = ("**",), ("**/",), ("/**",)


@functools.lru_cache(maxsize=1024)
def _config_tokens(pattern: str) -> tuple[Token, ...]:
    """Tokens of a config glob: `**/` any folders (or none), `**` any characters, and a
    leading "any folders" for a pattern without '/', a trailing "and below" for all."""
    text = pattern.strip("/")
    out: list[Token] = [] if "/" in text or pattern.startswith("/") else [_DIRS]
    i = 0
    while i < len(text):
        if text.startswith("**/", i):
            out.append(_DIRS)
            i += 3
        elif text.startswith("**", i):
            out.append(_DSTAR)
            i += 2
        else:
            j = i
            while j < len(text) and not text.startswith("**", j):
                j += 1
            out.extend(tokens(text[i:j]))
            i = j
    return (*out, _TAIL)


def _closure(toks: tuple[Token, ...], states: set[Any]) -> set[Any]:
    todo = list(states)
    while todo:
        state = todo.pop()
        if isinstance(state, int) and state < len(toks) and toks[state] in (
                _STAR, _DSTAR, _DIRS, _TAIL):
            for more in (state + 1, ("in", state)) if toks[state] is _DIRS else (state + 1,):
                if more not in states:
                    states.add(more)
                    todo.append(more)
    return states


def gitignore_match(relative: str, pattern: str) -> bool:
    """A config glob over a path relative to the config's folder: '**' crosses folders, a
    pattern without '/' (apart from a leading or trailing one) matches at any depth, and a
    pattern that names a folder matches everything under it. Simulated as a set of states
    (never backtracking): O(len(pattern) x len(path))."""
    if not pattern.strip("/"):
        return False
    toks = _config_tokens(pattern)
    states = _closure(toks, {0})
    for ch in relative:
        following: set[Any] = set()
        for state in states:
            if isinstance(state, tuple):  # inside "**/" or the trailing "/**"
                following.add(state)
                if state[0] == "in" and ch == "/":
                    following.add(state[1] + 1)
                continue
            if state >= len(toks):
                continue
            tok = toks[state]
            if tok is _STAR:
                if ch != "/":
                    following.add(state)
            elif tok is _DSTAR:
                following.add(state)
            elif tok is _TAIL:
                if ch == "/":
                    following.add(("tail", state))
            elif tok is not _DIRS and (ch != "/" or tok[0] == "=") and _one(tok, ch):
                following.add(state + 1)
        if not following:
            return False
        states = _closure(toks, following)
    return len(toks) in states or any(isinstance(s, tuple) and s[0] == "tail" for s in states)


def match_from_right(path: str, pattern: str) -> bool:
    """PurePath.match: the pattern matches the last segments of the path (all of them when
    the pattern starts with '/')."""
    segments = _segments(pattern)
    if pattern.startswith("/") and not path.startswith("/"):
        return False
    if not pattern.startswith("/"):
        segments = ["**", *segments]
    return bool(segments) and match_segments(path, segments)
