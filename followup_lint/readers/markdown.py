"""Markdown -> a lint text of the same length: code, comments, link targets and markup blanked.

Blanking (rather than converting) keeps every offset equal to the source offset, so Markdown
needs no offset map. Kept as text: headings (without their #), list items, link text,
emphasised words (without * or _). Blanked: fenced and indented code blocks, HTML comments,
link and image targets, reference definitions, autolinks, horizontal rules. Front matter is
left for parse_draft.
"""

from __future__ import annotations

import re

from ..document import line_starts

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+)[ \t]*$")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]")
_REF_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S+.*$")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]+)\](?P<target>\([^)\n]*\)|\[[^\]\n]*\])")
_AUTOLINK = re.compile(r"<(?:https?|ftp|mailto):[^>\s]+>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|\*|__)(?=[^\s*|])(?P<inner>[^\n]*?[^\s*|])\1(?![\w*])")


def _blank(chars: list[str], start: int, end: int) -> None:
    """Spaces over a range; line breaks (\\n and \\r) stay so lines keep their numbers."""
    for i in range(start, end):
        if chars[i] not in "\r\n":
            chars[i] = " "


def _lines(text: str) -> list[tuple[int, int]]:
    starts = line_starts(text)
    out = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(text)
        while end > start and text[end - 1] in "\r\n":
            end -= 1
        out.append((start, end))
    return out


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


def mask(text: str) -> str:
    """The lint text of a Markdown source, same length."""
    chars = list(text)
    lines = _lines(text)
    first = _front_matter_lines(text, lines)
    _blocks(text, chars, lines, first)
    body = lines[first][0] if first < len(lines) else len(text)
    for pattern in (_COMMENT, _IMAGE, _AUTOLINK):
        for match in pattern.finditer(text, body):
            _blank(chars, match.start(), match.end())
    for match in _LINK.finditer(text, body):
        _blank(chars, match.start(), match.start("text"))
        _blank(chars, match.end("text"), match.end())
    for match in _EMPHASIS.finditer(text, body):
        _blank(chars, match.start(), match.start("inner"))
        _blank(chars, match.end("inner"), match.end())
    return "".join(chars)
