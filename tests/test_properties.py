"""Properties over hostile text, through lint_text and every reader and parser.

Whatever the text (combining marks, right-to-left and zero-width characters, lone surrogates
from a bad decode, NUL and control characters, long lines, nothing at all, only white space,
only quoted lines, only front matter, front matter that is not a mapping):

- no exception escapes, apart from the documented InputError (an unknown context name, a
  file its reader cannot read as its format);
- every finding lies inside the file, at the line and column of its offsets, and its text is
  the source at that span (for the readers that keep the source as the text; see
  invariants.check_report);
- the output is deterministic: the same input gives the same JSON.

Budgets are small for CI; `HYPOTHESIS_PROFILE=fuzz` runs a long fuzz (docs/robustness.md).
The explicit examples at the end are the crashes these tests found, kept as regressions.
"""

from __future__ import annotations

import contextlib
import re

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st
from invariants import as_json, budget, chars, check_draft, check_report, drafts, piece

from followup_lint import InputError, lint_text, safeyaml
from followup_lint.document import html_comments, parse_draft
from followup_lint.engine import Linter
from followup_lint.readers import ReaderError, html, markdown, placeholders, read, thread

SUFFIXES = ["", ".txt", ".md", ".eml", ".html", ".yaml", ".json"]


def lint_or_refuse(text: str, path: str = "<text>"):
    """The report, or None when the input is refused with a documented InputError."""
    try:
        return lint_text(text, path=path)
    except ReaderError:
        assert path.endswith((".eml", ".yaml", ".json")), path  # the readers that refuse
        return None
    except InputError as exc:
        assert "context" in str(exc), exc  # an unknown context name in the front matter
        return None


@pytest.fixture(scope="module")
def fresh(builtin_rules):
    """A second Linter, built apart from the one lint_text keeps."""
    return Linter(builtin_rules)


# --- through the whole linter -----------------------------------------------------------


@budget(40)
@given(drafts)
@example("")
@example("\ud800Hi Dana,\n\nJust checking in\udcff.\n")
@example("---\ndate: 2026-13-40\n---\nHi")
def test_lint_text_never_raises_and_every_finding_is_exact(text):
    report = lint_or_refuse(text)
    if report is not None:
        check_report(report)


@budget(30)
@given(drafts, st.sampled_from(SUFFIXES))
def test_every_reader_through_the_linter(text, suffix):
    report = lint_or_refuse(text, "draft" + suffix)
    if report is not None:
        check_report(report)


@budget(15)
@given(drafts, st.sampled_from(SUFFIXES))
def test_same_input_same_json(fresh, text, suffix):
    report = lint_or_refuse(text, "draft" + suffix)
    if report is None:
        return
    again = fresh.lint([("draft" + suffix, text)])
    assert as_json(report) == as_json(type(report)(tuple(again)))


@budget(4)
@given(st.text(chars, min_size=1, max_size=8), st.sampled_from([".txt", ".md", ".html"]))
def test_one_very_long_line(word, suffix):
    text = "Hi Dana,\n\n" + (word + " ") * (20_000 // (len(word) + 1)) + "\n"
    report = lint_or_refuse(text, "draft" + suffix)
    if report is not None:
        check_report(report)


# --- the readers and parsers on their own (no spaCy: many more examples) -------------------


@budget(300)
@given(drafts, st.sampled_from(SUFFIXES), st.booleans())
def test_readers_keep_every_draft_inside_its_source(text, suffix, template):
    try:
        found = read("draft" + suffix, text, template=template, require_fields=["first_name"])
    except ReaderError:
        assert suffix in (".eml", ".yaml", ".json")
        return
    except InputError as exc:
        assert "context" in str(exc)
        return
    for draft in found:
        check_draft(draft)


@budget(200)
@given(drafts)
def test_parse_draft_as_a_template(text):
    try:
        check_draft(parse_draft(text, template=True, require_fields=["first_name"]))
    except InputError as exc:
        assert "context" in str(exc)


@budget(300)
@given(st.lists(piece, max_size=40).map("".join))
def test_markdown_mask_keeps_length_and_line_breaks(text):
    masked = markdown.mask(text)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(text) if c in "\r\n"] == [
        i for i, c in enumerate(masked) if c in "\r\n"]


@budget(300)
@given(st.one_of(st.lists(piece, max_size=40).map("".join), st.text(chars, max_size=100)))
def test_html_extract_maps_every_character_into_the_source(text):
    extracted = html.extract(text)
    for part in (extracted.body, extracted.title):
        assert len(part.chars) == len(part.pos)
        for start, end in part.pos:
            assert 0 <= start <= end <= len(text)


@budget(300)
@given(st.lists(piece, max_size=30).map("".join))
def test_placeholders_and_thread_helpers(text):
    masked, fields, name = placeholders.mask(text)
    assert len(masked) == len(text)
    assert name is None or name in masked
    assert 0 <= thread.start(text) <= len(text)
    thread.points(text)
    thread.date(text)


