"""Readers: every format lints the right text and reports exact lines and columns of the file.

Lines and columns are 1-based and count code points in the ORIGINAL file (CRLF counts as one
line break, "é" as one column, "=C3=A9" as six).
"""

from __future__ import annotations

import base64
import codecs
import datetime as dt

import pytest

from followup_lint.document import parse_draft
from followup_lint.engine import Linter
from followup_lint.model import OffsetMap
from followup_lint.readers import ReaderError, markdown, read
from followup_lint.readers.mapped import Mapped
from followup_lint.runner import run
from followup_lint.sources import decode, expand_paths


@pytest.fixture(scope="module")
def lint(builtin_rules):
    """lint(path, text) -> findings of the first report, with the real spaCy pipeline."""
    linter = Linter(builtin_rules)

    def go(path: str, text: str, context: str | None = "meeting"):
        return [f for r in linter.lint([(path, text)], context) for f in r.findings]

    return go


def where(findings, rule):
    """(line, column, end_line, end_column, text) of each finding of one rule."""
    return [(f.span.line, f.span.column, f.span.end_line, f.span.end_column, f.text)
            for f in findings if f.rule == rule]


# --- the offset map ----------------------------------------------------------------------


def test_offset_map_runs_linear_and_fixed():
    # "a&amp;b" -> "a&b": the "&" is one character for five in the source
    mapped = Mapped()
    mapped.add("a", 0)
    mapped.add("&", 1, 6)
    mapped.add("b", 6)
    offsets = mapped.offset_map()
    assert offsets.source_start(1) == 1 and offsets.source_end(2) == 6
    assert offsets.source_start(2) == 6 and offsets.source_end(3) == 7
    assert len(offsets.starts) == 3


def test_offset_map_merges_a_base64_line_into_one_run():
    offsets = OffsetMap.from_chars([(10, 86)] * 50 + [(87, 150)] * 3)
    assert offsets.starts == (0, 50)
    assert offsets.source_start(49) == 10 and offsets.source_end(50) == 86


def test_plain_and_markdown_drafts_keep_the_identity_map():
    draft = read("d.md", "Hi Dana,\n\nSee [the deck](https://x.example/deck).\n")[0]
    assert draft.offsets is None and len(draft.text) == len(draft.source)


# --- Markdown ----------------------------------------------------------------------------


MARKDOWN = (
    "---\r\ncontext: meeting\r\n---\r\n"
    "# Notes from Tuesday 🗓️\r\n"
    "\r\n"
    "Hi Dana,\r\n"
    "\r\n"
    "See [the launch checklist](https://x.example/asap?now=1) for Tuesday.\r\n"
    "\r\n"
    "    deploy ASAP --now\r\n"
    "\r\n"
    "```\r\nplease respond ASAP\r\n```\r\n"
    "<!-- just checking in -->\r\n"
    "Café plans 🎉 — just checking in on the move.\r\n"
)


def test_markdown_blanks_code_comments_and_link_targets_keeps_link_text():
    text = markdown.mask(MARKDOWN)
    assert len(text) == len(MARKDOWN)
    assert "the launch checklist" in text and "https" not in text
    assert "deploy" not in text and "please respond" not in text
    assert "<!--" not in text and "Notes from Tuesday" in text and "#" not in text


def test_markdown_positions_with_crlf_emoji_and_accents(lint):
    findings = lint("notes.md", MARKDOWN)
    # "Café plans 🎉 — " is 15 code points: the phrase starts in column 16 of line 16
    assert where(findings, "generic.stock-opener") == [
        (16, 16, 16, 35, "just checking in on")]
    assert not [f for f in findings if "ASAP" in f.text or "asap" in f.text.lower()]


# --- .eml --------------------------------------------------------------------------------


def eml(body: str, *, headers: str = "", encoding: str = "quoted-printable",
        charset: str = "utf-8", subject: str = "Pilot pricing", newline: str = "\r\n") -> str:
    head = (f"From: Sam Okafor <sam@ledgerline.example>\nTo: Dana Whitfield <dana@marlow.example>"
            f"\nSubject: {subject}\nDate: Wed, 6 May 2026 09:15:03 +0200\n{headers}"
            f"MIME-Version: 1.0\nContent-Type: text/plain; charset={charset}\n"
            f"Content-Transfer-Encoding: {encoding}\n\n")
    return (head + body).replace("\n", newline)


