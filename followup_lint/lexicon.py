"""Named word lists: data files beside the rules (rules/lists/<name>.yaml), one per concept.

A list file holds `description:` and either `items:` (a list of words or phrases) or
`weights:` (a mapping of words to numbers: a weighted vocabulary, or a table such as the
month names and their numbers; its items are the mapping's keys, in order).

A rule file uses a list by name: a string "@name" inside a list is replaced by the list's
items, and a value that is just "@name" by the list. A rule folder given with --rules (or the
config's `rules:`) may hold its own lists/ folder: a list of the same name there adds its
items (or weights) to the built-in one; a new name is a new list.

Python code reads a list with get("name") or weights("name"), and builds what it matches
with once per set of lists by compiled(build). These read the lists of the current run: the
built-in ones, or those a Linter made current with using() (the built-in lists with a
project's rule folders' lists added), so a project's lists reach the scores and measures too.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import safeyaml
from .model import InputError

LISTS_DIR = "lists"
_REF = re.compile(r"@([a-z][a-z0-9-]*)")


T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Lists(Mapping[str, tuple[str, ...]]):
    """Named lists: name -> items (a weighted list's items are its words, in order), and
    name -> {word: weight} for the weighted ones. Read-only."""

    entries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    weighted: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> tuple[str, ...]:
        return self.entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def weights(self, name: str) -> Mapping[str, float]:
        """The weights of a weighted list; KeyError for an unknown or unweighted list."""
        return self.weighted[name]


def _read_one(path: Path) -> tuple[tuple[str, ...], dict[str, float] | None]:
    """(items, weights or None) of one list file; InputError when it is malformed."""
    try:
        data = safeyaml.load(path.read_text(encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 - any failure is a broken list file
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: word list: cannot read ({first})") from None
    if not isinstance(data, dict) or ("items" in data) == ("weights" in data):
        raise InputError(f"{path}: word list: give either 'items' (a list of strings) or "
                         "'weights' (a mapping of words to numbers)")
    if "weights" in data:
        weights = data["weights"]
        if not isinstance(weights, dict) or not weights or not all(
                isinstance(k, str) and k.strip() and not isinstance(v, bool)
                and isinstance(v, int | float) for k, v in weights.items()):
            raise InputError(f"{path}: word list: 'weights' must be a non-empty mapping of "
                             "words to numbers")
        clean = {k.strip(): float(v) for k, v in weights.items()}
        return tuple(clean), clean
    items = data["items"]
    if not isinstance(items, list) or not items or not all(
            isinstance(i, str) and i.strip() for i in items):
        raise InputError(f"{path}: word list: 'items' must be a non-empty list of strings")
    return tuple(dict.fromkeys(i.strip() for i in items)), None


def read_lists(root: Path) -> dict[str, tuple[str, ...]]:
    """The lists of one rule folder: file stem -> items; InputError when one is malformed."""
    return dict(read(root).entries)


def read(root: Path) -> Lists:
    """The lists of one rule folder (items and weights); InputError when one is malformed."""
    folder = root / LISTS_DIR
    items: dict[str, tuple[str, ...]] = {}
    weighted: dict[str, dict[str, float]] = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.y*ml")):
            items[path.stem], weights = _read_one(path)
            if weights is not None:
                weighted[path.stem] = weights
    return Lists(items, weighted)


def merge(roots: Iterable[Path]) -> Lists:
    """Lists of several rule folders, later folders adding to earlier ones."""
    items: dict[str, tuple[str, ...]] = {}
    weighted: dict[str, dict[str, float]] = {}
    for root in roots:
        found = read(root)
        for name, more in found.entries.items():
            if name in items and (name in weighted) != (name in found.weighted):
                form = "'weights'" if name in weighted else "'items'"
                raise InputError(f"{root / LISTS_DIR / name}.yaml: word list: '{name}' is "
                                 f"given with {form} elsewhere: use the same form")
            items[name] = tuple(dict.fromkeys((*items.get(name, ()), *more)))
            if name in found.weighted:
                weighted[name] = {**weighted.get(name, {}), **found.weighted[name]}
    return Lists(items, weighted)


@functools.lru_cache(maxsize=1)
def builtin() -> Lists:
    """The built-in lists."""
    from .rulebook import builtin_rules_dir

    return merge([builtin_rules_dir()])


@functools.lru_cache(maxsize=16)
def for_folders(dirs: tuple[str, ...]) -> Lists | None:
    """The lists of a run with these extra rule folders: None when none of them has a
    lists/ folder (the built-in lists), else the built-in lists with theirs added."""
    from .rulebook import builtin_rules_dir

    roots = [Path(d) for d in dirs]
    if not any((root / LISTS_DIR).is_dir() for root in roots):
        return None
    return merge([builtin_rules_dir(), *roots])


_ACTIVE: list[Lists | None] = [None]


def current() -> Lists:
    """The lists of the current run (see using), else the built-in lists."""
    active = _ACTIVE[0]
    return active if active is not None else builtin()


@contextlib.contextmanager
def using(lists: Lists | None) -> Iterator[None]:
    """Make `lists` current for the block (None: the built-in lists)."""
    before = _ACTIVE[0]
    _ACTIVE[0] = lists
    try:
        yield
    finally:
        _ACTIVE[0] = before


def get(name: str) -> tuple[str, ...]:
    """A list of the current run by name (KeyError when there is none)."""
    return current()[name]


def weights(name: str) -> Mapping[str, float]:
    """A weighted list of the current run by name."""
    return current().weights(name)


_COMPILED: dict[tuple[int, Callable[[Lists], Any]], tuple[Lists, Any]] = {}


def compiled(build: Callable[[Lists], T]) -> T:
    """build(lists) for the current lists, built once per set of lists and kept: the sets
    and regular expressions a module makes of its lists."""
    lists = current()
    key = (id(lists), build)
    entry = _COMPILED.get(key)
    if entry is None or entry[0] is not lists:  # an id may be reused once a Lists is gone
        if len(_COMPILED) >= 256:
            _COMPILED.clear()
        entry = _COMPILED[key] = (lists, build(lists))
    return entry[1]


def alternation(items: Iterable[str]) -> str:
    """A regex alternation of the items, each escaped, in the order given: (?:a|b|c)."""
    return "(?:" + "|".join(re.escape(i) for i in items) + ")"


def expand(value: Any, lists: Mapping[str, tuple[str, ...]], where: str) -> Any:
    """`value` with every "@name" replaced by that list (spliced into lists)."""
    if isinstance(value, str) and (ref := _REF.fullmatch(value)):
        return list(_lookup(ref.group(1), lists, where))
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            if isinstance(item, str) and (ref := _REF.fullmatch(item)):
                out.extend(_lookup(ref.group(1), lists, where))
            else:
                out.append(expand(item, lists, where))
        return out
    if isinstance(value, dict):
        return {k: (v if k in ("examples", "description", "message", "suggest", "name")
                    else expand(v, lists, where)) for k, v in value.items()}
    return value


def _lookup(name: str, lists: Mapping[str, tuple[str, ...]], where: str) -> tuple[str, ...]:
    if name not in lists:
        known = ", ".join(sorted(lists)) or "none"
        raise InputError(f"{where}: unknown word list '@{name}' (lists: {known})")
    return lists[name]
