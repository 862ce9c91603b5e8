"""Paths and stdin -> decoded sources. Finds files, reads bytes, decodes, detects binary."""

from __future__ import annotations

import codecs
import fnmatch
import os
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


def read_source(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read and decode one file; problems come back as Source.error, never raised."""
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            size = os.path.getsize(path)
            if size > max_bytes:
                return Source(path, None, f"file is {size} bytes, over the {max_bytes}-byte limit")
            with open(path, "rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            return Source(path, None, f"cannot read: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return Source(path, None, f"input is over the {max_bytes}-byte limit")
    try:
        return Source(path, decode(data, raw_bytes_ok=path.lower().endswith(".eml")))
    except ValueError as exc:
        return Source(path, None, str(exc))


def _walk(root: Path, suffixes: frozenset[str]) -> Iterator[Path]:
    """Draft files below a directory, sorted, skipping tool and VCS folders and link loops."""
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
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
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            suffix = Path(name).suffix.lower()
            if suffix in suffixes and (suffix not in COLLECTION_SUFFIXES
                                       or is_collection(Path(dirpath) / name)):
                yield Path(dirpath) / name


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
        elif path.exists():
            out.append(raw)
        else:
            raise InputError(f"{raw}: no such file or directory")
    return list(dict.fromkeys(out))