@budget(300)
@given(st.one_of(st.lists(piece, max_size=20).map("".join), st.text(chars, max_size=60)))
def test_safeyaml_raises_only_yaml_errors(text):
    for load in (safeyaml.load, lambda t: safeyaml.construct(safeyaml.compose(t))):
        with contextlib.suppress(yaml.YAMLError):
            load(text)


# The linear-time replacements must find exactly what the lazy regexes they replace found.


@budget(300)
@given(st.text(st.sampled_from("<!->a\n"), max_size=40))
def test_html_comments_are_what_the_lazy_regex_finds(text):
    lazy = [m.span() for m in re.finditer(r"<!--.*?-->", text, re.DOTALL)]
    assert list(html_comments(text)) == lazy


_LAZY_EMPHASIS = re.compile(
    r"(?<![\w*])(\*\*|\*|__)(?=[^\s*|])(?P<inner>[^\n]*?[^\s*|])\1(?![\w*])")


@budget(300)
@given(st.text(st.sampled_from("*_ a|\n\t"), max_size=40))
def test_markdown_emphasis_is_what_the_lazy_regex_finds(text):
    lazy = [(m.start(), m.start("inner"), m.end("inner"), m.end())
            for m in _LAZY_EMPHASIS.finditer(text)]
    assert list(markdown._emphasis(text, 0)) == lazy


# --- crashes found, kept -------------------------------------------------------------------


def test_lint_text_works_with_the_builtin_rules_and_with_given_rules(builtin_rules):
    # lint_text hashed its rules to cache a Linter; a Rule holds dicts: TypeError, every call
    text = "Hi Dana,\n\nJust checking in on the pilot.\n"
    first = lint_text(text)
    assert "generic.stock-opener" in {f.rule for f in first.findings}
    some = [r for r in builtin_rules if r.id == "generic.stock-opener"]
    assert [f.rule for f in lint_text(text, rules=some).findings] == ["generic.stock-opener"]
    assert as_json(lint_text(text)) == as_json(first)


def test_lone_surrogates_are_linted_not_fatal():
    # spaCy cannot encode a lone surrogate: UnicodeEncodeError from the tokenizer
    text = "Hi Dana,\n\n\ud800Just checking in on the pilot.\udc80\n"
    report = lint_text(text)
    check_report(report)
    opener = [f for f in report.findings if f.rule == "generic.stock-opener"]
    assert [(f.span.line, f.span.column, f.text[:16]) for f in opener] == [
        (3, 2, "Just checking in")]


@pytest.mark.parametrize(("front_matter", "line", "message"), [
    # the YAML constructor raised ValueError / AttributeError / RecursionError, not YAMLError
    ("context: sales\ndate: 2026-13-40", 3,
     "front matter is not valid YAML: invalid value (month must be in 1..12)"),
    ("last_contact: !!timestamp x", 2,
     "front matter is not valid YAML: invalid value (not a value its tag allows)"),
    ("x: " + "[" * 200 + "]" * 200, 2,
     "front matter is not valid YAML: nested more than 100 levels deep"),
    ("- " * 200 + "x", 2, "front matter is not valid YAML: nested more than 100 levels deep"),
    ("- a\n- b", 2, "front matter must be a mapping of keys to values"),
    ("just words", 2, "front matter must be a mapping of keys to values"),
])
def test_front_matter_that_cannot_be_read_is_a_finding(front_matter, line, message):
    report = lint_text(f"---\n{front_matter}\n---\nHi Dana,\n\nThe pilot starts Monday.\n")
    check_report(report)
    found = [(f.span.line, f.message) for f in report.findings if f.rule == "input.front-matter"]
    assert found == [(line, message)]


@pytest.mark.parametrize(("collection", "line", "reason"), [
    # a value built after composing raised ValueError, or a YAMLError nobody caught
    ("- name: a\n  body: hi\n  date: 2026-13-40\n", 3, "invalid value (month must be in 1..12)"),
    ("- name: a\n  body: hi\n  prior: !!omap [1]\n", 3,
     "expected a mapping of length 1, but found scalar"),
    ("- name: !!timestamp x\n  body: hi\n", 1, "invalid value (not a value its tag allows)"),
    ("- name: a\n  body: hi\n  prior:\n  - !!bool :x\n", 4,
     "invalid value (not a value its tag allows)"),  # KeyError from the constructor
])
def test_collection_values_that_cannot_be_built_are_a_reader_error(collection, line, reason):
    with pytest.raises(ReaderError) as caught:
        read("c.yaml", collection)
    assert (caught.value.line, caught.value.reason) == (line, f"not valid YAML/JSON: {reason}")


@pytest.mark.parametrize("text", [
    "", " ", "\n\n\t\r\n", "\x00", "\ufeff", "> only\n> quoted\n", "---\n---\n",
    "---\nsubject:\n---\n", "---\nsubject: Hi\n---", "---\nnever closed\n", "\r\r\r",
    "a\u0301\u0308\u20dd" * 50, "\u202eHi Dana\u200b,\n\n\u05d0\u0627 test\u2028\n",
    "<!-- followup-lint disable", "<!--" * 100, "[" * 500,
])
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_degenerate_inputs(text, suffix):
    report = lint_or_refuse(text, "draft" + suffix)
    if report is not None:
        check_report(report)
