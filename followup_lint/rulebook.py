"""Find, parse and validate rule YAML files -> tuple[Rule, ...]. Never imports spaCy."""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from . import contexts, kinds, safeyaml
from .model import Example, InputError, Rule, Severity

CATEGORIES = ("generic", "reference", "pushy", "tone", "timing", "structure")
SCOPES = ("subject", "greeting", "body", "signature")
COMMON_KEYS = frozenset({"name", "severity", "kind", "message", "description", "suggest", "scope",
                         "contexts", "examples", "requires", "requires_unless", "unless",
                         "unless_next", "near", "unless_within",
                         "when", "evidence"})
REQUIRED_KEYS = ("name", "severity", "kind", "message", "description", "examples")
MAX_RULE_BYTES = 1024 * 1024


def builtin_rules_dir() -> Path:
    """The rules shipped in the wheel, or the checkout's top-level rules/ when run from source."""
    packaged = Path(str(importlib.resources.files("followup_lint"))) / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def rule_files(directory: Path) -> list[Path]:
    """Rule files under a folder: <category>/<name>.yaml, sorted."""
    if not directory.is_dir():
        raise InputError(f"{directory}: rule folder not found")
    from .lexicon import LISTS_DIR

    return sorted(p for p in directory.rglob("*.y*ml") if p.suffix in (".yaml", ".yml")
                  and p.relative_to(directory).parts[0] != LISTS_DIR)


def _fail(path: Path | str, name: str, what: str) -> InputError:
    return InputError(f"{path}: rule {name}: {what}")


def _str(data: Mapping[str, Any], key: str, path: Path, name: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, name, f"'{key}' must be a non-empty string")
    return value.strip()