def test_eml_quoted_printable_positions_in_the_file(lint):
    text = eml("Hi Dana,\n\nThe caf=C3=A9 menu =E2=80=94 just checking in on the =\npilot.\n")
    findings = lint("reply.eml", text)
    # line 11 is "The caf=C3=A9 menu =E2=80=94 just checking in on the =": 29 characters
    # precede "just"; the body sentence continues over the soft line break onto line 12
    assert where(findings, "generic.stock-opener") == [(11, 30, 11, 49, "just checking in on")]
    assert where(findings, "structure.length")[0][:4] == (11, 1, 12, 7)
    assert "The café menu — just checking in on the pilot." in [f.text for f in findings]


def test_eml_headers_become_meta():
    draft = read("reply.eml", eml("Hi Dana,\n\nThanks.\n"))[0]
    assert draft.meta["subject"] == "Pilot pricing"
    assert draft.meta["recipient"] == "Dana Whitfield" and draft.meta["sender"] == "Sam Okafor"
    assert draft.meta["date"] == dt.date(2026, 5, 6)
    assert draft.section_text("subject") == "Pilot pricing"
    assert draft.span(*_range(draft, "subject")).line == 3


def _range(draft, name):
    section = draft.section(name)
    return section.start, section.end


def test_eml_base64_maps_each_character_to_its_encoded_line(lint):
    body = ("Hi Dana,\n\nThe café menu is attached and the Tucson numbers are in the sheet. "
            "Just checking in on the pilot.\n")
    encoded = base64.encodebytes(body.encode("utf-8")).decode("ascii")
    findings = lint("reply.eml", eml(encoded, encoding="base64", newline="\n"))
    # "Just" is decoded from the second base64 line (line 10): start of that line, to its end
    assert where(findings, "generic.stock-opener") == [(10, 1, 10, 73, "Just checking in on")]


def test_eml_8bit_latin1_body(lint):
    body = "Hi Dana,\n\nCafé crème - no. Just checking in on the pilot.\n"
    data = eml("", encoding="8bit", charset="iso-8859-1", newline="\n").encode("ascii") + \
        body.encode("latin-1")
    text = decode(data, raw_bytes_ok=True)
    findings = lint("reply.eml", text)
    assert where(findings, "generic.stock-opener") == [(11, 18, 11, 37, "Just checking in on")]
    draft = read("reply.eml", text)[0]
    assert "Café crème" in draft.text and "Café crème" in draft.source  # shown as Latin-1
    draft.source.encode("utf-8")  # no lone surrogates left to break output


def test_eml_encoded_and_folded_subjects_map_to_the_header(lint):
    encoded = eml("Hi Dana,\n\nThe Tucson numbers are attached.\n",
                  subject="=?UTF-8?Q?Following_up?=", newline="\n")
    assert where(lint("a.eml", encoded), "generic.stock-subject") == [
        (3, 10, 3, 34, "Following up")]
    folded = eml("Hi Dana,\n\nThe Tucson numbers are attached.\n",
                 subject="Re: Following\n up", newline="\n")
    findings = lint("b.eml", folded)
    assert where(findings, "structure.subject-reply-prefix") == [(3, 10, 3, 13, "Re:")]
    assert where(findings, "generic.stock-subject") == []  # a reply keeps the thread's subject
    folded = eml("Hi Dana,\n\nThe Tucson numbers are attached.\n",
                 subject="Following\n up", newline="\n")
    assert where(lint("c.eml", folded), "generic.stock-subject") == [
        (3, 10, 4, 4, "Following up")]


THREAD = """Hi Dana,

Thanks for getting back to me so quickly. Our standard price sheet is attached.

Best,
Sam

On Tue, 5 May 2026 at 16:42, Dana Whitfield <dana@marlow.example>
wrote:
> Hi Sam,
>
> Thanks again for the demo. Can the nightly export land in our Snowflake
> warehouse? And what does single sign-on through Okta cost for 40 seats?
>
> Best,
> Dana
>
> On Mon, 4 May 2026, Sam Okafor wrote:
>> Here is the agenda for the demo.
"""


