"""HTML -> text with a position for every character, using the standard library's parser.

html.parser is tolerant of broken markup, needs no dependency, and reports the line and
column of every tag, text run and entity (`getpos`), which is what the offset map needs.
Entities are decoded one by one (convert_charrefs=False) so each decoded character maps back
to its `&...;`. Paragraphs, headings and list items become line breaks; runs of white space
collapse to one space. <style>, <script> and <head> are skipped (the <title> is kept as the
subject); quoted replies (<blockquote>, Gmail's gmail_quote, Thunderbird's moz-cite-prefix,
Outlook's divRplyFwdMsg and everything after it) go to a separate quoted text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..document import Prepared
from .mapped import Mapped

_SKIP = frozenset({"style", "script", "head", "template", "noscript", "xml"})
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre",
                        "blockquote", "dl", "hr"})
_LINE = frozenset({"div", "li", "tr", "dt", "dd", "section", "article", "header", "footer",
                   "center", "address", "figure", "caption", "td", "th"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr",
                   "source", "embed", "param", "track"})
_QUOTE_CLASSES = ("gmail_quote", "gmail_extra", "moz-cite-prefix", "yahoo_quoted")
_REST_IS_QUOTED_IDS = ("divrplyfwdmsg", "appendonsend")
_SPACE = re.compile(r"[ \t\r\n\f\xa0]+")
_COMMENT_CLOSE = re.compile(r"--[!\s]*>")  # what ends a comment, in any Python's html.parser


@dataclass
class Extracted:
    """What an HTML document says: body text, title (subject) and quoted text."""

    body: Mapped
    title: Mapped
    quoted: str


@dataclass
class _Out:
    """One output stream with HTML white-space rules."""

    text: Mapped = field(default_factory=Mapped)
    space_at: int | None = None  # a collapsed space waiting for the next word

    def word(self, chars: str, start: int, end: int | None = None) -> None:
        if self.space_at is not None and self.text.chars and self.text.chars[-1] != "\n":
            self.text.add(" ", self.space_at)
        self.space_at = None
        self.text.add(chars, start, end)

    def space(self, at: int) -> None:
        if self.space_at is None:
            self.space_at = at

    def breaks(self, count: int, at: int, end: int, hard: bool = False) -> None:
        """Line breaks: `hard` adds one (<br>); otherwise ensure `count` at the end."""
        self.space_at = None
        chars = self.text.chars
        if not chars:
            return
        have = 0
        while not hard and have < count and have < len(chars) and chars[-1 - have] == "\n":
            have += 1
        for _ in range(1 if hard else count - have):
            self.text.add("\n", at, end)


class _Parser(HTMLParser):
    """Collects body text, title and quoted text with source offsets."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_offsets = [0] + [m.end() for m in re.finditer("\n", source)]
        self.body, self.title, self.quoted = _Out(), _Out(), _Out()
        self.skip: list[str] = []  # tag names of open skipped elements (same-name nesting)
        self.quote: list[str] = []
        self.rest_quoted = False
        self.in_title = False
        self.pre = 0
        # Where the last ">" and the last comment end are. html.parser searches for the end
        # of a tag or comment from every "<" to the end of the text and, finding none, reads
        # the "<" as text and searches again from the next one: quadratic, hours for a few
        # MB of "<a" or "<!--". A construct that starts after the last possible end cannot be
        # complete, so it is reported incomplete at once, and read as text as before.
        self.last_gt = source.rfind(">")
        self.last_comment_close = max((m.start() for m in _COMMENT_CLOSE.finditer(source)),
                                      default=-1)

    def _cannot_end(self, i: int, last_end: int) -> bool:
        """Whether a construct at rawdata[i] starts after `last_end` (a source offset)."""
        return len(self.source) - len(self.rawdata) + i >= last_end  # rawdata: a suffix

    def parse_starttag(self, i: int) -> int:  # noqa: D102 - see _cannot_end
        return -1 if self._cannot_end(i, self.last_gt) else super().parse_starttag(i)

    def parse_endtag(self, i: int) -> int:  # noqa: D102
        return -1 if self._cannot_end(i, self.last_gt) else super().parse_endtag(i)

    def parse_pi(self, i: int) -> int:  # noqa: D102
        return -1 if self._cannot_end(i, self.last_gt) else super().parse_pi(i)

    def parse_html_declaration(self, i: int) -> int:  # noqa: D102
        return -1 if self._cannot_end(i, self.last_gt) else super().parse_html_declaration(i)

    def parse_comment(self, i: int, report: bool = True) -> int:  # noqa: D102
        if self._cannot_end(i + 1, self.last_comment_close):  # "<!-->" ends at i + 2
            return -1
        return super().parse_comment(i, report)

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """As the base class, but a malformed "<![" is skipped: Python before 3.13 raises
        AssertionError on it instead of treating it as text."""
        position = self.lineno, self.offset
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.lineno, self.offset = position  # the base class moved them before raising
            end = self.rawdata.find(">", i)
            return -1 if end == -1 else end + 1

    def _at(self) -> int:
        line, column = self.getpos()
        return self.line_offsets[line - 1] + column

    def _out(self) -> _Out | None:
        if self.in_title:
            return self.title
        if self.skip:
            return None
        return self.quoted if self.quote or self.rest_quoted else self.body

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        at, raw = self._at(), self.get_starttag_text() or ""
        values = {k: (v or "") for k, v in attrs}
        if tag == "title":
            self.in_title = True
            return
        if self.skip:
            self.skip += [tag] if tag == self.skip[0] and tag not in _VOID else []
            return
        if tag in _SKIP:
            self.skip.append(tag)
            return
        if values.get("id", "").lower() in _REST_IS_QUOTED_IDS:
            self.rest_quoted = True
        if self.quote:
            self.quote += [tag] if tag == self.quote[0] and tag not in _VOID else []
        elif tag == "blockquote" or any(c in values.get("class", "")
                                        for c in _QUOTE_CLASSES):
            self.quote.append(tag)
        self._block(tag, at, at + len(raw), opening=True)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skip:
            at = self._at()
            self._block(tag, at, at + len(self.get_starttag_text() or ""), opening=True)

    def handle_endtag(self, tag: str) -> None:
        at = self._at()
        end = self.source.find(">", at) + 1 or at
        if tag == "title":
            self.in_title = False
            return
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        if self.quote and tag == self.quote[-1]:
            self.quote.pop()
            if not self.quote:
                return
        self._block(tag, at, end, opening=False)

    def _block(self, tag: str, at: int, end: int, opening: bool) -> None:
        out = self._out()
        if out is None or out is self.title:
            return
        if tag == "pre":
            self.pre += 1 if opening else -1 if self.pre else 0
        if tag == "br":
            out.breaks(1, at, end, hard=True)
        elif tag in _PARAGRAPH:
            out.breaks(2, at, end)
        elif tag in _LINE:
            out.breaks(1, at, end)

    def handle_data(self, data: str) -> None:
        out = self._out()
        if out is None:
            return
        at = self._at()
        if self.pre:
            for i, ch in enumerate(data):
                if ch == "\n":
                    out.breaks(1, at + i, at + i + 1, hard=True)
                elif ch != "\r":
                    out.word(ch, at + i)
            return
        pos = 0
        for match in _SPACE.finditer(data):
            if match.start() > pos:
                out.word(data[pos : match.start()], at + pos)
            out.space(at + match.start())
            pos = match.end()
        if pos < len(data):
            out.word(data[pos:], at + pos)

    def _reference(self, raw: str) -> None:
        out = self._out()
        if out is None:
            return
        at = self._at()
        width = len(raw) + (1 if self.source.startswith(";", at + len(raw)) else 0)
        char = html.unescape(raw + ";")
        if char == raw + ";":  # not an entity we know: keep it as written
            out.word(self.source[at : at + width], at)
        elif _SPACE.fullmatch(char):
            out.space(at)
        else:
            out.word(char, at, at + width)

    def handle_entityref(self, name: str) -> None:
        self._reference("&" + name)

    def handle_charref(self, name: str) -> None:
        self._reference("&#" + name)


