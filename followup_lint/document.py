"""Text -> Draft: front matter, subject, greeting, body, signature, quoted thread, offsets."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import contexts, lexicon
from .model import Draft, InputError, OffsetMap, Section

KNOWN_KEYS = frozenset(
    {"context", "recipient", "sender", "prior", "last_contact", "date", "followup", "subject",
     "followup-lint", "template", "in_reply_to"}
)
_INLINE_CODE = re.compile(r"`[^`\n]{1,200}`")
_FENCE = re.compile(r"^\s*(---|\.\.\.)\s*$")


def _greeting(lists: lexicon.Lists) -> re.Pattern[str]:
    """A greeting line: one of rules/lists/greeting-lines.yaml, or a short run of capitalised
    words ending in , : or ! ("Dana," "Dear Dr Osei:")."""
    return re.compile(
        r"^" + lexicon.alternation(lists["greeting-lines"]) + r"\b.{0,60}$"
        r"|^[A-Z][\w.'-]*( [A-Z][\w.'-]*){0,3}[,:!]$",
        re.IGNORECASE,
    )


def _sign_off(lists: lexicon.Lists) -> re.Pattern[str]:
    """A sign-off line: one of rules/lists/sign-off-lines.yaml, or a "-- Name" line."""
    return re.compile(
        r"^" + lexicon.alternation(lists["sign-off-lines"]) + r"[ \t]*[,.!]*$"
        r"|^(--|—|–)\s*\S.*$",
        re.IGNORECASE,
    )


_ATTRIBUTION = re.compile(r"^\s*(On .{4,200} wrote:|-+ ?Original Message ?-+)\s*$", re.IGNORECASE)
_CODE_FENCE = re.compile(r"^\s*(```|~~~)")
# An earlier message pasted below the reply, Outlook style: "-----Original Message-----" or a
# block of From:/Sent:/To:/Subject: headers. Everything from there down is the thread.
_ORIGINAL = re.compile(r"^\s*-{2,}\s*(Original Message|Forwarded message)\s*-{2,}\s*$",
                       re.IGNORECASE)
_HEADER = re.compile(r"^\s*\*{0,2}(From|Sent|Date|To|Cc|Subject)\s*:\*{0,2}\s*\S", re.IGNORECASE)
# Lotus Notes, as in much company mail: "----- Forwarded by Kay Mann/Corp/Enron on 04/26/2001
# 07:19 AM -----", or a sender line stamped "04/25/2001 11:42:49 AM" with "To:" just below.
NOTES_FORWARD = re.compile(r"^\s*-{3,}\s*Forwarded by\b", re.IGNORECASE)
_NOTES_STAMP = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:AM|PM)?\s*$",
                          re.IGNORECASE)
_TO = re.compile(r"^\s*To\s*:", re.IGNORECASE)


def notes_header(lines: list[str], k: int) -> int:
    """How many lines above line k a Lotus Notes header (stamp line, then "To:") starts: 0 or
    1 (a lone stamp under the sender's name); -1 when there is none at line k."""
    if not _NOTES_STAMP.search(lines[k]) or not any(_TO.match(f) for f in lines[k + 1 : k + 4]):
        return -1
    alone = _NOTES_STAMP.match(lines[k].strip()) is not None
    above = lines[k - 1].strip() if k > 0 else ""
    return 1 if alone and above and len(above.split()) <= 5 and not above.endswith(
        (".", "?", "!", ":")) else 0
# Legal boilerplate under a message is part of the signature, not the body.
_DISCLAIMER = re.compile(
    r"^\s*(?:\W{0,30}(?:internet e-?mail )?(?:disclaimer|confidentiality(?: notice| message| "
    r"note| statement| footer)?|confidential)\b|privileged/confidential information|"
    r"this (?:e-?mail(?: message| communication)?|message|"
    r"communication)(?: and any (?:attachments?|files?)(?: to it)?)? (?:is|are|may (?:be|contain)|"
    r"contains?) (?:legally |strictly )?(?:confidential|intended|privileged)|"
    r"if you are not the intended recipient|if you (?:have )?received this (?:e-?mail |message |"
    r"communication |transmission )?in error|"
    r"the information (?:contained )?in this (?:e-?mail|message)|legal entity\s*:|"
    r"registered (?:office|in england|number)\b)", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@functools.lru_cache(maxsize=8)  # a template collection's drafts all share one source
def line_starts(text: str) -> tuple[int, ...]:
    """Offsets where each line starts; \\r\\n, \\n and a lone \\r all end a line."""
    return (0, *(m.end() for m in _LINE_BREAK.finditer(text)))


def html_comments(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of each <!-- ... --> from `start` on.

    What `re.finditer(r"<!--.*?-->", text, re.DOTALL)` finds, in linear time: the lazy regex
    rescans to the end of the text from every "<!--" after an unclosed one (a file of
    "<!--" repeated took minutes). No "-->" after a "<!--" means none closes after it either.
    """
    while (opening := text.find("<!--", start)) != -1:
        closing = text.find("-->", opening + 4)
        if closing == -1:
            return
        start = closing + 3
        yield opening, start


def _blank(chars: list[str], start: int, end: int) -> None:
    """Overwrite a range with spaces, keeping newlines so lines stay where they are."""
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def line_spans(text: str, starts: Sequence[int] | None = None) -> list[tuple[int, int]]:
    """(start, end) of each line's content, without its line break (`starts`: line_starts)."""
    starts = line_starts(text) if starts is None else starts
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


def _shown(value: Any) -> str:
    """A value as an error message shows it: its repr, at most 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_meta(meta: dict[str, Any], key_lines: Mapping[str, int], path: str) -> list:
    """Problems (rule, message, line) for unknown keys and wrong values; a wrong value is
    dropped from `meta`. An unknown or empty context is a problem of this draft only."""
    problems = []
    for key in meta:
        if key not in KNOWN_KEYS:
            known = ", ".join(sorted(KNOWN_KEYS - {"followup-lint"}))
            problems.append(("input.unknown-key", f"unknown front matter key {_shown(key)} "
                             f"(known: {known})", key_lines.get(str(key), 2)))
    for key in ("last_contact", "date"):
        if key in meta and not isinstance(meta[key], dt.date):
            try:
                meta[key] = dt.date.fromisoformat(str(meta[key]).strip()[:64])
            except ValueError:
                problems.append(("input.front-matter", f"{key} must be a date like 2026-03-02, "
                                 f"not {_shown(meta[key])}", key_lines.get(key, 2)))
                meta.pop(key)
    followup = meta.get("followup")
    if "followup" in meta and (isinstance(followup, bool) or not isinstance(followup, int)
                               or followup < 0):
        problems.append(("input.front-matter", "followup must be a whole number (1 = first "
                         f"follow-up), not {_shown(followup)}", key_lines.get("followup", 2)))
        meta.pop("followup")
    if "context" in meta:
        value, line = meta["context"], key_lines.get("context", 2)
        valid = ", ".join(contexts.CONTEXTS)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(("input.front-matter", f"context is empty: give one of {valid}, "
                             "or leave the key out to have it inferred", line))
            meta.pop("context")
        elif not isinstance(value, str) or value not in contexts.REGISTER:
            problems.append(("input.front-matter", f"unknown context {_shown(value)} (valid: "
                             f"{valid}); inferred from the text instead", line))
            meta.pop("context")
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
        else:  # inline code: `{{ first_name }}` in an email about a template is not a field
            for m in _INLINE_CODE.finditer(line):
                _blank(chars, start + m.start(), start + m.end())
    for start, end in html_comments(text, lines[first][0] if first < len(lines) else len(text)):
        _blank(chars, start, end)


def thread_tail(text: str, lines: list[tuple[int, int]], first: int) -> int | None:
    """Index of the line where a pasted earlier message starts (Outlook style), or None."""
    block = [text[s:e] for s, e in lines[first:]]
    for k in range(first, len(lines)):
        line = text[lines[k][0] : lines[k][1]]
        if _ORIGINAL.match(line) or NOTES_FORWARD.match(line):
            return k
        if (back := notes_header(block, k - first)) >= 0 and k - back > first:
            return k - back
        if _HEADER.match(line) and line.lstrip().lower().startswith(("from", "**from")):
            following = [text[s:e] for s, e in lines[k + 1 : k + 4]]
            if sum(1 for f in following if _HEADER.match(f)) >= 2:
                return k
    return None


def _sections(masked: str, lines: list[tuple[int, int]], first: int) -> list[Section]:
    """Greeting, body and signature over the unblanked lines from `first` on."""
    content = [(s, e) for s, e in lines[first:] if masked[s:e].strip()]
    if not content:
        return []
    out: list[Section] = []
    for k, (start, end) in enumerate(content[1:], 1):
        if _DISCLAIMER.match(masked[start:end]):
            tail = content[k:]
            content = content[:k]
            signature_end = tail[-1][1]
            break
    else:
        signature_end = None
    body_start, body_end = content[0][0], content[-1][1]
    head = masked[content[0][0] : content[0][1]].strip()
    if lexicon.compiled(_greeting).match(head) and len(content) > 1:
        out.append(Section("greeting", content[0][0], content[0][1]))
        body_start = content[1][0]
    sign_off = lexicon.compiled(_sign_off)
    for k in range(len(content) - 1, max(0, len(content) - 7), -1):
        start, end = content[k]
        if start < body_start:
            break
        if sign_off.match(masked[start:end].strip()) and k > 0:
            body_end = content[k - 1][1]
            out.append(Section("signature", start, signature_end or content[-1][1]))
            break
    else:
        if signature_end is not None:  # a disclaimer with no sign-off above it
            out.append(Section("signature", content[-1][1] + 1, signature_end))
    if body_end > body_start:
        out.append(Section("body", body_start, body_end))
    return out


@dataclass(frozen=True)
class Prepared:
    """A reader's work on one draft: the text to lint, its map to the source, what it learned.

    With `front_matter` (plain text, Markdown) `text` has the source's length and parse_draft
    reads the front matter itself. Otherwise (.eml, HTML, template collections) the reader
    decoded the source: it gives the OffsetMap, the meta, the subject range and where the
    greeting may start (`body_start`), all in offsets of `text`.
    """

    text: str
    offsets: OffsetMap | None = None
    front_matter: bool = True
    meta: Mapping[str, Any] = field(default_factory=dict)
    subject: tuple[int, int] | None = None
    body_start: int = 0
    prior: tuple[str, ...] = ()
    quoted: str = ""
    problems: tuple[tuple[str, str, int], ...] = ()
    template: str | None = None
    is_template: bool = False


@dataclass
class _Head:
    """What parse_draft learns before the body: lint characters, lines, meta, subject."""

    chars: list[str]
    lines: list[tuple[int, int]]
    first: int = 0  # index of the first line that may hold the greeting
    meta: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str, int]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def _unix_chars(text: str) -> list[str]:
    """Characters of a text with \r\n -> " \n" and a lone \r -> \n: same length."""
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch == "\r":
            chars[i] = " " if i + 1 < len(chars) and chars[i + 1] == "\n" else "\n"
    return chars


def _front_matter_head(source: str, text: str, starts: Sequence[int], path: str) -> _Head:
    """Front matter and subject of a source whose lint text has the same length."""
    lines = line_spans(source, starts)
    head = _Head(_unix_chars(text), lines)
    close = _front_matter_end(lines, source)
    if close is None:
        if lines and source[lines[0][0] : lines[0][1]].strip() == "---":
            head.problems.append(("input.front-matter",
                                  "front matter opened with '---' is never closed", 1))
        return head
    head.meta, head.problems = _parse_front_matter(source, lines, close)
    head.key_lines = _key_lines(source, lines, close)
    head.problems += check_meta(head.meta, head.key_lines, path)
    _blank(head.chars, 0, lines[close][1])
    line = head.key_lines.get("subject")
    subject = _subject_range(source, lines, line) if line and isinstance(
        head.meta.get("subject"), str) else None
    if subject:
        head.chars[subject[0] : subject[1]] = source[subject[0] : subject[1]]
        head.sections.append(Section("subject", *subject))
    elif line and not str(head.meta.get("subject") or "").strip():
        head.sections.append(Section("subject", *lines[line - 1]))  # `subject:` left empty
    head.first = close + 1
    return head


def _reader_head(prepared: Prepared) -> _Head:
    """Meta and subject as a reader found them; lines of the reader's text."""
    text = prepared.text
    lines = line_spans(text)
    head = _Head(_unix_chars(text), lines, meta=dict(prepared.meta),
                 problems=list(prepared.problems))
    if prepared.subject is not None:
        head.sections.append(Section("subject", *prepared.subject))
    head.first = next((k for k, (s, e) in enumerate(lines) if e >= prepared.body_start), len(lines))
    return head


def _mask_template(head: _Head, text: str, required: Sequence[str],
                   line: int) -> tuple[str, tuple[str, ...]]:
    """Merge fields masked so the text parses; their names; problems for missing fields."""
    from .readers import placeholders

    masked, fields, name = placeholders.mask(text)
    if name and not head.meta.get("recipient"):
        head.meta["recipient"] = name  # generic.no-name reads the masked name as the recipient
    for want in required:
        if placeholders.normalise(want) not in fields:
            head.problems.append(("input.required-field", f"this template has no {want} merge "
                                  "field (required by --require-field)", line))
    return masked, fields


def parse_draft(
    source: str,
    path: str = "<text>",
    *,
    prior: Sequence[str] | None = None,
    prepared: Prepared | None = None,
    template: bool = False,
    require_fields: Sequence[str] = (),
) -> Draft:
    """Split a source into a Draft. Problems with the draft (an unknown context, a bad
    date) are in Draft.problems, reported as input.* findings; nothing is raised.

    `prepared` is a reader's decoded text (see Prepared); without it the source is read as
    plain text with optional front matter. `template` marks a draft whose merge fields are
    expected: they are masked for parsing and count as personalisation.
    """
    prepared = prepared or Prepared(source)
    starts = line_starts(source)
    if prepared.front_matter:
        head = _front_matter_head(source, prepared.text, starts, path)
    else:
        head = _reader_head(prepared)
    text = prepared.text
    lines, first = head.lines, head.first
    _blank_markup(head.chars, text, lines, first)
    tail = thread_tail(text, lines, first)
    pasted = ""
    if tail is not None:
        pasted = text[lines[tail][0] :]
        _blank(head.chars, lines[tail][0], len(text))
    quoted = "\n".join(([prepared.quoted] if prepared.quoted else []) + [
        text[s:e].lstrip().lstrip(">").strip() for s, e in lines[first:]
        if text[s:e].lstrip().startswith(">")] + ([pasted] if pasted else []))
    masked = unmasked = "".join(head.chars)
    fields: tuple[str, ...] = ()
    is_template = prepared.is_template or template or bool(head.meta.get("template"))
    # a file whose front matter says who it goes to and when is a draft being sent, whatever
    # merge fields it still holds: those are the mistake (blind8 k72, "Hi %FIRSTNAME%")
    addressed = bool(head.meta.get("recipient")) and bool(head.meta.get("date"))
    if not is_template and "template" not in head.meta:
        from .readers import placeholders

        # addressed, it is a template only when it says so
        reason = (placeholders.declared_template(masked) if addressed
                  else placeholders.template_reason(masked))
        if reason:
            is_template = True
            head.problems.append(("input.template", f"read as a template because {reason}: "
                                  "merge fields are expected (set `template: false` in the "
                                  "front matter to check it as a draft)", 1))
    if is_template:
        body = lines[first][0] if first < len(lines) else len(text)
        at = prepared.offsets.source_start(body) if prepared.offsets else body
        line = bisect.bisect_right(starts, at)
        masked, fields = _mask_template(head, masked, require_fields, line)
    sections = head.sections + _sections(masked, lines, first)
    points = _as_points(head.meta.get("prior")) + prepared.prior + tuple(prior or ())
    context = str(head.meta["context"]) if "context" in head.meta else None
    return Draft(
        path=path, source=source, text=masked, sections=tuple(sections), meta=head.meta,
        meta_lines=head.key_lines, prior=points, context=context, quoted=quoted,
        problems=tuple(head.problems), line_starts=starts, offsets=prepared.offsets,
        template=prepared.template, is_template=is_template, fields=fields,
        unmasked=unmasked if masked != unmasked else None,
    )


def sections_of(text: str) -> dict[str, str]:
    """Greeting, body and signature of a plain text (used on quoted messages)."""
    lines = line_spans(text)
    return {s.name: text[s.start : s.end] for s in _sections(text, lines, 0)}


def require_text(text: Any) -> str:
    """Guard for the public API: text must be a str."""
    if not isinstance(text, str):
        raise InputError(f"expected text, got {type(text).__name__}")
    return text
