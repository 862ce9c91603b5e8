"""Inline suppressions: HTML comments in the source and the front matter `followup-lint` key.

    <!-- followup-lint disable pushy.ultimatum, tone -->  ...  <!-- followup-lint enable -->
    <!-- followup-lint disable-next-line generic.stock-opener -- the client asked for it -->
    ---
    followup-lint: {ignore: [structure.length]}
    ---

A name is a rule id or a category; no name means every rule. document.py blanks HTML comments
out of Draft.text, so the comments are read from Draft.source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .document import html_comments
from .model import Draft, Finding, Severity

_DIRECTIVE = re.compile(
    r"<!--\s*followup-lint\s+(?P<verb>disable-next-line|disable|enable)\b(?P<names>.*?)-->",
    re.DOTALL | re.IGNORECASE,
)
_NAME = re.compile(r"^(?:[a-z][a-z0-9-]*)(?:\.[a-z0-9][a-z0-9-]*)?$")
ALL = "*"
UNUSED = "input.unused-suppression"
BAD = "input.bad-suppression"
_OWN = frozenset({UNUSED, BAD})


@dataclass
class _Directive:
    """One suppression: the names it covers, where it applies, and which names were used."""

    names: tuple[str, ...]
    start: int  # offsets into the source where it applies; end exclusive
    end: int
    lines: tuple[int, int]  # or the 1-based line range (disable-next-line, front matter)
    at: tuple[int, int]  # the offsets of the comment itself, for findings about it
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> str | None:
        """The name that suppresses this finding here, if any."""
        if finding.rule in _OWN:
            return None
        inside = self.start <= finding.span.start < self.end or (
            self.lines[0] <= finding.span.line <= self.lines[1])
        if not inside:
            return None
        for name in self.names:
            if name in (ALL, finding.rule, finding.category):
                return name
        return None


def _split(raw: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in re.split(r"[,\s]+", raw.strip()) if n.strip())
    return names or (ALL,)


def _comments(draft: Draft) -> tuple[list[_Directive], list[Finding]]:
    """Directives from the HTML comments, and findings for malformed ones."""
    out: list[_Directive] = []
    problems: list[Finding] = []
    open_: dict[str, _Directive] = {}
    found = (_DIRECTIVE.match(draft.source, start, end)
             for start, end in html_comments(draft.source))  # linear, unlike finditer
    for match in filter(None, found):
        reason_free = match.group("names").split(" -- ")[0]  # "disable x -- why" as in ESLint
        verb, names = match.group("verb").lower(), _split(reason_free)
        bad = [n for n in names if n != ALL and not _NAME.match(n)]
        if bad:
            problems.append(_about(draft, match.span(), BAD, Severity.WARNING,
                                   f"not a rule id or category in a suppression: {bad[0]!r}"))
            continue
        if verb == "disable-next-line":
            line = draft.position(match.end())[0] + 1
            out.append(_Directive(names, 0, 0, (line, line), match.span()))
        elif verb == "disable":
            for name in names:
                if name not in open_:
                    open_[name] = _Directive((name,), match.end(), len(draft.source), (0, -1),
                                             match.span())
                    out.append(open_[name])
        else:
            for name in list(open_) if names == (ALL,) else names:
                if name in open_:
                    open_.pop(name).end = match.start()
    return out, problems


def _front_matter(draft: Draft) -> tuple[list[_Directive], list[Finding]]:
    """The `followup-lint: {ignore: [...]}` front matter key (or a template's `ignore:`)."""
    if "followup-lint" in draft.meta:
        value, key = draft.meta["followup-lint"], "followup-lint"
        names = value.get("ignore") if isinstance(value, dict) and set(value) <= {"ignore"} \
            else None
    elif "ignore" in draft.meta:
        value, key = draft.meta["ignore"], "ignore"
        names = value
    else:
        return [], []
    line = draft.meta_lines.get(key, 1)
    span = draft.line_span(line)
    if isinstance(names, str):
        names = [n for n in re.split(r"[,\s]+", names) if n]
    if not isinstance(names, list) or not all(
            isinstance(n, str) and (n == ALL or _NAME.match(n)) for n in names):
        return [], [_about(draft, (span.start, span.end), BAD, Severity.WARNING,
                           f"front matter {key!r} must be {{ignore: [rule ids or categories]}}")]
    whole = (0, len(draft.line_starts) + 1)
    return [_Directive(tuple(names) or (ALL,), 0, 0, whole, (span.start, span.end))], []


def _about(draft: Draft, at: tuple[int, int], rule: str, severity: Severity,
           message: str) -> Finding:
    span = draft.source_span(*at)  # `at` is in source offsets (the comments are in the source)
    return Finding(rule, "input", severity, message, draft.path, span,
                   draft.source[span.start : span.end])


def apply(
    draft: Draft, findings: Sequence[Finding], report_unused: bool = False
) -> tuple[list[Finding], int]:
    """Findings left after the draft's suppressions, and how many were suppressed."""
    directives, problems = _comments(draft)
    more, front_problems = _front_matter(draft)
    directives += more
    kept: list[Finding] = []
    suppressed = 0
    for finding in findings:
        hit = None
        for directive in directives:
            name = directive.covers(finding)
            if name is not None:
                directive.used.add(name)
                hit = hit or name
        if hit is None:
            kept.append(finding)
        else:
            suppressed += 1
    kept += problems + front_problems
    if report_unused:
        kept += _unused(draft, directives)
    return kept, suppressed


def _unused(draft: Draft, directives: Sequence[_Directive]) -> list[Finding]:
    """A warning for each name in a suppression that suppressed nothing."""
    out = []
    for directive in directives:
        for name in directive.names:
            if name in directive.used:
                continue
            what = "any finding" if name == ALL else f"a {name} finding"
            out.append(_about(draft, directive.at, UNUSED, Severity.WARNING,
                              f"unused suppression: there is no longer {what} here to suppress"))
    return out
