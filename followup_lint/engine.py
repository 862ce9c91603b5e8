"""Rules x drafts -> findings. Applies situations, scopes, requires/unless, and metrics."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import contexts, evidence, kinds, lexicon, suppress
from . import metrics as metricsmod
from . import nlp as nlpmod
from .kinds.base import Hit, LintInput, in_ranges
from .model import Draft, FileReport, Finding, InputError, Rule, Severity

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PRESSURE_WEIGHT = {Severity.INFO: 1.0, Severity.WARNING: 2.0, Severity.ERROR: 3.0}
_INPUT_SEVERITY = {"input.unknown-key": Severity.WARNING, "input.template": Severity.INFO}
DEFAULT_DRAFT_TIMEOUT = 10.0  # seconds of checking rules per draft; 0 or None: no limit
# Parsing takes about a millisecond a token and cannot be stopped once begun, so a draft
# longer than this (about 15,000 words; a long email has 1,000) is reported, not parsed.
MAX_DRAFT_TOKENS = 20_000


class _Fields(dict):  # type: ignore[type-arg]
    """Message fields; an unknown {name} stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class _CompiledRule:
    rule: Rule
    matcher: kinds.Compiled
    requires: list[kinds.Compiled]
    requires_unless: list[kinds.Compiled]
    unless: list[kinds.Compiled]
    near: list[kinds.Compiled]
    unless_next: list[kinds.Compiled]


def _compile(rule: Rule, nlp: Language) -> _CompiledRule:
    try:
        return _CompiledRule(
            rule,
            kinds.KINDS[rule.kind].Compiled(rule.params, nlp),
            [kinds.compile_submatcher(s, nlp) for s in rule.requires],
            [kinds.compile_submatcher(s, nlp) for s in rule.requires_unless],
            [kinds.compile_submatcher(s, nlp) for s in rule.unless],
            [kinds.compile_submatcher(s, nlp) for s in rule.near],
            [kinds.compile_submatcher(s, nlp) for s in rule.unless_next],
        )
    except ValueError as exc:
        raise InputError(f"{rule.path}: rule {rule.name}: {exc}") from None


