"""The quoted thread under a reply: where it starts, its first message's points and date.

Recognised thread markers, in the text of a reply:
  "On Tue, May 5, 2026 at 10:12 AM Dana <dana@x.com> wrote:"  (may wrap over three lines)
  "-----Original Message-----", "---------- Forwarded message ---------", a line of underscores
  an Outlook header block: "From: ..." followed by "Sent:"/"Date:" and "To:"/"Subject:" lines
  a Lotus Notes "----- Forwarded by ... -----" line, or a sender line stamped "04/25/2001
  11:42:49 AM" with "To:" below it
  a run of ">" lines that lasts to the end of the text
Quoted lines mixed into the reply (inline answers) stay in the reply; parse_draft blanks them.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from .. import lexicon
from ..document import NOTES_FORWARD, notes_header, sections_of
from ..timeline import month_pattern

_ATTRIBUTION = re.compile(
    r"^\s*(?:On|Am|Le|El|Il|Op)\s.{4,300}?\s(?:wrote|schrieb|a écrit|escribió|ha scritto|"
    r"schreef)\s*:\s*$", re.IGNORECASE | re.DOTALL)
_SEPARATOR = re.compile(r"^\s*(?:-{2,}\s*(?:Original Message|Forwarded message|Ursprüngliche "
                        r"Nachricht|Message d'origine)\s*-{2,}|_{10,})\s*$", re.IGNORECASE)
_HEADER = re.compile(r"^\s*\*?(From|Sent|Date|To|Cc|Subject|Von|Gesendet|An|Betreff)\s*:\*?\s",
                     re.IGNORECASE)


def _dates(lists: lexicon.Lists) -> tuple[re.Pattern[str], ...]:
    """ISO, "May 5, 2026" and "5 May 2026" (month names: rules/lists/months.yaml)."""
    month = month_pattern(lists)
    return (
        re.compile(r"\b(?P<year>\d{4})-(?P<num>\d{2})-(?P<day>\d{2})\b"),
        re.compile(month + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})", re.I),
        re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + month + r",?\s+"
                   r"(?P<year>\d{4})", re.I),
    )


def _header_block(lines: list[str], k: int) -> bool:
    """Whether an Outlook-style From:/Sent:/To:/Subject: block starts at line k."""
    if not re.match(r"^\s*\*?(From|Von)\s*:", lines[k], re.IGNORECASE):
        return False
    names = {m.group(1).lower() for line in lines[k + 1 : k + 6]
             if (m := _HEADER.match(line))}
    return bool(names & {"sent", "date", "gesendet"}) and bool(names & {"to", "subject", "an",
                                                                        "betreff"})


def _attribution_at(lines: list[str], k: int) -> int:
    """How many lines (1-3) an attribution starting at line k takes; 0 when none."""
    for size in (1, 2, 3):
        if k + size <= len(lines) and _ATTRIBUTION.match(" ".join(lines[k : k + size])):
            return size
    return 0


def start(text: str) -> int:
    """Offset where the quoted thread begins; len(text) when there is none."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for k, line in enumerate(lines):
        if line.lstrip().startswith(">") or not line.strip():
            continue
        if (_SEPARATOR.match(line) or NOTES_FORWARD.match(line) or _header_block(lines, k)
                or _attribution_at(lines, k)) and k > 0:
            return offsets[k]
        if (back := notes_header(lines, k)) >= 0 and k - back > 0:
            return offsets[k - back]
    quoted_tail = len(lines)
    for k in range(len(lines) - 1, -1, -1):
        if lines[k].strip() and not lines[k].lstrip().startswith(">"):
            break
        quoted_tail = k
    if quoted_tail < len(lines) and any(lines[k].strip() for k in range(quoted_tail)):
        return offsets[quoted_tail]
    return len(text)


def _unquote(line: str) -> tuple[int, str]:
    """Quote depth and the line without its > markers."""
    depth = 0
    while True:
        stripped = line.lstrip()
        if not stripped.startswith(">"):
            return depth, line.strip()
        depth, line = depth + 1, stripped[1:]


def first_message(quoted: str) -> tuple[str, str]:
    """(header lines, body) of the newest quoted message: attribution or header block, then
    its text without > markers, up to the next quoted message."""
    lines = quoted.split("\n")
    head: list[str] = []
    k = 0
    while k < len(lines) and (not lines[k].strip() or _SEPARATOR.match(lines[k])):
        k += 1
    if k < len(lines) and (size := _attribution_at(lines, k)):
        head, k = lines[k : k + size], k + size
    elif k < len(lines) and _header_block(lines, k):
        while k < len(lines) and lines[k].strip():
            head.append(lines[k])
            k += 1
    depths = [_unquote(line) for line in lines[k:]]
    top = min((d for d, text in depths if text), default=0)
    body: list[str] = []
    for offset, (depth, text) in enumerate(depths):
        if text and depth == top and (_SEPARATOR.match(text) or _attribution_at([text], 0)
                                      or _header_block(lines, k + offset)):
            break
        if depth > top and text:
            break
        body.append(text)
    return "\n".join(head), "\n".join(body).strip()


def points(quoted: str) -> tuple[str, ...]:
    """The paragraphs of the newest quoted message's body (no greeting, no signature)."""
    _, body = first_message(quoted)
    sections = sections_of(body)
    text = sections.get("body", "" if sections else body)
    paragraphs = re.split(r"\n\s*\n", text)
    return tuple(" ".join(p.split()) for p in paragraphs if p.strip())


def find_date(text: str) -> dt.date | None:
    """The first date written in a text: RFC 5322, ISO, "May 5, 2026" or "5 May 2026"."""
    for match in re.finditer(r"(?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}\s+"
                             r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|[A-Z]{2,4})?", text):
        try:
            return email.utils.parsedate_to_datetime(match.group(0)).date()
        except (TypeError, ValueError):
            continue
    found = []
    months = lexicon.weights("months")
    for pattern in lexicon.compiled(_dates):
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = int(parts["num"]) if parts.get("num") else int(months[parts["month"].lower()])
            try:
                found.append((match.start(), dt.date(int(parts["year"]), month,
                                                     int(parts["day"]))))
            except ValueError:
                continue
    return min(found)[1] if found else None


def date(quoted: str) -> dt.date | None:
    """When the newest quoted message was sent, from its attribution or header block."""
    head, _ = first_message(quoted)
    return find_date(head) if head else None
