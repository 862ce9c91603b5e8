"""Fuzzing the readers with structured hostile input: MIME messages (.eml), HTML, front
matter and template collections.

Each generator builds inputs the way a mail client, an editor or a careless script would get
them wrong: bad and nested multipart boundaries, wrong and unknown charsets, broken base64 and
quoted-printable, huge headers, tag soup, unclosed comments, front matter that is a list or a
tag, collections with values of every type. The reader must either read the file, with every
draft mapping back inside it, or refuse it with a ReaderError naming the line; never raise
anything else. A few examples of each go through the whole linter as well.

Budgets are small for CI; `HYPOTHESIS_PROFILE=fuzz` runs a long fuzz (docs/robustness.md).
"""

from __future__ import annotations

import base64
import json
import quopri

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from invariants import PIECES, SPECIAL, budget, chars, check_draft, check_report

from followup_lint import InputError
from followup_lint.engine import Linter
from followup_lint.readers import ReaderError, eml, html, read
from followup_lint.sources import decode

words = st.lists(st.sampled_from(PIECES + ["Hi Dana,\n\n", "\n", "\r\n", "Thanks! "]),
                 max_size=12).map("".join)
texts = st.one_of(words, st.text(chars, max_size=40))


def read_or_refuse(path: str, text: str) -> list:
    """The drafts, or [] when the reader refuses the file with a ReaderError."""
    try:
        found = read(path, text)
    except ReaderError as exc:
        assert exc.line >= 1 and exc.reason
        return []
    except InputError as exc:
        assert "context" in str(exc)
        return []
    for draft in found:
        check_draft(draft)
    return found


@pytest.fixture(scope="module")
def linter(builtin_rules):
    """One Linter for the whole-linter checks of this module."""
    return Linter(builtin_rules)


def lint_and_check(linter, path: str, text: str) -> None:
    """The whole linter, when the reader accepts the file; the report keeps its invariants."""
    if read_or_refuse(path, text):
        from followup_lint.model import Report

        check_report(Report(tuple(linter.lint([(path, text)]))))


# --- MIME ---------------------------------------------------------------------------------

CHARSETS = ["utf-8", "us-ascii", "latin-1", "iso-8859-15", "windows-1252", "utf-16",
            "utf-16-le", "utf-32", "shift_jis", "gb2312", "koi8-r", "utf-7", "bogus-charset",
            "base64", "rot13", "", 'utf-8"', "x-unknown", "UTF8", "idna"]
ENCODINGS = ["7bit", "8bit", "binary", "quoted-printable", "base64", "x-uuencode", "bogus",
             "", "QUOTED-PRINTABLE", " base64 "]
BOUNDARIES = st.one_of(
    st.sampled_from(["b", "=_part_1", "simple boundary", "a+b*c(d)?", "", " ", "\"", "--",
                     "x" * 200, "é", "b\\", "b;c"]),
    st.text(st.characters(codec="ascii", blacklist_characters="\r\n\"\\"), min_size=1,
            max_size=20),
)


def _encode_text(text: str, charset: str, declared_ok: bool) -> bytes:
    """The text in a charset (any error: UTF-8, so the declared charset is then wrong)."""
    try:
        return text.encode(charset if declared_ok else "utf-8", "surrogateescape")
    except (LookupError, UnicodeError):
        return text.encode("utf-8", "surrogatepass")


def _spliced(draw, body: bytes, junk: list[bytes]) -> bytes:
    """The body, or half the time the body with one piece of junk put in somewhere."""
    if not draw(st.booleans()):
        return body
    cut = draw(st.integers(0, len(body)))
    return body[:cut] + draw(st.sampled_from(junk)) + body[cut:]


@st.composite
def transfer_encoded(draw, data: bytes) -> tuple[str, bytes]:
    """(Content-Transfer-Encoding, body bytes), sometimes corrupted."""
    encoding = draw(st.sampled_from(ENCODINGS))
    kind = encoding.strip().lower()
    if kind == "base64":
        body = _spliced(draw, base64.encodebytes(data), [b"", b"!!", b"=", b"====", b"\n\n",
                                                          b"\xff\xfe"])
    elif kind == "quoted-printable":
        body = _spliced(draw, quopri.encodestring(data), [b"=", b"=Z", b"=\n", b"=C3", b"= \n",
                                                           b"=3D=3"])
    else:
        body = data
    return encoding, body


