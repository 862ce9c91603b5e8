"""Text -> Draft: front matter, subject, greeting, body, signature, quoted thread, offsets."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from . import contexts
from .model import Draft, InputError, Section

KNOWN_KEYS = frozenset(
    {"context", "recipient", "sender", "prior", "last_contact", "date", "followup", "subject",
     "followup-lint"}
)
_FENCE = re.compile(r"^\s*(---|\.\.\.)\s*$")
_GREETING = re.compile(
    r"^(hi|hello|hey|heya|hiya|yo|sup|howdy|dear|good (morning|afternoon|evening)|greetings|"
    r"to whom it may concern|morning|evening|afternoon)\b.{0,60}$"
    r"|^[A-Z][\w.'-]*( [A-Z][\w.'-]*){0,3}[,:!]$",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^(best|best regards|best wishes|kind regards|kindest regards|warm regards|warmest regards|"
    r"regards|warmly|warm wishes|cheers|thanks|thanks again|thanks so much|thanks a lot|thx|"
    r"thank you|thank you again|many thanks|with thanks|sincerely|sincerely yours|yours|"
    r"yours truly|yours sincerely|yours faithfully|all the best|talk soon|speak soon|"
    r"respectfully|with gratitude|gratefully|take care|cordially|later|ttyl|love|xo|xoxo|"
    r"see you soon|see you|with appreciation|appreciatively|respectfully yours|"
    r"looking forward|onward|onwards|peace)[ \t]*[,.!]*$|^(--|—|–)\s*\S.*$",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(r"^\s*(On .{4,200} wrote:|-+ ?Original Message ?-+)\s*$", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CODE_FENCE = re.compile(r"^\s*(```|~~~)")


def line_starts(text: str) -> tuple[int, ...]:
    """Offsets where each line starts; \\r\\n, \\n and a lone \\r all end a line."""
    starts = [0]
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
            i += 1
        if ch in "\r\n":
            starts.append(i + 1)
        i += 1
    return tuple(starts)


def _blank(chars: list[str], start: int, end: int) -> None:
    """Overwrite a range with spaces, keeping newlines so lines stay where they are."""
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _lines(text: str, starts: Sequence[int]) -> list[tuple[int, int]]:
    """(start, end) of each line's content, without its line break."""
    out = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(text)
        while end > start and text[end - 1] in "\r\n":
            end -= 1
        out.append((start, end))
    return out


def _front_matter_end(lines: list[tuple[int, int]], text: str) -> int | None:
    """Index of the closing fence line when the text opens with front matter."""
    if not lines or text[lines[0][0] : lines[0][1]].strip() != "---":
        return None
    for k in range(1, len(lines)):
        if _FENCE.match(text[lines[k][0] : lines[k][1]]):
            return k
    return None


def _parse_front_matter(
    text: str, lines: list[tuple[int, int]], close: int
) -> tuple[dict[str, Any], list[tuple[str, str, int]]]:
    """The front matter mapping and any problems (rule id, message, 1-based line)."""
    block = "\n".join(text[s:e] for s, e in lines[1:close])
    problems: list[tuple[str, str, int]] = []
    try:
        from .safeyaml import load as safe_load

        meta = safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + (mark.line if mark else 0)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return {}, [("input.front-matter", f"front matter is not valid YAML: {reason}", line)]
    if meta is None:
        return {}, problems
    if not isinstance(meta, dict):
        return {}, [("input.front-matter", "front matter must be a mapping of keys to values", 2)]
    return {str(k): v for k, v in meta.items()}, problems


def _key_lines(text: str, lines: list[tuple[int, int]], close: int) -> dict[str, int]:
    """1-based line of each top-level front matter key."""
    out: dict[str, int] = {}
    for k in range(1, close):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", text[lines[k][0] : lines[k][1]])
        if match:
            out.setdefault(match.group(1), k + 1)
    return out


def _subject_range(text: str, lines: list[tuple[int, int]], line: int) -> tuple[int, int] | None:
    """Offsets of the subject value on its front matter line (quotes excluded)."""
    start, end = lines[line - 1]
    match = re.match(r"^subject\s*:\s*(.*?)\s*$", text[start:end])
    if not match or not match.group(1) or match.group(1)[0] in "|>":
        return None
    value_start, value_end = start + match.start(1), start + match.end(1)
    if text[value_start] in "'\"" and value_end - value_start >= 2:
        value_start, value_end = value_start + 1, value_end - 1
    return value_start, value_end


