"""Paths and stdin -> decoded sources. Finds files, reads bytes, decodes, detects binary."""

from __future__ import annotations

import codecs
import fnmatch
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .model import InputError

COLLECTION_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
DRAFT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".eml", ".html", ".htm"}) | \
    COLLECTION_SUFFIXES
# YAML that sits next to drafts but is not a template collection; skipped without a look.
_NOT_COLLECTIONS = ("labels*.yaml", ".followup-lint.yaml", ".followup-lint.yml", "pyproject.*",
                    "package.json", "package-lock.json", "tsconfig.json")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
                        ".followup_lint_cache", ".tox", ".mypy_cache", ".ruff_cache"})


@dataclass(frozen=True, slots=True)
class Source:
    """A decoded input: where it came from and its text (None with an error when unreadable)."""

    path: str
    text: str | None
    error: str | None = None
    rule: str = "input.unreadable"  # the finding an error becomes: or "input.too-large"


def decode(data: bytes, raw_bytes_ok: bool = False) -> str:
    """Text from bytes: UTF-8 (BOM or not) or UTF-16 with a BOM; ValueError otherwise.

    With `raw_bytes_ok` (.eml, whose 8-bit bodies may be in any charset) bytes that are not
    UTF-8 become lone surrogates (surrogateescape) instead of an error: the eml reader turns
    the text back into the exact bytes.
    """
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ValueError(f"not valid UTF-16 ({exc.reason} at byte {exc.start})") from None
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (contains NUL bytes), not a text draft")
    try:
        return data.decode("utf-8-sig", "surrogateescape" if raw_bytes_ok else "strict")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (invalid byte at offset {exc.start})") from None


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"))


def _not_a_file(path: str, mode: int) -> str:
    """Why a path that is not a regular file is not read."""
    if stat.S_ISDIR(mode):
        try:
            os.listdir(path)
        except OSError as exc:  # a folder the walk could not enter
            return f"folder not readable ({exc.strerror or exc})"
        return "a folder, not a draft"
    kind = next((name for test, name in _KINDS if test(mode)), "something else")
    hint = " (to lint what it carries, pipe it in with '-')" if stat.S_ISFIFO(mode) else ""
    return f"{kind}, not a regular file{hint}"


def _too_large(path: str, size: str, max_bytes: int) -> Source:
    return Source(path, None, f"{size} over the {max_bytes}-byte limit (see --max-bytes)",
                  "input.too-large")


def _read_regular(path: str, max_bytes: int) -> bytes | Source:
    """The bytes of a regular file, or a Source with the error. Anything else (a FIFO, a
    socket, a device) is never read: reading a FIFO that nobody writes blocks forever."""
    from .safeio import NotRead, read_bytes

    try:
        return read_bytes(path, max_bytes)
    except NotRead as exc:
        if exc.too_large:
            return _too_large(path, exc.reason.split(" over the")[0], max_bytes)
        if exc.mode is not None:
            return Source(path, None, _not_a_file(path, exc.mode))
        return Source(path, None, exc.reason)


def read_source(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read and decode one file; problems come back as Source.error, never raised."""
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        got = _read_regular(path, max_bytes)
        if isinstance(got, Source):
            return got
        data = got
    if len(data) > max_bytes:
        return _too_large(path, "input is", max_bytes)
    try:
        return Source(path, decode(data, raw_bytes_ok=path.lower().endswith(".eml")))
    except ValueError as exc:
        return Source(path, None, str(exc))


def real_path(path: str) -> Path:
    """The absolute path with symlinks resolved, or as written when they loop (before Python
    3.13 Path.resolve raises RuntimeError on a loop: a linted file may be one)."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))


def _inside(path: str, top: Path) -> bool:
    """Whether a path, its links resolved, is `top` or below it."""
    real = real_path(path)
    return real == top or top in real.parents


def _outside_link(path: str, top: Path) -> bool:
    """A symbolic link (to a file or folder) that leads out of the folder being walked: not
    followed, so a link to /etc/passwd in a shared tree is never read or shown. Said on
    stderr, once; name the target on the command line to lint it."""
    if not os.path.islink(path) or _inside(path, top):
        return False
    print(f"followup-lint: warning: {path}: a symbolic link out of {top}; not followed",
          file=sys.stderr)
    return True


def _walk(root: Path, suffixes: frozenset[str]) -> Iterator[Path]:
    """Draft files below a directory, sorted, skipping tool and VCS folders, link loops and
    links that lead out of it."""
    seen: set[tuple[int, int]] = set()
    top = real_path(str(root))
    errors: list[OSError] = []  # folders that could not be listed: yielded, to be reported
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=errors.append):
        yield from _failed(errors)
        try:
            stat = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        key = (stat.st_dev, stat.st_ino)
        if key in seen:
            dirnames[:] = []
            continue
        seen.add(key)
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")
                             and not _outside_link(os.path.join(dirpath, d), top))
        for name in sorted(filenames):
            suffix = Path(name).suffix.lower()
            if suffix in suffixes and not _outside_link(os.path.join(dirpath, name), top) and (
                    suffix not in COLLECTION_SUFFIXES or is_collection(Path(dirpath) / name)):
                yield Path(dirpath) / name
    yield from _failed(errors)


def _failed(errors: list[OSError]) -> Iterator[Path]:
    """The folders in `errors` (emptied)."""
    while errors:
        failed = errors.pop(0).filename
        if failed:
            yield Path(failed)


def is_collection(path: Path) -> bool:
    """Whether a .yaml/.yml/.json file found in a folder is a template collection (rule files,
    labels and config are not, and are skipped silently)."""
    if any(fnmatch.fnmatch(path.name, pattern) for pattern in _NOT_COLLECTIONS):
        return False
    source = read_source(str(path))
    if source.text is None:
        return False
    from .readers.collection import looks_like

    return looks_like(source.text)


def expand_paths(paths: Iterable[str], suffixes: frozenset[str] = DRAFT_SUFFIXES) -> list[str]:
    """Files to lint from the given paths, in order, without duplicates; '-' is stdin."""
    out: list[str] = []
    for raw in paths:
        if raw == "-":
            out.append(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            out.extend(str(p) for p in _walk(path, suffixes))
        elif path.exists() or path.is_symlink():  # a dangling or looping link: reported
            out.append(raw)
        else:
            raise InputError(f"{raw}: no such file or directory")
    return list(dict.fromkeys(out))