@st.composite
def headers(draw, top: bool) -> list[tuple[str, bytes]]:
    """Header fields of a message or a part: well formed, encoded, 8-bit or malformed."""
    out: list[tuple[str, bytes]] = []
    value = st.one_of(
        texts.map(lambda t: t.replace("\n", " ").replace("\r", " ").encode("utf-8",
                                                                              "surrogatepass")),
        st.sampled_from([b"=?utf-8?b?w6k=?=", b"=?utf-8?q?caf=C3=A9?=", b"=?bogus?q?x?=",
                         b"=?utf-8?b?!!!?=", b"\"Dana \\\"D\\\" Whit\" <d@x.com>", b"(((",
                         b"<<<>>>", b"\xff\xfe\x00", b"Tue, 5 May 2026 10:12:00 +0000",
                         b"Tue, 99 Foo 2026 99:99:99 +9999", b"a\n b\n\tc", b"", b"; ; ;"]),
    )
    names = ["Subject", "From", "To", "Cc", "Date", "In-Reply-To", "References",
             "X-Junk", "Message-ID", "MIME-Version"] if top else ["Content-Disposition",
                                                                  "Content-ID", "X-Part"]
    for name in draw(st.lists(st.sampled_from(names), max_size=5)):
        out.append((name, draw(value)))
    if draw(st.integers(0, 30)) == 0:  # now and then a header too long to parse
        out.append(("Subject", b"word " * draw(st.integers(14_000, 15_000))))
    if draw(st.integers(0, 10)) == 0:
        out.append((NO_COLON, b""))
    return out


NO_COLON = "A header line without a colon"


def _header_bytes(fields: list[tuple[str, bytes]]) -> bytes:
    return b"".join((name.encode() if name == NO_COLON else name.encode() + b": " + value)
                    + b"\n" for name, value in fields)


@st.composite
def mime_parts(draw, depth: int = 0) -> bytes:
    """One MIME entity: a text/plain or text/html leaf, or a multipart of a few entities."""
    fields = draw(headers(top=depth == 0))
    if depth < 3 and draw(st.integers(0, 3)) == 0:
        boundary = draw(BOUNDARIES)
        subtype = draw(st.sampled_from(["mixed", "alternative", "related", "report"]))
        quoted = draw(st.booleans())
        fields.append(("Content-Type", f"multipart/{subtype}; boundary="
                       f"{chr(34) if quoted else ''}{boundary}{chr(34) if quoted else ''}"
                       .encode()))
        children = draw(st.lists(st.deferred(lambda: mime_parts(depth + 1)), max_size=3))
        used = draw(st.sampled_from([boundary, boundary, "wrong", ""]))
        closing = draw(st.sampled_from([f"--{used}--\n", "", f"--{used}\n", f"--{used}-- \r\n"]))
        body = draw(st.sampled_from([b"", b"preamble\n"]))
        for child in children:
            body += f"--{used}\n".encode() + child + b"\n"
        body += closing.encode("utf-8") + draw(st.sampled_from([b"", b"epilogue\n"]))
    else:
        subtype = draw(st.sampled_from(["plain", "html", "plain", "enriched"]))
        charset = draw(st.sampled_from(CHARSETS))
        fields.append(("Content-Type", f"text/{subtype}; charset={charset}".encode()))
        text = draw(texts)
        if subtype == "html":
            text = draw(html_documents)
        data = _encode_text(text, charset, draw(st.booleans()))
        encoding, body = draw(transfer_encoded(data))
        if encoding:
            fields.append(("Content-Transfer-Encoding", encoding.encode()))
    return _header_bytes(draw(st.permutations(fields))) + b"\n" + body


@st.composite
def eml_bytes(draw) -> bytes:
    """A whole .eml file, with its line endings possibly mixed up."""
    data = draw(mime_parts())
    endings = draw(st.sampled_from(["\n", "\r\n", "mixed", "\r"]))
    if endings == "\r\n":
        data = data.replace(b"\n", b"\r\n")
    elif endings == "\r":
        data = data.replace(b"\n", b"\r")
    elif endings == "mixed":
        data = data.replace(b"\n\n", b"\r\n\n", 1)
    return data


def eml_text(data: bytes) -> str | None:
    """The .eml bytes decoded as sources.py decodes them (None: not text at all)."""
    try:
        return decode(data, raw_bytes_ok=True)
    except ValueError:
        return None


# --- HTML ---------------------------------------------------------------------------------

