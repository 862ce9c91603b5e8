"""Shared by the property and fuzz tests: hostile text, example budgets, and the invariants
every report and every draft must keep, whatever the input.

Budgets: each test runs a few examples in CI. `HYPOTHESIS_PROFILE=fuzz` runs many more (see
docs/robustness.md); `HYPOTHESIS_PROFILE=fuzz FUZZ_SCALE=1000` more still.
"""

from __future__ import annotations

import json
import os
import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from followup_lint.formatters import json_format
from followup_lint.model import Draft, Report, Span

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "")
LONG = PROFILE == "fuzz"
SCALE = int(os.environ.get("FUZZ_SCALE", "100"))  # a long run has SCALE times the examples
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
          HealthCheck.large_base_example]
settings.register_profile("fuzz", deadline=None, suppress_health_check=_QUIET,
                          print_blob=True)
if LONG:
    settings.load_profile(PROFILE)


def budget(examples: int) -> settings:
    """Settings for a test: `examples` in CI, SCALE times as many in a long fuzz run."""
    return settings(max_examples=examples * SCALE if LONG else examples, deadline=None,
                    suppress_health_check=_QUIET)


# --- hostile text ---------------------------------------------------------------------

COMBINING = "\u0301\u0308\u0327\u20dd\u0489"
RTL = "\u202e\u202b\u200f\u061c\u05d0\u05e9\u0627\u0644"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
SURROGATES = "\ud800\udbff\udc00\udc80\udcff\udfff"  # what a bad decode leaves behind
CONTROL = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u2028\u2029"
BREAKS = ["\n", "\r\n", "\r"]
SPECIAL = COMBINING + RTL + ZERO_WIDTH + SURROGATES + CONTROL + "é😀👩‍👩‍👧中文\u00a0\u3000\t"

# Pieces that steer the reader and the rules: front matter, quotes, greetings, sign-offs,
# markup, merge fields, suppressions and phrases the built-in rules look for.
PIECES = [
    "---\n", "---\r\n", "...\n", "subject: ", "context: sales\n", "context: personal\n",
    "followup: 3\n", "last_contact: 2026-03-02\n", "date: 2026-13-40\n", "prior: [a, b]\n",
    "recipient: Dana\n", "template: true\n", "- a\n", "? x\n", ": y\n", "&a [1]\n", "*a\n",
    "!!python/object:os.system {}\n", "> ", ">> ", "On Tue, May 5, 2026, Dana wrote:\n",
    "-----Original Message-----\n", "From: Dana\nSent: Monday\nTo: Sam\n", "Hi Dana,\n",
    "Dear Sir or Madam,\n", "Best,\nSam\n", "-- \n", "Just checking in", "touching base",
    "ASAP", "!!!", "per my last email", "I need an answer by Friday", "Thanks in advance",
    "{{first_name}}", "{{ company | default('x') }}", "[First Name]", "<Company>", "%FNAME%",
    "*|FNAME|*", "{% if x %}", "<!-- followup-lint disable -->", "<!-- followup-lint enable",
    "<!-- followup-lint disable-next-line tone --> ", "<!--", "-->", "```\n", "    code\n",
    "# ", "**", "*", "__", "[", "](", ")", "![", "<http://x", "<p>", "</p>", "&amp;", "&#0;",
    "?", ".", ",", " ", "  ", "\t", "word ", "Tuesday ", "the pilot ", "$12 ", "50 seats ",
    "!!bool ", "!!int ", "!!float ", "!!timestamp ", "!!binary ", "!!set ", "!!omap ", "<<: ",
    "!!str ", "!!null ", "!custom ", "'", '"', "{", "}", "[", "]", ": ", "- ",
]

any_char = st.characters(blacklist_categories=())  # surrogates and controls included
special_char = st.sampled_from(SPECIAL)
chars = st.one_of(any_char, special_char, st.sampled_from("ab .,\n"))
piece = st.one_of(st.sampled_from(PIECES), st.sampled_from(BREAKS), st.text(chars, max_size=6))