def _as_points(value: Any) -> tuple[str, ...]:
    """Prior notes as a tuple of strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if v is not None and str(v).strip())
    return (str(value),)


def _check_meta(meta: dict[str, Any], key_lines: Mapping[str, int], path: str) -> list:
    """Warnings for unknown keys and wrong types; InputError for an unknown context."""
    problems = []
    for key in meta:
        if key not in KNOWN_KEYS:
            known = ", ".join(sorted(KNOWN_KEYS - {"followup-lint"}))
            problems.append(("input.unknown-key", f"unknown front matter key {key!r} "
                             f"(known: {known})", key_lines.get(key, 2)))
    for key in ("last_contact", "date"):
        if key in meta and not isinstance(meta[key], dt.date):
            try:
                meta[key] = dt.date.fromisoformat(str(meta[key]).strip())
            except ValueError:
                problems.append(("input.front-matter", f"{key} must be a date like 2026-03-02, "
                                 f"not {meta[key]!r}", key_lines.get(key, 2)))
                meta.pop(key)
    if "followup" in meta and (not isinstance(meta["followup"], int) or meta["followup"] < 0):
        problems.append(("input.front-matter", "followup must be a whole number (1 = first "
                         f"follow-up), not {meta['followup']!r}", key_lines.get("followup", 2)))
        meta.pop("followup")
    if "context" in meta:
        line = key_lines.get("context", 2)
        contexts.validate(str(meta["context"]), f"{path}:{line}: context")
    return problems


def _blank_markup(chars: list[str], text: str, lines: list[tuple[int, int]], first: int) -> None:
    """Blank Markdown code fences, HTML comments and quoted reply lines (with attributions)."""
    in_fence = False
    for start, end in lines[first:]:
        line = text[start:end]
        if _CODE_FENCE.match(line):
            in_fence = not in_fence
            _blank(chars, start, end)
        elif in_fence or line.lstrip().startswith(">") or _ATTRIBUTION.match(line):
            _blank(chars, start, end)
    for match in _COMMENT.finditer(text, lines[first][0] if first < len(lines) else len(text)):
        _blank(chars, match.start(), match.end())


def _sections(masked: str, lines: list[tuple[int, int]], first: int) -> list[Section]:
    """Greeting, body and signature over the unblanked lines from `first` on."""
    content = [(s, e) for s, e in lines[first:] if masked[s:e].strip()]
    if not content:
        return []
    out: list[Section] = []
    body_start, body_end = content[0][0], content[-1][1]
    head = masked[content[0][0] : content[0][1]].strip()
    if _GREETING.match(head) and len(content) > 1:
        out.append(Section("greeting", content[0][0], content[0][1]))
        body_start = content[1][0]
    for k in range(len(content) - 1, max(0, len(content) - 7), -1):
        start, end = content[k]
        if start < body_start:
            break
        if _SIGN_OFF.match(masked[start:end].strip()) and k > 0:
            body_end = content[k - 1][1]
            out.append(Section("signature", start, content[-1][1]))
            break
    if body_end > body_start:
        out.append(Section("body", body_start, body_end))
    return out


def parse_draft(
    source: str, path: str = "<text>", *, prior: Sequence[str] | None = None
) -> Draft:
    """Split a source into a Draft. Raises InputError only for an unknown context name."""
    starts = line_starts(source)
    lines = _lines(source, starts)
    chars = list(source)
    for i, ch in enumerate(chars):  # \r\n -> " \n", lone \r -> \n: same length, one break
        if ch == "\r":
            chars[i] = " " if i + 1 < len(chars) and chars[i + 1] == "\n" else "\n"
    meta: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    problems: list[tuple[str, str, int]] = []
    sections: list[Section] = []
    close = _front_matter_end(lines, source)
    first = 0
    if close is not None:
        meta, problems = _parse_front_matter(source, lines, close)
        key_lines = _key_lines(source, lines, close)
        problems += _check_meta(meta, key_lines, path)
        _blank(chars, 0, lines[close][1])
        subject = _subject_range(source, lines, key_lines["subject"]) if (
            "subject" in key_lines and isinstance(meta.get("subject"), str)) else None
        if subject:
            chars[subject[0] : subject[1]] = source[subject[0] : subject[1]]
            sections.append(Section("subject", *subject))
        first = close + 1
    elif lines and source[lines[0][0] : lines[0][1]].strip() == "---":
        problems.append(("input.front-matter", "front matter opened with '---' is never closed", 1))
    _blank_markup(chars, source, lines, first)
    quoted = "\n".join(
        source[s:e].lstrip().lstrip(">").strip() for s, e in lines[first:]
        if source[s:e].lstrip().startswith(">")
    )
    masked = "".join(chars)
    sections += _sections(masked, lines, first)
    points = _as_points(meta.get("prior")) + tuple(prior or ())
    context = str(meta["context"]) if "context" in meta else None
    return Draft(
        path=path, source=source, text=masked, sections=tuple(sections), meta=meta,
        meta_lines=key_lines, prior=points, context=context, quoted=quoted,
        problems=tuple(problems), line_starts=starts,
    )


def require_text(text: Any) -> str:
    """Guard for the public API: text must be a str."""
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}")
    return text