TAGS = ["p", "br", "div", "span", "b", "i", "a href='x'", "img src=x", "pre", "blockquote",
        "div class=\"gmail_quote\"", "div id=divRplyFwdMsg", "script", "style", "title", "head",
        "table", "tr", "td", "li", "ul", "h1", "hr/", "unknown-tag", "x:y", "template", "xml"]
html_pieces = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t.split()[0]}>"),
    st.sampled_from(["&amp;", "&nbsp;", "&#x27;", "&#1114112;", "&#0;", "&bogus;", "&#;", "&",
                     "&#x;", "&#99999999999;", "<!-- c -->", "<!--", "-->", "<![CDATA[x]]>",
                     "<![if mso]>", "<![endif]>", "<!DOCTYPE html>", "<?xml?>", "<", ">",
                     "</", "<a", "\"", "'", "=", "<br/>", "<p/>", "<b x=1 y='2' z=\"3\">",
                     "<a b='", "</blockquote", "On Tue, May 5, 2026, Dana wrote:"]),
    texts,
)
html_documents = st.lists(html_pieces, max_size=25).map("".join)


# --- front matter and collections ---------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**20), st.floats(),
                    texts, st.dates(), st.sampled_from(["2026-13-40", "sales", "nope",
                                                        "{{first_name}}", ""]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(chars, max_size=6), inner, max_size=3)),
    max_leaves=8)
KEYS = ["context", "recipient", "sender", "prior", "last_contact", "date", "followup",
        "subject", "template", "in_reply_to", "followup-lint", "unknown", "name", "id", "body",
        "description", "tags"]
mappings = st.dictionaries(st.sampled_from(KEYS), values, max_size=6)


def _dump(data: object, style: str | None, flow: bool) -> str:
    try:
        return yaml.safe_dump(data, default_style=style, default_flow_style=flow,
                              allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, TypeError):
        return "a: [\n"  # not dumpable: then a broken YAML document instead


@st.composite
def front_matter_drafts(draw) -> str:
    """A draft with front matter: a dumped mapping (or list, or scalar), or hand-made junk."""
    data = draw(st.one_of(mappings, values))
    block = draw(st.one_of(
        st.tuples(st.sampled_from([None, '"', "'", "|", ">"]), st.booleans()).map(
            lambda sf: _dump(data, *sf)),
        st.lists(st.sampled_from(PIECES), max_size=6).map("".join)))
    fence = draw(st.sampled_from(["---\n", "---\r\n", "--- \n"]))
    close = draw(st.sampled_from(["---\n", "...\n", "---\r\n", ""]))
    return fence + block + close + draw(words)


@st.composite
def collections(draw) -> tuple[str, str]:
    """(path, text) of a template collection as YAML or JSON, sometimes broken."""
    templates = draw(st.lists(st.one_of(
        st.fixed_dictionaries({"name": st.one_of(texts, scalars), "body": st.one_of(
            words, scalars)}, optional={"subject": st.one_of(texts, scalars),
                                        "context": st.sampled_from(["sales", "meeting"]),
                                        "prior": values, "extra": values}),
        values), max_size=4))
    shape = draw(st.sampled_from(["list", "templates", "mapping"]))
    data: object = templates
    if shape == "templates":
        data = {"templates": templates}
    elif shape == "mapping":
        data = {f"t{i}": t for i, t in enumerate(templates)}
    if draw(st.booleans()):
        try:
            text = json.dumps(data, default=str, ensure_ascii=draw(st.booleans()),
                              indent=draw(st.sampled_from([None, 0, 2])))
        except ValueError:
            text = "["
        path = "c.json"
    else:
        text = _dump(data, draw(st.sampled_from([None, '"', "'", "|", ">"])), draw(st.booleans()))
        path = draw(st.sampled_from(["c.yaml", "c.yml"]))
    if draw(st.integers(0, 4)) == 0:  # cut or spliced, as a bad merge leaves it
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(["", "\n", ":", "- ", "&a", "*a", "\t",
                                                  "\"", "'", "|\n"])) + text[cut:]
    return path, text


# --- the tests ----------------------------------------------------------------------------


@budget(150)
@given(eml_bytes())
def test_eml_reader_reads_or_refuses_any_mime(data):
    text = eml_text(data)
    if text is not None:
        read_or_refuse("m.eml", text)


@budget(6)
@given(eml_bytes())
def test_eml_through_the_linter(linter, data):
    text = eml_text(data)
    if text is not None:
        lint_and_check(linter, "m.eml", text)


