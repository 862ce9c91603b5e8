"""RFC 5322 .eml files: headers, the reply text decoded with a map back into the file.

The standard library's `email` package (policy=email.policy.default) parses the headers and
the MIME tree: it decodes RFC 2047 subjects and address lists and is what mail tools use.
It does not say where a part's body sits in the file, so `_locate` walks the MIME boundaries
of the same bytes to find each body, and the chosen body (text/plain, else text/html) is
decoded here, character by character, keeping each character's place:

- 7bit / 8bit: each character maps to its own bytes.
- quoted-printable: a character maps to its "=XX" escapes; soft line breaks vanish.
- base64: there is no character-level correspondence, so every decoded character maps to
  the start of the encoded line it came from (best effort).

The file's bytes come back from the decoded source with `surrogateescape` (sources.py decodes
.eml that way), so 8-bit bodies in any charset survive; the text shown in reports replaces
each undecodable byte by its Latin-1 character, which keeps offsets equal.
"""

from __future__ import annotations

import binascii
import codecs
import datetime as dt
import email
import email.policy
import re
from email.message import EmailMessage, Message
from typing import Any

from ..document import Prepared
from . import html, thread
from .mapped import Mapped, byte_to_char

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_HEX = frozenset(b"0123456789ABCDEFabcdef")
_B64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
_B64_OTHER = frozenset(b"= \t\r\n")  # padding and white space
_SURROGATE = re.compile("[\udc80-\udcff]")
_LONE_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")
# The email package parses a header value in time quadratic in its length (a 2 MB Subject
# takes over a minute); real headers, DKIM and long References included, stay far below this.
MAX_HEADER_CHARS = 64 * 1024


class EmlError(ValueError):
    """An .eml file this reader will not read; `line` is 1-based."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def _check_headers(raw: bytes, msg: EmailMessage) -> None:
    """EmlError for a header too long to parse in reasonable time, in any part."""
    for part in msg.walk():
        for name, value in part.raw_items():
            if len(value) > MAX_HEADER_CHARS:
                at = re.search(rb"(?im)^" + re.escape(name.encode("ascii", "replace"))
                               + rb"[ \t]*:", raw)
                line = raw.count(b"\n", 0, at.start()) + 1 if at else 1
                raise EmlError(f"the {name} header is {len(value)} characters long, over the "
                               f"{MAX_HEADER_CHARS}-character limit for one header", line)


def _header_end(raw: bytes, start: int, end: int) -> int:
    """Offset of a part's body: after the first blank line (or `end` without one)."""
    if raw.startswith(b"\n", start) or raw.startswith(b"\r\n", start):
        return start + (1 if raw[start] == 10 else 2)
    match = _HEADER_END.search(raw, start, end)
    return match.end() if match else end


def _locate(raw: bytes, part: Message, start: int, end: int,
            out: dict[int, tuple[int, int]]) -> None:
    """Byte range of the body of `part` and of every part below it, by id()."""
    body = _header_end(raw, start, end)
    out[id(part)] = (body, end)
    boundary = part.get_boundary() if part.is_multipart() else None
    if not boundary:
        return
    delimiter = re.compile(rb"^--" + re.escape(boundary.encode("ascii", "replace"))
                           + rb"(--)?[ \t]*\r?$", re.MULTILINE)
    marks = list(delimiter.finditer(raw, body, end))
    children = part.get_payload()
    segments = []
    for here, after in zip(marks, marks[1:], strict=False):
        if here.group(1):
            break
        seg_start = here.end() + 1 if raw.startswith(b"\n", here.end()) else here.end()
        seg_end = after.start() - (2 if raw[after.start() - 2 : after.start()] == b"\r\n" else 1)
        segments.append((seg_start, max(seg_start, seg_end)))
    if isinstance(children, list):
        for child, (seg_start, seg_end) in zip(children, segments, strict=False):
            _locate(raw, child, seg_start, seg_end, out)