def extract(source: str) -> Extracted:
    """Body text, title and quoted text of an HTML document, offsets into `source`."""
    parser = _Parser(source)
    parser.feed(source)
    parser.close()
    return Extracted(_trim(parser.body.text), _trim(parser.title.text), parser.quoted.text.text)


def _trim(text: Mapped) -> Mapped:
    """Without leading and trailing line breaks and spaces."""
    start, end = 0, len(text)
    while start < end and text.chars[start] in " \n":
        start += 1
    while end > start and text.chars[end - 1] in " \n":
        end -= 1
    return text.slice(start, end)


def read(source: str) -> Prepared:
    """An .html file as a draft: the <title> is the subject, quoted replies are the thread."""
    from . import thread

    extracted = extract(source)
    body = extracted.body
    cut = thread.start(body.text)
    quoted = "\n".join(q for q in (body.text[cut:].strip(), extracted.quoted.strip()) if q)
    meta: dict[str, object] = {}
    lint = Mapped()
    subject = None
    if extracted.title.chars:
        meta["subject"] = extracted.title.text
        lint.extend(extracted.title)
        at = extracted.title.pos[-1][1]
        lint.add("\n\n", at, at)
        subject = (0, len(extracted.title))
    start = len(lint)
    lint.extend(_trim(body.slice(0, cut)))
    if when := thread.date(quoted):
        meta["last_contact"] = when
    return Prepared(lint.text, lint.offset_map(), front_matter=False, meta=meta,
                    subject=subject, body_start=start, prior=thread.points(quoted),
                    quoted=quoted)