@budget(200)
@given(html_documents)
def test_html_reader_reads_any_tag_soup(text):
    extracted = html.extract(text)
    for start, end in extracted.body.pos + extracted.title.pos:
        assert 0 <= start <= end <= len(text)
    read_or_refuse("m.html", text)


@budget(6)
@given(html_documents)
def test_html_through_the_linter(linter, text):
    lint_and_check(linter, "m.html", text)


@budget(200)
@given(front_matter_drafts(), st.sampled_from([".txt", ".md"]))
def test_front_matter_of_any_shape(text, suffix):
    read_or_refuse("d" + suffix, text)


@budget(8)
@given(front_matter_drafts())
def test_front_matter_through_the_linter(linter, text):
    lint_and_check(linter, "d.md", text)


@budget(200)
@given(collections())
def test_collection_reader_reads_or_refuses(path_text):
    read_or_refuse(*path_text)


@budget(6)
@given(collections())
def test_collection_through_the_linter(linter, path_text):
    lint_and_check(linter, *path_text)


# --- crashes and hangs found, kept -----------------------------------------------------------


def test_deeply_nested_multipart_is_refused_not_a_recursion_error():
    # the email package parses nested parts recursively: RecursionError at ~1,000 levels
    nested = "".join(f"Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
                     for i in range(2000)) + "Content-Type: text/plain\n\nHi Dana\n"
    with pytest.raises(ReaderError) as caught:
        read("m.eml", nested)
    assert (caught.value.line, caught.value.reason) == (1, "MIME parts are nested too deeply "
                                                           "to read")


def test_a_huge_header_is_refused_quickly():
    # the email package parses a header in quadratic time: a 2 MB Subject took 76 s
    message = ("From: Dana <d@x.com>\nSubject: " + "word " * 400_000 + "\n\nHi Sam,\n")
    with pytest.raises(ReaderError) as caught:
        read("m.eml", message)
    assert (caught.value.line, caught.value.reason) == (
        2, "the Subject header is 2000000 characters long, over the "
           f"{eml.MAX_HEADER_CHARS}-character limit for one header")


def test_a_long_but_ordinary_header_is_read():
    refs = " ".join(f"<{i}@mail.example.com>" for i in range(1500))  # ~36,000 characters
    draft = read("m.eml", f"References: {refs}\nSubject: Pilot\n\nHi Dana,\n\nThe pilot.\n")[0]
    assert draft.meta["subject"] == "Pilot" and draft.meta["references"].startswith("<0@")


def test_a_multipart_part_whose_body_is_text_is_read():
    # the email package's get_body raised AttributeError ('str' has no 'is_attachment')
    text = ('Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
            "Content-Type: multipart/related; boundary=b\n\n--\n--b--\n")
    with pytest.raises(ReaderError, match="the message body could not be read: it has no "
                       "text/plain or text/html part"):
        read("m.eml", text)  # a finding that says so, not a crash and not 0 words silently


@pytest.mark.parametrize("body", [b"", b"\n", b"=", b"====", b"!!!!", b"QUJD\n!!\nREVG\n"])
def test_empty_and_broken_base64_bodies(body):
    message = (b"Subject: Hi\nContent-Type: text/plain; charset=utf-8\n"
               b"Content-Transfer-Encoding: base64\n\n" + body)
    if b"!" in body:  # not base64: said so, never decoded into garbage
        with pytest.raises(ReaderError, match="is marked base64 but is not valid base64"):
            read("m.eml", message.decode("ascii"))
        return
    for draft in read("m.eml", message.decode("ascii")):
        check_draft(draft)


@pytest.mark.parametrize("charset", CHARSETS)
def test_every_declared_charset_with_bytes_in_another(charset):
    body = "Hi Dana,\n\nThe café pilot starts Monday. 中文 😀\n".encode()
    message = (f"Subject: Hi\nContent-Type: text/plain; charset={charset}\n\n").encode() + body
    text = eml_text(message)
    assert text is not None
    for draft in read("m.eml", text):
        check_draft(draft)


def test_special_characters_in_every_header():
    for ch in SPECIAL:
        message = f"Subject: a{ch}b\nFrom: {ch} <a@b.c>\nTo: \"{ch}\" <d@e.f>\n\nHi {ch}\n"
        text = eml_text(message.encode("utf-8", "surrogatepass"))
        if text is not None:
            read_or_refuse("m.eml", text)
