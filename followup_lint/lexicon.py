"""Named word lists: data files beside the rules (rules/lists/<name>.yaml), one per concept.

A rule file uses a list by name: a string "@name" inside a list is replaced by the list's
items, and a value that is just "@name" by the list. A rule folder given with --rules (or the
config's `rules:`) may hold its own lists/ folder: a list of the same name there adds its
items to the built-in one; a new name is a new list.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from . import safeyaml
from .model import InputError

LISTS_DIR = "lists"
_REF = re.compile(r"@([a-z][a-z0-9-]*)")


def read_lists(root: Path) -> dict[str, tuple[str, ...]]:
    """The lists of one rule folder: file stem -> items; InputError when one is malformed."""
    folder = root / LISTS_DIR
    if not folder.is_dir():
        return {}
    out = {}
    for path in sorted(folder.glob("*.y*ml")):
        try:
            data = safeyaml.load(path.read_text(encoding="utf-8"))
        except Exception as exc:  # noqa: BLE001 - any failure is a broken list file
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"{path}: word list: cannot read ({first})") from None
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list) or not items or not all(
                isinstance(i, str) and i.strip() for i in items):
            raise InputError(f"{path}: word list: 'items' must be a non-empty list of strings")
        out[path.stem] = tuple(dict.fromkeys(i.strip() for i in items))
    return out


def merge(roots: Iterable[Path]) -> dict[str, tuple[str, ...]]:
    """Lists of several rule folders, later folders adding to earlier ones."""
    merged: dict[str, tuple[str, ...]] = {}
    for root in roots:
        for name, items in read_lists(root).items():
            merged[name] = tuple(dict.fromkeys((*merged.get(name, ()), *items)))
    return merged


@functools.lru_cache(maxsize=1)
def builtin() -> Mapping[str, tuple[str, ...]]:
    """The built-in lists."""
    from .rulebook import builtin_rules_dir

    return merge([builtin_rules_dir()])


def get(name: str) -> tuple[str, ...]:
    """A built-in list by name."""
    return builtin()[name]


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
