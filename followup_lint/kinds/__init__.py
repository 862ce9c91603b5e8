"""Rule kinds: one module each. A kind validates its parameters and compiles to a matcher."""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

from . import (
    absence,
    dependency,
    field,
    metric,
    notes,
    pattern,
    phrase,
    reference,
    regex,
    subject,
    template,
)
from .base import Compiled, Hit, LintInput

KINDS: dict[str, ModuleType] = {
    "phrase": phrase,
    "pattern": pattern,
    "dependency": dependency,
    "regex": regex,
    "metric": metric,
    "absence": absence,
    "reference": reference,
    "subject": subject,
    "template": template,
}
# Matchers usable inside absence.any_of, requires and unless: {<key>: value, ...options}.
SUBMATCHERS: dict[str, tuple[ModuleType, str]] = {
    "phrase": (phrase, "patterns"),
    "pattern": (pattern, "patterns"),
    "dependency": (dependency, "patterns"),
    "regex": (regex, "pattern"),
    "field": (field, "field"),
    "notes": (notes, "notes"),
}

__all__ = ["KINDS", "Compiled", "Hit", "LintInput", "compile_submatcher", "validate_submatcher"]


def _split(spec: Any) -> tuple[ModuleType, dict[str, Any]]:
    if not isinstance(spec, dict):
        raise ValueError("a matcher is a mapping like {phrase: [...]} or {regex: ...}")
    keys = [k for k in spec if k in SUBMATCHERS]
    if len(keys) != 1:
        raise ValueError(f"a matcher needs exactly one of {', '.join(SUBMATCHERS)}")
    module, main = SUBMATCHERS[keys[0]]
    params = {k: v for k, v in spec.items() if k != keys[0]}
    params[main] = spec[keys[0]]
    unknown = set(params) - set(module.KEYS)
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))} in a {keys[0]} matcher")
    return module, params


def validate_submatcher(spec: Any) -> None:
    """ValueError when a sub-matcher spec is malformed."""
    module, params = _split(spec)
    module.validate(params)


def compile_submatcher(spec: Mapping[str, Any], nlp: Any) -> Compiled:
    """A compiled sub-matcher."""
    module, params = _split(dict(spec))
    return module.Compiled(params, nlp)