def _lines(raw: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """(start, content end, end after the line break) of each line in a byte range."""
    out = []
    i = start
    while i < end:
        newline = raw.find(b"\n", i, end)
        stop = end if newline == -1 else newline + 1
        content = newline if newline != -1 else end
        if content > i and raw[content - 1] == 13:
            content -= 1
        out.append((i, content, stop))
        i = stop
    return out


def _quoted_printable(raw: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """(byte, source start, source end) of each decoded byte."""
    out = []
    for line_start, content, stop in _lines(raw, start, end):
        limit = content
        while limit > line_start and raw[limit - 1] in b" \t":
            limit -= 1  # trailing white space is padding (RFC 2045 6.7)
        soft = limit > line_start and raw[limit - 1] == 61
        j, last = line_start, limit - 1 if soft else limit
        while j < last:
            if raw[j] == 61 and j + 3 <= last and raw[j + 1] in _HEX and raw[j + 2] in _HEX:
                out.append((int(raw[j + 1 : j + 3], 16), j, j + 3))
                j += 3
            else:
                out.append((raw[j], j, j + 1))
                j += 1
        if not soft and stop > content:
            out.append((10, content, stop))
    return out


def _base64(raw: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """Decoded bytes, each mapped to the whole encoded line it came from; EmlError when the
    text is not base64 (a character outside its alphabet), rather than decoding garbage."""
    chars = bytearray()
    owners: list[tuple[int, int]] = []
    for line_start, content, _ in _lines(raw, start, end):
        for j in range(line_start, content):
            if raw[j] in _B64:
                chars.append(raw[j])
                owners.append((line_start, content))
            elif raw[j] not in _B64_OTHER:
                raise EmlError("the message body could not be read: its text part is marked "
                               "base64 but is not valid base64 (nothing in it was checked)",
                               raw.count(b"\n", 0, j) + 1)
    usable = len(chars) - len(chars) % 4 if len(chars) % 4 == 1 else len(chars)
    padded = bytes(chars[:usable]) + b"=" * (-usable % 4)
    try:
        decoded = binascii.a2b_base64(padded)
    except binascii.Error:
        return []
    return [(b, *owners[min(i * 4 // 3, len(owners) - 1)]) for i, b in enumerate(decoded)]


def _characters_at_once(data: list[tuple[int, int, int]], info: codecs.CodecInfo) -> Mapped | None:
    """The common cases without a decoder call per byte: a valid single-byte charset (one
    character per byte) or valid UTF-8 (a character starts at each non-continuation byte).
    None when neither applies."""
    raw = bytes(b for b, _, _ in data)
    if not raw:
        return Mapped()
    try:
        text = raw.decode(info.name)
    except UnicodeError:
        return None
    if len(text) == len(raw):
        firsts = list(range(len(raw)))
    elif info.name == "utf-8":
        firsts = [i for i, b in enumerate(raw) if b & 0xC0 != 0x80]
    else:
        return None
    if len(firsts) != len(text):
        return None
    lasts = [*(f - 1 for f in firsts[1:]), len(raw) - 1]
    return Mapped.of(list(text), [(data[f][1], data[e][2]) for f, e in zip(firsts, lasts,
                                                                         strict=True)])


def _characters(data: list[tuple[int, int, int]], charset: str) -> Mapped:
    """Decode bytes in a charset; each character keeps the source range of its bytes."""
    try:
        info = codecs.lookup(charset)
    except LookupError:
        info = codecs.lookup("utf-8")
    if not getattr(info, "_is_text_encoding", True):  # "base64", "rot13": not a charset
        info = codecs.lookup("utf-8")
    fast = _characters_at_once(data, info)
    if fast is not None:
        return fast
    decoder = info.incrementaldecoder(errors="replace")
    out = Mapped()
    first: int | None = None
    for byte, start, end in data:
        first = start if first is None else first
        piece = decoder.decode(bytes((byte,)))
        if piece:
            out.add(piece, first, end)  # one byte -> (first, first + 1): a linear run
            first = None
    tail = decoder.decode(b"", final=True)
    if tail and data:
        out.add(tail, data[-1][1], data[-1][2])
    return out


def _unix(text: Mapped) -> Mapped:
    """\\r\\n -> \\n (the \\n keeps both bytes' range), a lone \\r -> \\n."""
    chars, pos = [], []
    for i, ch in enumerate(text.chars):
        if ch == "\r":
            if i + 1 < len(text.chars) and text.chars[i + 1] == "\n":
                continue
            ch = "\n"
        chars.append(ch)
        pos.append(text.pos[i])
    return Mapped.of(chars, pos)


def _body_part(msg: EmailMessage) -> EmailMessage | None:
    """The part a reader sees: text/plain, else text/html (attachments excluded)."""
    try:
        return msg.get_body(preferencelist=("plain", "html"))  # type: ignore[return-value]
    except (KeyError, LookupError, TypeError, AttributeError):  # AttributeError: a multipart
        return None  # part whose body is text ("--" for a boundary line): get_body breaks


def _check_body(raw: bytes, msg: EmailMessage, part: EmailMessage | None,
                ranges: dict[int, tuple[int, int]], head_end: int) -> None:
    """EmlError when the message has a body but no text part could be found in it (a wrong,
    missing or empty MIME boundary, no text part at all): never 0 words without a word."""
    if not raw[head_end:].strip():
        return  # an empty message: nothing was lost
    line = raw.count(b"\n", 0, head_end) + 1
    why = None
    if msg.get_content_maintype() == "multipart" and not msg.is_multipart():
        boundary = msg.get_param("boundary")
        why = (f"its MIME boundary {str(boundary)[:60]!r} does not occur in it" if boundary
               else "it is multipart but names no MIME boundary")
    elif msg.is_multipart() and not msg.get_boundary():
        why = "its MIME boundary is empty"
    elif part is None:
        why = "it has no text/plain or text/html part"
    elif id(part) not in ranges:
        why = "its text part could not be found between the MIME boundaries"
    if why:
        raise EmlError(f"the message body could not be read: {why} (nothing in it was "
                       "checked)", line)


def _decode_part(raw: bytes, part: EmailMessage, start: int, end: int) -> Mapped:
    """A part's body as text; positions are byte offsets into `raw`."""
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    if encoding == "quoted-printable":
        data = _quoted_printable(raw, start, end)
    elif encoding == "base64":
        data = _base64(raw, start, end)
    else:
        data = [(raw[i], i, i + 1) for i in range(start, end)]
    try:
        return _unix(_characters(data, part.get_content_charset() or "utf-8"))
    except UnicodeError:  # e.g. a utf-16 part without a byte order mark
        return _unix(_characters(data, "utf-8"))


def _header(msg: EmailMessage, name: str) -> Any:
    """A header object, or None when absent or too malformed for the email package."""
    try:
        return msg[name]
    except Exception:  # the email package raises many types on hostile headers
        return None


def _display_name(msg: EmailMessage, name: str) -> str | None:
    value = _header(msg, name)
    addresses = getattr(value, "addresses", ()) if value is not None else ()
    for address in addresses:
        if address.display_name:
            return str(address.display_name)
    return None


def meta(msg: EmailMessage) -> dict[str, Any]:
    """Front-matter-like fields from the headers: subject, recipient, sender, date, thread."""
    out: dict[str, Any] = {"subject": str(_header(msg, "subject") or "").strip()}
    for key, header in (("recipient", "to"), ("sender", "from")):
        if found := _display_name(msg, header):
            out[key] = found
    date = getattr(_header(msg, "date"), "datetime", None)
    if isinstance(date, dt.datetime):
        out["date"] = date.date()
    for key, header in (("in_reply_to", "in-reply-to"), ("references", "references")):
        if value := str(_header(msg, header) or "").strip():
            out[key] = value
    return out


def _subject(text: str, raw: bytes, head_end: int, char: Any, value: str) -> tuple[Mapped, int]:
    """The subject mapped onto its header line, and where an empty one would be."""
    match = re.search(rb"(?im)^subject[ \t]*:[ \t]*", raw[:head_end])
    if not match:
        return Mapped(), 0
    start = end = match.end()
    while True:
        newline = raw.find(b"\n", end, head_end)
        if newline == -1 or newline + 1 >= head_end or raw[newline + 1] not in b" \t":
            end = newline if newline != -1 else head_end
            break
        end = newline + 1
    begin, stop = char(start), char(end)
    written = Mapped()
    for i in range(begin, stop):
        if text[i] not in "\r\n":
            written.add(text[i], i)
    if written.text.strip() == value:
        lead = len(written.text) - len(written.text.lstrip())
        return written.slice(lead, lead + len(value)), begin
    mapped = Mapped()
    mapped.add(value, begin, max(begin, stop - (1 if text[stop - 1 : stop] == "\r" else 0)))
    return mapped, begin  # encoded words: the whole value maps to the whole header value


def _trim(text: Mapped) -> Mapped:
    start, end = 0, len(text)
    while start < end and text.chars[start] in " \t\n":
        start += 1
    while end > start and text.chars[end - 1] in " \t\n":
        end -= 1
    return text.slice(start, end)


def read(text: str) -> tuple[str, Prepared]:
    """(the source as reports show it, the Prepared reply) of an .eml file's text."""
    text = _LONE_SURROGATE.sub("\ufffd", text)  # only surrogateescape's bytes can round-trip
    raw = text.encode("utf-8", "surrogateescape")
    table = byte_to_char(text)

    def char(offset: int) -> int:
        return offset if table is None else table[min(offset, len(table) - 1)]

    msg = email.message_from_bytes(raw, policy=email.policy.default)
    _check_headers(raw, msg)
    ranges: dict[int, tuple[int, int]] = {}
    _locate(raw, msg, 0, len(raw), ranges)
    head_end = ranges[id(msg)][0]
    body, quoted_html = Mapped(), ""
    part = _body_part(msg)
    _check_body(raw, msg, part, ranges, head_end)
    if part is not None and id(part) in ranges:
        decoded = _decode_part(raw, part, *ranges[id(part)])
        if part.get_content_type() == "text/html":
            extracted = html.extract(decoded.text)
            body, quoted_html = extracted.body.through(decoded.pos, len(raw)), extracted.quoted
        else:
            body = decoded
    body = Mapped.of(body.chars, [(char(s), char(e)) for s, e in body.pos])
    cut = thread.start(body.text)
    quoted = "\n".join(q for q in (body.text[cut:].strip(), quoted_html.strip()) if q)
    fields = meta(msg)
    if "last_contact" not in fields and (when := thread.date(quoted)):
        fields["last_contact"] = when
    subject, at = _subject(text, raw, head_end, char, fields["subject"])
    lint = Mapped()
    lint.extend(subject)
    lint.add("\n\n", at if not subject.pos else subject.pos[-1][1], at if not subject.pos
             else subject.pos[-1][1])
    lint.extend(_trim(body.slice(0, cut)))
    prepared = Prepared(lint.text, lint.offset_map(), front_matter=False, meta=fields,
                        subject=(0, len(subject)), body_start=len(subject) + 2,
                        prior=thread.points(quoted), quoted=quoted)
    return _SURROGATE.sub(lambda m: chr(ord(m.group(0)) - 0xDC00), text), prepared
