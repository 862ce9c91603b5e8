"""A check run the way a project configured it: config per file, then --diff and --baseline.

paths -> files (minus excluded) -> groups of files that share their effective settings ->
one Linter per group -> one Report in input order -> only changed lines -> minus the baseline.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import config as configmod
from . import lexicon
from .config import Config, Effective, Settings
from .engine import Linter
from .model import FileReport, Finding, InputError, Report, Rule, Severity
from .rulebook import load_rules, select_rules
from .runner import run
from .sources import expand_paths


@dataclass(frozen=True)
class Options:
    """What `check` was asked to do, apart from the output format."""

    paths: Sequence[str]
    flags: Settings = field(default_factory=Settings)
    config_file: str | None = None
    prior: Sequence[str] = ()
    report_unused_suppressions: bool = False
    diff_ref: str | None = None
    baseline: str | None = None
    write_baseline: str | None = None
    require_fields: Sequence[str] = ()  # merge fields every template must have
    cache_dir: str | None = None  # results per file between runs (cache.py); None: no cache
    jobs: int | None = 1  # worker processes (parallel.py); None: as many as pay off


@dataclass(frozen=True)
class Outcome:
    """The report, every rule that ran (for SARIF metadata), and each file's --fail-on."""

    report: Report
    rules: tuple[Rule, ...]
    fail_on: dict[str, Severity]
    written: int | None = None  # findings written to --write-baseline

    def exit_failed(self) -> bool:
        """Whether any file has a finding at or above its own fail-on level."""
        return any(f.severity >= self.fail_on.get(r.path, Severity.WARNING)
                   for r in self.report.files for f in r.findings)


@functools.lru_cache(maxsize=16)
def _all_rules(dirs: tuple[str, ...]) -> tuple[Rule, ...]:
    return load_rules(dirs)


def _known(rules: Sequence[Rule]) -> set[str]:
    from .rulebook import CATEGORIES

    return {r.id for r in rules} | {r.category for r in rules} | set(CATEGORIES)


def rules_for(effective: Effective) -> tuple[Rule, ...]:
    """The rules one file is linted with: folders, select/ignore, severity overrides."""
    loaded = _all_rules(effective.rules)
    chosen = select_rules(loaded, effective.select, effective.ignore)
    levels = dict(effective.severity)
    if not levels:
        return chosen
    known = _known(loaded)
    for name in levels:
        if name not in known and not name.startswith("input."):
            raise InputError(f"unknown rule or category {name!r} in severity")
    return tuple(replace(r, severity=levels.get(r.id, levels.get(r.category, r.severity)))
                 for r in chosen)


def _adjust_input(report: FileReport, effective: Effective) -> FileReport:
    """Apply ignore and severity to the engine's own input.* findings (they have no rule)."""
    levels = dict(effective.severity)
    kept: list[Finding] = []
    for f in report.findings:
        if f.category == "input":
            if f.rule in effective.ignore or "input" in effective.ignore:
                continue
            level = levels.get(f.rule, levels.get("input"))
            f = replace(f, severity=level) if level else f
        kept.append(f)
    return replace(report, findings=tuple(kept))


def _plan(options: Options) -> tuple[list[str], dict[str, Effective], list[Config]]:
    """Every file to lint with its effective settings, and the configs that apply."""
    configmod.discover.cache_clear()
    _all_rules.cache_clear()
    lexicon.for_folders.cache_clear()
    explicit = configmod.load_file(options.config_file) if options.config_file else None
    files = expand_paths(options.paths)
    effective: dict[str, Effective] = {}
    used: dict[str | None, Config] = {}
    for path in files:
        found = configmod.config_for(path, explicit)
        if found is not None:
            used[found.path] = found
        effective[path] = configmod.resolve(path, found, options.flags)
    return [f for f in files if not effective[f].excluded], effective, list(used.values())


def lint(options: Options) -> Outcome:
    """Lint the paths as configured; InputError for anything the user must fix."""
    files, effective, configs = _plan(options)
    for found in configs:
        dirs = options.flags.rules if options.flags.rules is not None else (
            found.settings.rules or ())
        configmod.check_names(found, _known(_all_rules(tuple(dirs))))
    groups: dict[tuple[object, ...], list[str]] = {}
    for path in files:
        groups.setdefault(effective[path].lint_key(), []).append(path)
    linters: dict[tuple[object, ...], Linter] = {}
    reports: dict[str, list[FileReport]] = {}  # a template collection has one per template
    used_rules: dict[str, Rule] = {}
    fail_on = {f: effective[f].fail_on for f in files}
    for members in groups.values():
        eff = effective[members[0]]
        rules = rules_for(eff)
        used_rules.update((r.id, r) for r in rules)
        key = (eff.rules, tuple((r.id, r.severity) for r in rules), eff.model, eff.draft_timeout)
        if key not in linters:
            linters[key] = Linter(rules, eff.model, report_unused_suppressions=(
                options.report_unused_suppressions), draft_timeout=eff.draft_timeout,
                lists=lexicon.for_folders(tuple(eff.rules)))
        result = run(members, linters[key], context=eff.context, prior=options.prior,
                     max_bytes=eff.max_bytes,
                     template=eff.template, require_fields=options.require_fields,
                     cache=options.cache_dir, jobs=options.jobs)
        for file in result.files:
            reports.setdefault(file.path, []).append(_adjust_input(file, eff))
            fail_on[file.path] = eff.fail_on
    ordered = [r for f in files for r in reports.pop(f, ())]
    report = Report(tuple(ordered + [r for rest in reports.values() for r in rest]))
    return _finish(report, options, tuple(sorted(used_rules.values(), key=lambda r: r.id)),
                   fail_on)


def _finish(report: Report, options: Options, rules: tuple[Rule, ...],
            fail_on: dict[str, Severity]) -> Outcome:
    """--diff, then --write-baseline, then --baseline."""
    from . import baseline, gitdiff

    if options.diff_ref:
        report = gitdiff.apply(report, options.diff_ref)
    written = None
    if options.write_baseline:
        written = baseline.write(options.write_baseline, report)
        report = baseline.apply(report, options.write_baseline)
    if options.baseline and Path(options.baseline).resolve() != Path(
            options.write_baseline or "").resolve():
        report = baseline.apply(report, options.baseline)
    return Outcome(report, rules, fail_on, written)


def effective_for(path: str, config_file: str | None = None,
                  flags: Settings | None = None) -> Effective:
    """The effective settings of one path, for `followup-lint config`."""
    configmod.discover.cache_clear()
    explicit = configmod.load_file(config_file) if config_file else None
    found = configmod.config_for(path, explicit)
    effective = configmod.resolve(path, found, flags or Settings())
    if found is not None:
        configmod.check_names(found, _known(_all_rules(effective.rules)))
    return effective