def test_eml_quoted_thread_is_not_linted_and_feeds_prior_and_last_contact(lint):
    text = eml(THREAD, encoding="7bit", headers="In-Reply-To: <abc@marlow.example>\n")
    draft = read("reply.eml", text)[0]
    assert "Snowflake" not in draft.text and "wrote:" not in draft.text
    assert draft.meta["last_contact"] == dt.date(2026, 5, 5)
    assert any("Snowflake" in p for p in draft.prior)
    assert not any("agenda" in p for p in draft.prior)  # only the newest quoted message
    assert not any(p.startswith(("Hi Sam", "Best")) for p in draft.prior)
    findings = lint("reply.eml", text)
    missing = [f.message for f in findings if f.rule == "reference.missing-points"]
    assert missing and '"Snowflake warehouse"' in missing[0]
    assert not where(findings, "structure.subject-reply-prefix")


def test_eml_outlook_original_message_block_is_the_thread():
    body = ("Hi Dana,\n\nThe Tucson pricing is attached.\n\nSam\n\n"
            "-----Original Message-----\nFrom: Dana Whitfield <dana@marlow.example>\n"
            "Sent: Tuesday, May 5, 2026 4:42 PM\nTo: Sam Okafor\nSubject: Tucson\n\n"
            "Could you send pricing for the Tucson stores?\n")
    draft = read("reply.eml", eml(body, encoding="7bit"))[0]
    assert "Could you send" not in draft.text and "Original Message" not in draft.text
    assert draft.prior == ("Could you send pricing for the Tucson stores?",)
    assert draft.meta["last_contact"] == dt.date(2026, 5, 5)


def test_eml_html_only_part_with_a_gmail_quote(lint):
    html = ('<div>Hi Dana,</div><div><br></div><div>Just checking in on the pilot.</div>'
            '<div class="gmail_quote"><div class="gmail_attr">On Tue, 5 May 2026, Dana wrote:'
            '</div><blockquote>Can the export run nightly into Snowflake?</blockquote></div>')
    text = eml(html, encoding="7bit", newline="\n").replace("text/plain", "text/html")
    draft = read("reply.eml", text)[0]
    assert draft.section_text("body").strip() == "Just checking in on the pilot."
    assert "Snowflake" in draft.quoted
    line = text.split("\n").index(html) + 1
    column = html.index("Just") + 1
    assert where(lint("reply.eml", text), "generic.stock-opener") == [
        (line, column, line, column + 19, "Just checking in on")]


def test_eml_multipart_prefers_text_plain():
    text = ("From: a@b.example\nTo: Dana <d@e.example>\nSubject: Hi\nMIME-Version: 1.0\n"
            'Content-Type: multipart/alternative; boundary="XX"\n\n--XX\n'
            "Content-Type: text/plain; charset=utf-8\n\nPlain words here.\n--XX\n"
            "Content-Type: text/html; charset=utf-8\n\n<p>HTML words here.</p>\n--XX--\n")
    draft = read("m.eml", text)[0]
    assert "Plain words here." in draft.text and "HTML" not in draft.text
    start = draft.text.index("Plain")
    assert draft.span(start, start + 5).line == 10


# --- HTML --------------------------------------------------------------------------------


def test_html_entities_map_to_their_whole_spelling(lint):
    html = ('<html><head><title>Q3 &amp; pricing</title><style>p {color: red}</style></head>\n'
            "<p>Hi Dana,</p>\n<p>AT&amp;T&rsquo;s caf&eacute; &mdash; just checking in on the "
            "pilot.</p>\n<script>track('just checking in')</script>")
    findings = lint("mail.html", html)
    assert where(findings, "generic.stock-opener") == [(3, 41, 3, 60, "just checking in on")]
    draft = read("mail.html", html)[0]
    assert draft.section_text("subject") == "Q3 & pricing"
    amp = draft.text.index("AT&T") + 2
    span = draft.span(amp, amp + 1)
    assert draft.source[span.start : span.end] == "&amp;"
    assert "track" not in draft.text and "color" not in draft.text


def test_html_blocks_and_breaks_become_lines_and_blockquote_is_the_thread():
    html = ("<div>Hi Dana,</div><div><br></div><div>First line<br>second line</div>"
            "<p>New   paragraph\n   continues.</p><blockquote>Old message about Okta.</blockquote>")
    draft = read("mail.htm", html)[0]
    assert draft.text == "Hi Dana,\n\nFirst line\nsecond line\n\nNew paragraph continues."
    assert "Okta" in draft.quoted


# --- template collections ----------------------------------------------------------------