def _contexts(value: Any, path: Path, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(only, except) situation lists from the 'contexts' field."""
    if value is None:
        return (), ()
    if not isinstance(value, dict) or set(value) - {"only", "except"}:
        raise _fail(path, name, "'contexts' must be a mapping with 'only' and/or 'except' lists")
    out = []
    for key in ("only", "except"):
        items = value.get(key) or []
        if not isinstance(items, list):
            raise _fail(path, name, f"contexts.{key} must be a list")
        for item in items:
            if item not in contexts.CONTEXTS:
                raise _fail(path, name, f"contexts.{key}: unknown context {item!r} "
                            f"(valid: {', '.join(contexts.CONTEXTS)})")
        out.append(tuple(items))
    return out[0], out[1]


def _scope(value: Any, path: Path, name: str) -> tuple[str, ...]:
    if value is None:
        return ("body",)
    if not isinstance(value, list) or not value or any(v not in SCOPES for v in value):
        raise _fail(path, name, f"'scope' must be a list drawn from {', '.join(SCOPES)}")
    return tuple(value)


def _examples(value: Any, path: Path, name: str) -> tuple[Example, ...]:
    """Good and bad examples; both must be present."""
    if not isinstance(value, dict) or set(value) - {"good", "bad"}:
        raise _fail(path, name, "'examples' must be a mapping with 'good' and 'bad' lists")
    out: list[Example] = []
    for key in ("good", "bad"):
        items = value.get(key)
        if not isinstance(items, list) or not items:
            raise _fail(path, name, f"examples.{key} must be a non-empty list")
        for item in items:
            out.append(_example(item, key == "good", path, name))
    return tuple(out)


def _example(item: Any, good: bool, path: Path, name: str) -> Example:
    if isinstance(item, str):
        return Example(item, good)
    if not isinstance(item, dict) or "text" not in item or set(item) - {"text", "expect",
                                                                          "context"}:
        raise _fail(path, name, "an example is a string or {text, expect, context}")
    expect = item.get("expect") or []
    if not isinstance(expect, list) or any(
        not isinstance(e, dict) or set(e) - {"line", "column", "match"} for e in expect
    ):
        raise _fail(path, name, "example 'expect' is a list of {line, column, match}")
    context = item.get("context")
    if context is not None and context not in contexts.CONTEXTS:
        raise _fail(path, name, f"example context {context!r} is not a known context")
    return Example(str(item["text"]), good, tuple(expect), context)


def _submatchers(value: Any, key: str, path: Path, name: str) -> tuple[Mapping[str, Any], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise _fail(path, name, f"'{key}' must be a non-empty list of matchers")
    try:
        for spec in value:
            kinds.validate_submatcher(spec)
    except ValueError as exc:
        raise _fail(path, name, f"{key}: {exc}") from None
    return tuple(value)


def _when(value: Any, path: Path, name: str) -> dict[str, dict[str, float]]:
    """Conditions on draft measures: {measure: {min, max}}; a missing measure passes."""
    from .kinds.metric import MEASURES

    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(path, name, "'when' must map measures to {min, max}")
    for measure, bounds in value.items():
        if measure not in MEASURES:
            raise _fail(path, name, f"when: unknown measure {measure!r}")
        if not isinstance(bounds, dict) or not bounds or set(bounds) - {"min", "max"} or any(
            isinstance(b, bool) or not isinstance(b, int | float) for b in bounds.values()
        ):
            raise _fail(path, name, f"when.{measure} must be a mapping with numeric min/max")
    return value


def parse_rule(data: Any, path: Path, category: str) -> Rule:
    """Validate one rule mapping; InputError naming the file, rule and key when wrong."""
    name = path.stem
    if not isinstance(data, dict):
        raise _fail(path, name, "a rule file must hold one mapping")
    for key in REQUIRED_KEYS:
        if key not in data:
            raise _fail(path, name, f"missing required field '{key}'")
    if data["name"] != name:
        raise _fail(path, name, f"name {data['name']!r} must match the file name {name!r}")
    kind = data["kind"]
    if kind not in kinds.KINDS:
        raise _fail(path, name, f"unknown kind {kind!r} (valid: {', '.join(sorted(kinds.KINDS))})")
    module = kinds.KINDS[kind]
    params = {k: v for k, v in data.items() if k not in COMMON_KEYS}
    unknown = set(params) - set(module.KEYS)
    if unknown:
        raise _fail(path, name, f"unknown key(s) {', '.join(sorted(unknown))} for kind {kind!r} "
                    f"(allowed: {', '.join(sorted(COMMON_KEYS | set(module.KEYS)))})")
    try:
        severity = Severity.parse(data["severity"])
        module.validate(params)
    except ValueError as exc:
        raise _fail(path, name, str(exc)) from None
    only, exclude = _contexts(data.get("contexts"), path, name)
    within = data.get("unless_within", "sentence")
    if within not in ("sentence", "line", "draft", "match"):
        raise _fail(path, name,
                    "'unless_within' must be 'sentence', 'line', 'draft' or 'match'")
    from .evidence import EVIDENCE

    needs = data.get("evidence", [])
    if not isinstance(needs, list) or any(
            not isinstance(e, str) or any(a not in EVIDENCE for a in e.split("|")) for e in needs):
        raise _fail(path, name, f"'evidence' must be a list drawn from {', '.join(EVIDENCE)} "
                    "(a|b: either will do)")
    suggest = data.get("suggest")
    if suggest is not None and not isinstance(suggest, str):
        raise _fail(path, name, "'suggest' must be a string")
    return Rule(
        id=f"{category}.{name}", name=name, category=category, severity=severity, kind=kind,
        message=_str(data, "message", path, name),
        description=_str(data, "description", path, name), path=str(path), params=params,
        scope=_scope(data.get("scope"), path, name), contexts_only=only, contexts_except=exclude,
        suggest=suggest.strip() if suggest else None,
        requires=_submatchers(data.get("requires"), "requires", path, name),
        requires_unless=_submatchers(data.get("requires_unless"), "requires_unless", path, name),
        unless=_submatchers(data.get("unless"), "unless", path, name), unless_within=within,
        unless_next=_submatchers(data.get("unless_next"), "unless_next", path, name),
        near=_submatchers(data.get("near"), "near", path, name),
        when=_when(data.get("when"), path, name),
        examples=_examples(data.get("examples"), path, name), evidence=tuple(needs),
    )


def load_rule_file(path: Path, root: Path,
                   lists: Mapping[str, tuple[str, ...]] | None = None) -> Rule:
    """Read one rule file; its category is the folder it sits in; "@name" uses a word list."""
    from . import lexicon

    rel = path.relative_to(root)
    category = rel.parts[0] if len(rel.parts) > 1 else ""
    if category not in CATEGORIES:
        raise _fail(path, path.stem, f"must sit in a category folder ({', '.join(CATEGORIES)})")
    from .safeio import read_text

    text = read_text(path, MAX_RULE_BYTES, f"{path}: rule {path.stem}")
    try:
        data = safeyaml.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _fail(path, path.stem, f"invalid YAML{where}: {problem}") from None
    data = lexicon.expand(data, lexicon.builtin() if lists is None else lists, str(path))
    return parse_rule(data, path, category)


def load_rules(
    extra_dirs: Sequence[str | Path] = (), *, builtin: bool = True
) -> tuple[Rule, ...]:
    """Built-in rules plus every rule under the given folders; ids must be unique."""
    from . import lexicon

    roots = ([builtin_rules_dir()] if builtin else []) + [Path(d) for d in extra_dirs]
    lists = lexicon.merge([builtin_rules_dir(), *roots])
    rules: dict[str, Rule] = {}
    for root in roots:
        for path in rule_files(root):
            rule = load_rule_file(path, root, lists)
            if rule.id in rules:
                raise _fail(path, rule.name, f"duplicate rule id {rule.id} "
                            f"(also in {rules[rule.id].path})")
            rules[rule.id] = rule
    return tuple(sorted(rules.values(), key=lambda r: r.id))


def select_rules(
    rules: Iterable[Rule], select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> tuple[Rule, ...]:
    """Keep rules named (by id or category) in select, then drop those in ignore."""
    rules = tuple(rules)
    known = {r.id for r in rules} | {r.category for r in rules} | set(CATEGORIES)
    for item in (*select, *ignore):
        if item not in known and not item.startswith("input."):
            raise InputError(f"unknown rule or category {item!r} in --select/--ignore")

    def named(rule: Rule, names: Sequence[str]) -> bool:
        return rule.id in names or rule.category in names

    return tuple(r for r in rules if (not select or named(r, select)) and not named(r, ignore))