def _front_matter(body: str) -> str:
    return "---\n" + body + ("" if body.endswith("\n") or not body else "\n") + "---\n"


front_matter_bodies = st.one_of(
    st.sampled_from(["", "- a\n- b", "just a string", "42", "[1, 2]", "{", "a: [", "~",
                     "context: sales", "subject: Hi", "subject:", "subject: [1, 2]",
                     "followup: -1", "followup: true", "date: 2026-13-40",
                     "last_contact: !!timestamp x", "a: &a [*a]", "- " * 150 + "x",
                     "x: " + "[" * 150 + "]" * 150, "prior: {a: 1}", "? [a]\n: b"]),
    st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
)

drafts = st.one_of(
    st.text(chars, max_size=200),
    st.lists(piece, max_size=30).map("".join),
    st.text(st.sampled_from(" \t\r\n\u00a0\u2003\u3000\ufeff"), max_size=40),  # white space
    st.lists(st.text(chars, max_size=30).map(lambda t: "> " + t), max_size=6).map("\n".join),
    front_matter_bodies.map(_front_matter),
    st.tuples(front_matter_bodies, st.lists(piece, max_size=10).map("".join)).map(
        lambda pair: _front_matter(pair[0]) + pair[1]),
)


# --- invariants -----------------------------------------------------------------------

_BREAK = re.compile(r"\r\n|\r|\n")


def position(source: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of an offset, computed independently of the library."""
    line_start, line = 0, 1
    for match in _BREAK.finditer(source):  # not limited to [0, offset): "\r|\n" is one break
        if match.end() > offset:
            break
        line_start, line = match.end(), line + 1
    return line, offset - line_start + 1


def check_span(span: Span, source: str) -> None:
    """A span lies inside the source and its lines and columns match its offsets."""
    assert 0 <= span.start <= span.end <= len(source), (span, len(source))
    assert (span.line, span.column) == position(source, span.start), span
    assert (span.end_line, span.end_column) == position(source, span.end), span


# Readers that keep the source as the text (offsets are source offsets) give findings whose
# text is exactly the source slice. The decoding readers (.eml, HTML, collections) report the
# decoded text ("é" for "=C3=A9", "&" for "&amp;") of a rule's match; their input.* findings
# are still exact source slices.
IDENTITY_SUFFIXES = ("", ".txt", ".md", ".markdown")


def _identity(path: str) -> bool:
    from followup_lint.readers import suffix

    return suffix(path) in IDENTITY_SUFFIXES


def check_report(report: Report) -> None:
    """Every finding lies inside its file, at the right line and column, and (where the
    reader keeps the source) its text is the source at that span; the JSON renders."""
    for file in report.files:
        for finding in file.findings:
            if not file.metrics and finding.rule in ("input.unreadable", "input.too-large"):
                assert finding.span.start == finding.span.end == 0 and finding.text == ""
                continue
            check_span(finding.span, file.source)
            if _identity(file.path) or finding.category == "input":
                assert finding.text == file.source[finding.span.start : finding.span.end], (
                    finding, file.source[finding.span.start : finding.span.end])
    json.loads(as_json(report))


def as_json(report: Report) -> str:
    """The JSON output (lone surrogates escaped, as they cannot be encoded otherwise)."""
    return json_format.render(report).encode("utf-8", "backslashreplace").decode("utf-8")


def check_draft(draft: Draft) -> None:
    """A draft's text, sections and problems all map back inside its source."""
    from followup_lint.document import line_starts

    assert draft.line_starts == line_starts(draft.source)
    if draft.offsets is None:
        assert len(draft.text) == len(draft.source)
    for section in draft.sections:
        assert 0 <= section.start <= section.end <= len(draft.text), section
        check_span(draft.span(section.start, section.end), draft.source)
    for _, _, line in draft.problems:
        check_span(draft.line_span(line), draft.source)
    for offset in {0, len(draft.text) // 2, len(draft.text)}:
        check_span(draft.span(offset, len(draft.text)), draft.source)