COLLECTION = """\
templates:
  - name: literal
    subject: "Quick question"
    body: |
      Hi {{first_name}},

        Café 🎉 notes — just checking in on the pilot.
  - name: folded
    body: >
      Hi {{first_name}},
      the numbers are in.

      Just checking in on the pilot.
  - name: quoted
    body: "Hi {{first_name}},\\n\\nCaf\\u00e9 \\"plan\\": just checking in on it."
"""


def test_collection_block_scalars_keep_positions(lint):
    linter_findings = lint("t.yaml", COLLECTION)
    opener = [(f.template, f.span.line, f.span.column, f.text) for f in linter_findings
              if f.rule == "generic.stock-opener"]
    # literal: 8 spaces + "Café 🎉 notes — " (15) -> column 24; folded: indented 6 -> 7;
    # quoted: the escapes \\u00e9 and \\" are 6 and 2 characters in the file
    line = COLLECTION.split("\n")
    assert opener == [
        ("literal", 7, 24, "just checking in on"),
        ("folded", 13, 7, "Just checking in on"),
        ("quoted", 15, line[14].index("just") + 1, "just checking in on"),
    ]
    subject = [(f.template, f.span.line, f.span.column) for f in linter_findings
               if f.rule == "generic.stock-subject"]
    assert subject == [("literal", 3, 15)]


def test_collection_with_crlf_line_endings(lint):
    text = ("- name: a\r\n  subject: Quick question\r\n  body: |\r\n    Hi {{first_name}},\r\n"
            "\r\n    Café — just checking in on the pilot.\r\n- name: b\r\n  body: >\r\n"
            "    Hi {{first_name}},\r\n    just checking in on the pilot.\r\n")
    findings = lint("c.yaml", text)
    assert [(f.template, *w) for f in findings for w in where([f], "generic.stock-opener")] == [
        ("a", 6, 12, 6, 31, "just checking in on"), ("b", 10, 5, 10, 24, "just checking in on")]
    assert [(f.template, f.span.line, f.span.column) for f in findings
            if f.rule == "generic.stock-subject"] == [("a", 2, 12)]


def test_html_with_crlf_and_multibyte_text(lint):
    html = "<p>Hi Dana,</p>\r\n<p>Caf&eacute; 🎉 ok.<br>\r\nÜber — just checking in on it.</p>\r\n"
    assert where(lint("m.html", html), "generic.stock-opener") == [
        (3, 8, 3, 27, "just checking in on")]


def test_collection_json(lint):
    text = ('{"templates": [\n  {"id": "one", "subject": "Touching base",\n'
            '   "body": "Hi {first_name},\\n\\nJust checking in on the pilot."}\n]}\n')
    findings = lint("t.json", text)
    assert where(findings, "generic.stock-opener") == [(3, 33, 3, 52, "Just checking in on")]
    assert where(findings, "generic.stock-subject") == [(2, 29, 2, 42, "Touching base")]
    assert {f.template for f in findings} == {"one"}


def test_collection_mapping_of_templates_and_meta():
    text = ("welcome:\n  context: sales\n  prior: [Okta single sign-on]\n  subject: Hello\n"
            "  body: Hi {{first_name}}, thanks.\nnot-a-template: 3\n")
    drafts = read("c.yml", text)
    assert [d.template for d in drafts] == ["welcome"]
    assert drafts[0].context == "sales" and drafts[0].prior == ("Okta single sign-on",)
    assert drafts[0].is_template and drafts[0].fields == ("firstname",)


def test_collection_problems_point_at_the_key():
    text = "- name: a\n  mood: sunny\n  body: Hi.\n- name: b\n  subject: x\n"
    drafts = read("c.yaml", text)
    assert [p[0] for p in drafts[0].problems] == ["input.unknown-key"]
    assert drafts[0].problems[0][2] == 2
    assert drafts[1].problems[0][0] == "input.template"


def test_a_broken_collection_is_an_input_error_with_its_line():
    with pytest.raises(ReaderError) as info:
        read("c.yaml", "- name: a\n  body: [unclosed\n")
    assert info.value.line >= 2
    with pytest.raises(ReaderError, match="not a template collection"):
        read("c.yaml", "just: config\n")


