"""Paths -> Report: read sources, lint the readable ones, report the unreadable ones."""

from __future__ import annotations

import os
from collections.abc import Sequence

from . import lexicon, parallel, readers
from .cache import ResultCache
from .engine import Linter
from .model import Draft, FileReport, Finding, InputError, Report, Severity, Span
from .sources import DEFAULT_MAX_BYTES, Source, expand_paths, read_source


def unreadable(path: str, error: str, line: int = 1,
               rule: str = "input.unreadable") -> FileReport:
    """A report for a file that could not be read as text (or as its format), or that is
    over the size limit (`rule` input.too-large)."""
    finding = Finding(rule, "input", Severity.ERROR, f"cannot lint: {error}", path,
                      Span(0, 0, line, 1, line, 1), "")
    return FileReport(path, None, False, {}, (finding,))


def _drafts(source: Source, prior: Sequence[str], template: bool,
            require_fields: Sequence[str]) -> list[Draft] | FileReport:
    """The drafts in one source, or the report saying why there are none."""
    if source.text is None:
        return unreadable(source.path, source.error or "unreadable", rule=source.rule)
    try:
        return readers.read(source.path, source.text, prior=prior, template=template,
                            require_fields=require_fields)
    except readers.ReaderError as exc:
        return unreadable(source.path, exc.reason, exc.line)
    except InputError as exc:  # a problem of this file only: the run goes on
        return unreadable(source.path, str(exc))


def run(
    paths: Sequence[str],
    linter: Linter,
    *,
    context: str | None = None,
    prior: Sequence[str] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    template: bool = False,
    templates: Sequence[str] = (),
    require_fields: Sequence[str] = (),
    cache: str | os.PathLike[str] | None = None,
    jobs: int | None = 1,
) -> Report:
    """Lint every file under the paths, in order; a template collection gives one report per
    template. Files are templates (merge fields expected) with `template`, or when they match
    one of the `templates` globs; `require_fields` must appear in every template. `cache` is
    a folder of results per file (cache.py); `jobs` the worker processes (None: choose)."""
    files = expand_paths(paths)
    if not files:
        raise InputError("no drafts (.txt, .md, .eml, .html, template collections) found in "
                         + ", ".join(paths))
    sources = [read_source(p, max_bytes) for p in files]
    flags = [template or readers.is_template(p, templates) for p in files]
    store = ResultCache.open(cache, linter, context=context, prior=list(prior),
                             require_fields=list(require_fields))
    hits = [store.get(s.path, s.text, flag) if store and s.text is not None else None
            for s, flag in zip(sources, flags, strict=True)]
    with lexicon.using(linter.lists):  # the readers read word lists too (document.py)
        read = [hit if hit is not None else _drafts(s, prior, flag, require_fields)
                for s, flag, hit in zip(sources, flags, hits, strict=True)]
    drafts = [d for item in read if isinstance(item, list) for d in item]
    linted = iter(parallel.lint(linter, drafts, context, jobs)) if drafts else iter(())
    reports: list[FileReport] = []
    for source, flag, item in zip(sources, flags, read, strict=True):
        if isinstance(item, list):  # linted now
            done = [next(linted) for _ in item]
            if store and source.text is not None:
                store.put(source.path, source.text, flag, item, done)
            reports += done
        else:  # from the cache (a tuple), or unreadable
            reports += item if isinstance(item, tuple) else [item]
    return Report(tuple(reports))
