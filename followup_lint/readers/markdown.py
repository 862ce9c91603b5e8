"""Markdown -> a lint text of the same length: code, comments, link targets and markup blanked.

Blanking (rather than converting) keeps every offset equal to the source offset, so Markdown
needs no offset map. Kept as text: headings (without their #), list items, link text,
emphasised words (without * or _). Blanked: fenced and indented code blocks, HTML comments,
link and image targets, reference definitions, autolinks, horizontal rules. Front matter is
left for parse_draft.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from ..document import html_comments, line_spans

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+)[ \t]*$")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]")
_REF_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S+.*$")
# Inline patterns must take linear time on a long line: a class that could run on past the
# next place where the pattern starts again ("[" for a link's text, "(" for its target) makes
# "[[[[..." or "[a](" repeated quadratic, minutes for a few hundred KB. So link text stops at
# "[", and a target may hold one level of parentheses, as URLs do ("Foo_(bar)").
_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"
_IMAGE = re.compile(r"!\[[^\[\]\n]*\]" + _TARGET)
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\[\]\n]+)\](?P<target>" + _TARGET + r"|\[[^\[\]\n]*\])")
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^<>\s]+>")
# Emphasis: an opening *, ** or __ and the first closing one after it on the line, as the lazy
# regex (?<![\w*])(\*\*|\*|__)(?=[^\s*|])([^\n]*?[^\s*|])\1(?![\w*]) finds them; that
# regex rescans the rest of the line from every opening, so closings are looked up instead.
_OPENING = re.compile(r"(?<![\w*])(\*\*|\*|__)(?=[^\s*|])")
_CLOSING = {d: re.compile(r"(?<=[^\s*|])" + re.escape(d) + r"(?![\w*])") for d in ("**", "*", "__")}


def _blank(chars: list[str], start: int, end: int) -> None:
    """Spaces over a range; line breaks (\\n and \\r) stay so lines keep their numbers."""
    for i in range(start, end):
        if chars[i] not in "\r\n":
            chars[i] = " "


def _front_matter_lines(text: str, lines: list[tuple[int, int]]) -> int:
    """Number of lines taken by front matter (0 without)."""
    if not lines or text[lines[0][0] : lines[0][1]].strip() != "---":
        return 0
    for k in range(1, len(lines)):
        if text[lines[k][0] : lines[k][1]].strip() in ("---", "..."):
            return k + 1
    return 0


def _blocks(text: str, chars: list[str], lines: list[tuple[int, int]], first: int) -> None:
    """Blank code blocks, rules and reference definitions; strip heading markers."""
    fence: str | None = None
    previous_blank, in_list, in_code = True, False, False
    for start, end in lines[first:]:
        line = text[start:end]
        opener = _FENCE.match(line)
        if fence is not None or opener:
            if fence is None and opener:
                fence = opener.group(1)[0] * 3
            elif fence is not None and line.strip().startswith(fence):
                fence = None
            _blank(chars, start, end)
            previous_blank = False
            continue
        blank = not line.strip()
        indented = line.startswith(("    ", "\t"))
        in_code = not blank and indented and not in_list and (previous_blank or in_code)
        if in_code or _RULE.match(line) or _REF_DEFINITION.match(line):
            _blank(chars, start, end)
        elif heading := _HEADING.match(line):
            _blank(chars, start + heading.start(1), start + heading.end(1))
            if closing := _CLOSING_HASHES.search(line):
                _blank(chars, start + closing.start(), end)
        if _LIST_ITEM.match(line):
            in_list = True
        elif not blank and not indented:
            in_list = False
        previous_blank = blank


def _emphasis(text: str, start: int) -> Iterator[tuple[int, int, int, int]]:
    """(start, inner start, inner end, end) of each emphasis from `start` on."""
    closings = {d: [m.start() for m in c.finditer(text, start)] for d, c in _CLOSING.items()}
    pos = start
    while opening := _OPENING.search(text, pos):
        delimiter = opening.group(1)
        inner = opening.end()
        line_end = text.find("\n", inner)
        ends = closings[delimiter]
        k = bisect.bisect_left(ends, inner + 1)  # the inner text is at least one character
        if k < len(ends) and (line_end == -1 or ends[k] < line_end):
            pos = ends[k] + len(delimiter)
            yield opening.start(), inner, ends[k], pos
        else:
            pos = opening.start() + 1


def mask(text: str) -> str:
    """The lint text of a Markdown source, same length."""
    chars = list(text)
    lines = line_spans(text)
    first = _front_matter_lines(text, lines)
    _blocks(text, chars, lines, first)
    body = lines[first][0] if first < len(lines) else len(text)
    for start, end in html_comments(text, body):
        _blank(chars, start, end)
    for pattern in (_IMAGE, _AUTOLINK):
        for match in pattern.finditer(text, body):
            _blank(chars, match.start(), match.end())
    for match in _LINK.finditer(text, body):
        _blank(chars, match.start(), match.start("text"))
        _blank(chars, match.end("text"), match.end())
    for start, inner, inner_end, end in _emphasis(text, body):
        _blank(chars, start, inner)
        _blank(chars, inner_end, end)
    return "".join(chars)