def test_folders_skip_yaml_that_is_not_a_collection(tmp_path):
    (tmp_path / "labels.yaml").write_text("a.md: {labels: [generic], body: x}\n")
    (tmp_path / ".followup-lint.yaml").write_text("select: [generic]\n")
    (tmp_path / "rule.yaml").write_text("name: x\nkind: phrase\nexamples: {good: [a]}\n")
    (tmp_path / "package.json").write_text('{"name": "x"}')
    (tmp_path / "outreach.yml").write_text("- name: a\n  body: Hi {{first_name}}.\n")
    (tmp_path / "reply.eml").write_text("Subject: x\n\nHi.\n")
    (tmp_path / "mail.html").write_text("<p>Hi.</p>")
    found = sorted(p.rsplit("/", 1)[-1] for p in expand_paths([str(tmp_path)]))
    assert found == ["mail.html", "outreach.yml", "reply.eml"]


def test_an_explicit_non_collection_yaml_is_reported_unreadable(tmp_path, builtin_rules):
    path = tmp_path / "config.yaml"
    path.write_text("select: [generic]\n")
    report = run([str(path)], Linter(builtin_rules))
    assert [f.rule for f in report.findings] == ["input.unreadable"]
    assert "not a template collection" in report.findings[0].message


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data"), [
    ("utf8", "Hi Dana,\n\nCafé — just checking in on the pilot.\n".encode()),
    ("utf8-bom", codecs.BOM_UTF8 + "Hi Dana,\n\nCafé — just checking in on the pilot.\n".encode()),
    ("utf16-bom", "Hi Dana,\n\nCafé — just checking in on the pilot.\n".encode("utf-16")),
    ("crlf", "Hi Dana,\r\n\r\nCafé — just checking in on the pilot.\r\n".encode()),
    ("lone-cr", "Hi Dana,\r\rCafé — just checking in on the pilot.\r".encode()),
])
def test_encodings_and_line_endings_give_the_same_position(tmp_path, builtin_rules, name, data):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data)
    report = run([str(path)], Linter(builtin_rules), context="meeting")
    assert where(report.findings, "generic.stock-opener") == [
        (3, 8, 3, 27, "just checking in on")]


def test_binary_input_is_unreadable_and_other_files_still_run(tmp_path, builtin_rules):
    (tmp_path / "a.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "b.txt").write_text("Hi Dana,\n\nJust checking in on the pilot.\n")
    report = run([str(tmp_path)], Linter(builtin_rules), context="meeting")
    assert report.files[0].findings[0].rule == "input.unreadable"
    assert where(report.files[1].findings, "generic.stock-opener")


def test_parse_draft_accepts_a_reader_text_with_an_offset_map():
    from followup_lint.document import Prepared

    source = "<p>Hi Dana,</p><p>The deck is attached.</p>"
    mapped = Mapped()
    mapped.add("Hi Dana,", 3)
    mapped.add("\n\n", 15, 18)
    mapped.add("The deck is attached.", 18)
    draft = parse_draft(source, "x", prepared=Prepared(mapped.text, mapped.offset_map(),
                                                       front_matter=False))
    body = draft.section("body")
    span = draft.span(body.start, body.end)
    assert draft.source[span.start : span.end] == "The deck is attached."
    assert draft.span(body.start, body.end).column == 19


# --- hostile input -----------------------------------------------------------------------


_FRAGMENTS = ["Subject: ", "=?UTF-8?Q?x?=", "Content-Transfer-Encoding: base64\n",
              "Content-Transfer-Encoding: quoted-printable\n", "Content-Type: text/html; "
              "charset=utf-16\n", 'Content-Type: multipart/mixed; boundary="b"\n', "--b\n",
              "--b--\n", "\n\n", "=C3", "=\n", "<p>", "</div>", "&amp", "&#x", "<![", "<pre>",
              "<blockquote>", "On Tue wrote:\n", "> ", "From: a\nSent: b\nTo: c\n",
              "- name: x\n  body: |\n    ", "{{first_name}}", '"\\u00', "body: '", "é", "🎉",
              "\r\n", "\r", "\udc99"]


@pytest.mark.parametrize("suffix", [".eml", ".html", ".yaml", ".json", ".md"])
def test_readers_never_crash_and_spans_stay_in_the_file(suffix):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pieces = st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=5))

    @settings(max_examples=150, deadline=None)
    @given(st.lists(pieces, max_size=40).map("".join))
    def check(text):
        try:
            drafts = read("x" + suffix, text)
        except ReaderError:
            return
        for draft in drafts:
            for start in range(0, len(draft.text) + 1, 3):
                span = draft.span(start, min(len(draft.text), start + 4))
                assert 0 <= span.start <= span.end <= len(draft.source)

    check()