class Linter:
    """A set of rules bound to one spaCy pipeline; lints many drafts."""

    def __init__(self, rules: Sequence[Rule], model: str | None = None, *,
                 report_unused_suppressions: bool = False,
                 draft_timeout: float | None = DEFAULT_DRAFT_TIMEOUT,
                 max_tokens: int | None = MAX_DRAFT_TOKENS,
                 lists: lexicon.Lists | None = None) -> None:
        self.rules = tuple(rules)
        # The word lists the scores and measures read (lexicon.py): None for the built-in
        # ones, else the built-in lists with a project's rule folders' lists added
        # (lexicon.for_folders). Public, so part of the cache key.
        self.lists = lists
        self.model = model
        self.report_unused_suppressions = report_unused_suppressions
        self.max_tokens = max_tokens
        # Private, so not part of the cache key (cache.linter_state): a draft that was
        # checked in time does not depend on it, and one that was not is never cached.
        self._draft_timeout = draft_timeout
        self._compiled: list[_CompiledRule] | None = None
        # read once: the property is asked for on every draft (the pipeline's key)
        self._exclude: tuple[str, ...] = (() if "entities" in needed_annotations(self.rules)
                                          else ("ner",))

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the compiled matchers (spaCy objects): a worker compiles its own."""
        return {**self.__dict__, "_compiled": None}

    @property
    def exclude(self) -> tuple[str, ...]:
        """Pipeline components these rules never read, left out of the pipeline."""
        return self._exclude

    @property
    def nlp(self) -> Language:
        """The pipeline (loaded once per process)."""
        return nlpmod.load(self.model, self.exclude)

    def compiled(self) -> list[_CompiledRule]:
        """Rules compiled against the pipeline; InputError for a pattern spaCy rejects."""
        if self._compiled is None:
            nlp = self.nlp
            self._compiled = [_compile(rule, nlp) for rule in self.rules]
        return self._compiled

    def lint(
        self,
        sources: Iterable[tuple[str, str]],
        context: str | None = None,
        prior: Sequence[str] = (),
    ) -> list[FileReport]:
        """Lint (path, text) pairs, each read by the reader for its suffix (readers/); one
        FileReport per draft, in order (a template collection gives one per template)."""
        from .readers import read

        if context is not None:
            contexts.validate(context)
        drafts = [d for path, text in sources for d in read(path, text, prior=prior)]
        return self.lint_drafts(drafts, context)

    def lint_drafts(self, drafts: Sequence[Draft], context: str | None = None) -> list[FileReport]:
        """Lint drafts already read; one FileReport each, in order."""
        with lexicon.using(self.lists):
            return self._lint_drafts(drafts, context)

    def _lint_drafts(self, drafts: Sequence[Draft], context: str | None) -> list[FileReport]:
        if context is not None:
            contexts.validate(context)
        compiled = self.compiled()
        notes = list(dict.fromkeys(p for d in drafts for p in d.prior))  # --prior repeats
        limit = self.max_tokens
        prior, unread = self._parse_prior(notes)
        docs = nlpmod.parse(self.nlp, (d.text for d in drafts), max_tokens=limit)
        reports = [_too_long(d, len(doc), limit) if limit and len(doc) > limit else
                   self._lint_draft(d, doc, compiled, context, [prior[p] for p in d.prior
                                                                if p in prior])
                   for d, doc in zip(drafts, docs, strict=True)]
        if unread:
            reports = [_prior_cut(r, d, self._draft_timeout or 0, unread) if r.metrics and
                       unread.intersection(d.prior) else r for r, d in zip(reports, drafts,
                                                                            strict=True)]
        return reports

    def _parse_prior(self, notes: Sequence[str]) -> tuple[dict[str, Doc], set[str]]:
        """The parsed prior notes (none over the token limit), and the notes left unparsed
        when parsing them ran past the time limit per draft (--draft-timeout)."""
        limit, started = self.max_tokens, time.monotonic()
        parsed: dict[str, Doc] = {}
        for k, (note, doc) in enumerate(zip(notes, nlpmod.parse(self.nlp, notes,
                                                                 max_tokens=limit), strict=True)):
            if not limit or len(doc) <= limit:
                parsed[note] = doc
            if self._draft_timeout and time.monotonic() - started > self._draft_timeout:
                return parsed, set(notes[k + 1 :])
        return parsed, set()

    def _lint_draft(
        self, draft: Draft, doc: Doc, compiled: list[_CompiledRule], override: str | None,
        prior_docs: Sequence[Doc],
    ) -> FileReport:
        started = time.monotonic()
        context, inferred, sure = _situation(draft, override)
        metrics = metricsmod.compute(draft, doc)
        if not self.nlp.has_pipe("ner"):
            for measure in _ENTITY_MEASURES:  # entities were not looked for: no rule reads them
                metrics[measure] = None
        findings = [_problem(draft, p) for p in draft.problems]
        known = evidence.present(draft, inferred, not sure, context)
        stopped: list[Finding] = []
        for k, item in enumerate(compiled):
            if self._draft_timeout and time.monotonic() - started > self._draft_timeout:
                stopped.append(_timed_out(draft, self._draft_timeout, len(compiled) - k))
                break
            if item.rule.applies_to(context) and _when_holds(item.rule, metrics):
                findings += _run(item, draft, doc, context, metrics, prior_docs, known)
        findings, metrics["suppressed"] = suppress.apply(draft, findings,
                                                         self.report_unused_suppressions)
        findings += stopped  # not suppressible: the draft was not fully checked
        metrics["pressure"] = _pressure(findings, metrics["words"])
        if draft.template is not None:
            findings = [dataclasses.replace(f, template=draft.template) for f in findings]
        findings.sort(key=Finding.sort_key)
        return FileReport(draft.path, context, inferred, metrics, tuple(findings), draft.source,
                          template=draft.template)


_ENTITY_ATTRS = frozenset({"ENT_TYPE", "ENT_IOB", "ENT_ID", "ENT_KB_ID"})
_ENTITY_MEASURES = frozenset({"specifics", "topic_words"})  # dates are no topic


def needed_annotations(rules: Iterable[Rule]) -> frozenset[str]:
    """Optional annotations the rules read: "entities" (the ner pipe).

    Lemmas are not optional: the politeness and formality metrics read them for every draft.
    """

    def reads_entities(value: Any) -> bool:
        if isinstance(value, Mapping):
            return any(str(k).upper() in _ENTITY_ATTRS or reads_entities(v)
                       for k, v in value.items())
        return isinstance(value, list | tuple) and any(reads_entities(v) for v in value)

    for rule in rules:
        if (rule.kind == "reference" or rule.params.get("measure") in _ENTITY_MEASURES
                or set(rule.when) & _ENTITY_MEASURES
                or reads_entities([rule.params, rule.requires, rule.requires_unless, rule.unless,
                                   rule.unless_next, rule.near])):
            return frozenset({"entities"})
    return frozenset()


def _when_holds(rule: Rule, metrics: Mapping[str, Any]) -> bool:
    """Whether the draft's measures meet the rule's `when` conditions.

    A measure the draft does not have (no `followup:` in the front matter, say) passes an
    upper bound and fails a lower one: an unnumbered follow-up is taken to be the first.
    """
    for measure, bounds in rule.when.items():
        value = metrics.get(measure)
        if value is None:
            if "min" in bounds:
                return False
            continue
        if value < bounds.get("min", value) or value > bounds.get("max", value):
            return False
    return True


def _situation(draft: Draft, override: str | None) -> tuple[str, bool, bool]:
    """(situation, inferred, sure): given by the caller or the front matter, else inferred
    from the vocabulary; `sure` is False when nothing said it and the default was taken."""
    if override:
        return override, False, True
    if draft.context:
        return draft.context, False, True
    context, sure = contexts.infer_sure(" ".join([draft.text, *draft.prior]))
    return context, True, sure


def _problem(draft: Draft, problem: tuple[str, str, int]) -> Finding:
    rule, message, line = problem
    span = draft.line_span(line)
    return Finding(rule, "input", _INPUT_SEVERITY.get(rule, Severity.ERROR), message, draft.path,
                   span, draft.source[span.start : span.end])


def _too_long(draft: Draft, tokens: int, limit: int) -> FileReport:
    """A report for a draft too long to parse in reasonable time, as for a file too large."""
    finding = Finding("input.too-large", "input", Severity.ERROR,
                      f"cannot lint: the draft is {tokens} tokens (words and punctuation "
                      f"marks), over the {limit}-token limit for one draft", draft.path,
                      draft.source_span(0, 0), "", template=draft.template)
    return FileReport(draft.path, None, False, {}, (finding,), draft.source,
                      template=draft.template)


def _prior_cut(report: FileReport, draft: Draft, limit: float, unread: set[str]) -> FileReport:
    """The report with an input.timeout finding: some of its prior notes were not read."""
    missed = len(unread.intersection(draft.prior))
    span = draft.line_span(1)
    finding = Finding("input.timeout", "input", Severity.ERROR, f"stopped reading the prior "
                      f"notes after {limit:g} s, the time limit per draft (--draft-timeout): "
                      f"{missed} of {len(draft.prior)} notes not used", draft.path, span,
                      draft.source[span.start : span.end], template=draft.template)
    findings = tuple(sorted((*report.findings, finding), key=Finding.sort_key))
    return dataclasses.replace(report, findings=findings)


def _timed_out(draft: Draft, limit: float, skipped: int) -> Finding:
    span = draft.line_span(1)
    return Finding("input.timeout", "input", Severity.ERROR,
                   f"stopped checking this draft after {limit:g} s, the time limit per draft "
                   f"(--draft-timeout): {skipped} rule{'s' if skipped != 1 else ''} not run",
                   draft.path, span, draft.source[span.start : span.end])


def _pressure(findings: Sequence[Finding], words: int) -> float:
    weight = sum(PRESSURE_WEIGHT[f.severity] for f in findings if f.category == "pushy")
    return round(100.0 * weight / max(words, 1), 2)


def _sentence(doc: Doc, offset: int) -> tuple[int, int]:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        return offset, offset + 1
    sent = span[0].sent
    return sent.start_char, sent.end_char


def _run(
    item: _CompiledRule, draft: Draft, doc: Doc, context: str,
    metrics: Mapping[str, Any], prior_docs: Sequence[Doc], known: frozenset[str] = frozenset(),
) -> list[Finding]:
    rule = item.rule
    ranges = [(s.start, s.end) for s in draft.sections if s.name in rule.scope]
    inp = LintInput(draft, doc, context, metrics, ranges, prior_docs)
    try:
        hits = item.matcher.hits(inp)
        if kinds.KINDS[rule.kind].LOCAL:
            hits = [h for h in hits if in_ranges(h.start, ranges)]
        hits = _filter(item, inp, hits)
    except TimeoutError:
        span = draft.line_span(1)
        return [Finding("input.timeout", "input", Severity.ERROR,
                        f"rule {rule.id} ran past its time limit on this draft", draft.path, span,
                        draft.source[span.start : span.end])]
    severity = rule.severity if evidence.holds(rule.evidence, known) else Severity.INFO
    return [_finding(rule, draft, hit, severity) for hit in _dedupe(hits)]


def _matches(matchers: list[kinds.Compiled], inp: LintInput,
             ranges: Sequence[tuple[int, int]]) -> list[Hit]:
    return [h for m in matchers for h in m.hits(inp) if in_ranges(h.start, ranges)]


def _companions(item: _CompiledRule, inp: LintInput,
                ranges: Sequence[tuple[int, int]]) -> list[Hit]:
    """The `requires` matches, less those in a sentence with a `requires_unless` match."""
    found = _matches(item.requires, inp, ranges)
    if found and item.requires_unless:
        blockers = _matches(item.requires_unless, inp, ranges)
        found = [h for h in found if not _in_sentence(inp.doc, h, blockers)]
    return found


def _filter(item: _CompiledRule, inp: LintInput, hits: list[Hit]) -> list[Hit]:
    """Apply requires (anywhere), near (same sentence) and unless (sentence or draft)."""
    if not hits:
        return hits
    everywhere = [(s.start, s.end) for s in inp.draft.sections if s.name != "signature"]
    if item.requires and not _companions(item, inp, everywhere):
        return []
    if item.near:
        companions = _matches(item.near, inp, everywhere)
        hits = [h for h in hits if _in_sentence(inp.doc, h, companions)]
    if item.unless_next and hits:
        after = _matches(item.unless_next, inp, everywhere)
        hits = [h for h in hits if not _in_next_sentence(inp.doc, h, after)]
    if not item.unless or not hits:
        return hits
    if item.rule.unless_within == "match":  # the exception's own words hold the finding,
        # wherever the finding is (a signature's "[URL REDACTED]" too)
        whole = [(s.start, s.end) for s in inp.draft.sections]
        blockers = _matches(item.unless, inp, whole)
        return [h for h in hits if not any(b.start <= h.start and h.end <= b.end
                                           for b in blockers)]
    blockers = _matches(item.unless, inp, everywhere)
    if item.rule.unless_within == "draft":
        return [] if blockers else hits
    if item.rule.unless_within == "line":
        text = inp.draft.text
        return [h for h in hits if not any(
            text.rfind("\n", 0, h.start) == text.rfind("\n", 0, b.start) for b in blockers)]
    return [h for h in hits if not _in_sentence(inp.doc, h, blockers)]


def _in_sentence(doc: Doc, hit: Hit, others: Sequence[Hit]) -> bool:
    """Whether any of `others` starts in the sentence where `hit` starts."""
    start, end = _sentence(doc, hit.start)
    return any(start <= o.start < end for o in others)


def _in_next_sentence(doc: Doc, hit: Hit, others: Sequence[Hit]) -> bool:
    """Whether any of `others` starts in the sentence after the one where `hit` starts."""
    end = _sentence(doc, hit.start)[1]
    rest = doc.text[end:]
    if not others or not rest.strip():
        return False
    start, stop = _sentence(doc, end + len(rest) - len(rest.lstrip()))
    return any(start <= o.start < stop for o in others)


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """One hit per place: overlapping hits of the same rule keep the earliest, longest."""
    out: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if not out or hit.start >= out[-1].end:
            out.append(hit)
    return out


def _finding(rule: Rule, draft: Draft, hit: Hit, severity: Severity | None = None) -> Finding:
    end = hit.end
    while end > hit.start and draft.matched(end - 1, end) == "\r":
        end -= 1  # a CRLF line's \r (a space in the lint text) is not part of what matched
    span = draft.span(hit.start, end)
    text = draft.matched(hit.start, max(hit.start, end))
    match = re.sub(r"\s+", " ", text).strip()
    message = rule.message.format_map(_Fields(match=match, **hit.vars))
    suggestion = rule.suggest.format_map(_Fields(match=match, **hit.vars)) if rule.suggest else None
    return Finding(rule.id, rule.category, severity or rule.severity, message, draft.path, span,
                   text, suggestion)
