"""Safe YAML loading with a bound on aliases, so a "billion laughs" file is rejected.

Two bounds: at most MAX_ALIASES alias references, and the size of what the document builds
once every alias is expanded (nodes plus scalar characters, an alias counting as all it
stands for) at most twice the text's length plus MAX_EXPANSION. Sixty aliases nested thirty
deep (`xN: &xN [*xN-1, *xN-1]`) stand for 2**30 values: reading them as a list, a string or
JSON would take gigabytes, so such a document is refused while it is parsed, in linear time.

Every problem comes out as a yaml.YAMLError: a value the constructor cannot build (a date like
2026-13-40, a bad !!timestamp) and nesting deeper than MAX_DEPTH (which would otherwise end
in a RecursionError) included, so callers need to catch only that.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

MAX_ALIASES = 64
MAX_DEPTH = 100
MAX_EXPANSION = 100_000  # what aliases may add to a document's own size


def expansion_limit(text: Any) -> int:
    """The largest expanded size allowed for a document of this text."""
    return 2 * len(text) + MAX_EXPANSION if isinstance(text, str | bytes) else MAX_EXPANSION


def _too_big(limit: int, mark: Any) -> yaml.YAMLError:
    return yaml.composer.ComposerError(
        None, None, f"its aliases expand to more than {limit} values and characters "
        "(refusing to expand)", mark)
_VALUE_ERRORS = (ValueError, TypeError, AttributeError, LookupError, OverflowError,
                 RecursionError)  # what SafeConstructor raises on a value its tag cannot hold
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _too_deep(event: Any) -> yaml.YAMLError:
    return yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                       event.start_mark)


def _bad_value(exc: Exception, mark: Any = None) -> yaml.YAMLError:
    if isinstance(exc, RecursionError):
        reason = "nested too deeply"
    elif isinstance(exc, ValueError | OverflowError):
        reason = str(exc)  # "month must be in 1..12"
    else:
        reason = "not a value its tag allows"
    return yaml.constructor.ConstructorError(None, None, f"invalid value ({reason})", mark)


class _CheckedValues:
    """A constructor mixin: a value that cannot be built is a YAMLError placed at its node."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:  # noqa: D102
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]
        except _VALUE_ERRORS as exc:
            raise _bad_value(exc, node.start_mark) from None


class _BoundedLoader(_CheckedValues, yaml.SafeLoader):
    """SafeLoader that refuses documents with too many alias references or nested too deep."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0
        self._limit = expansion_limit(stream)
        self._total = 0  # expanded size so far
        self._sizes: list[int] = []  # expanded size of the children of each open node
        self._weights: dict[int, int] = {}  # expanded size of each finished node, by id

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, f"more than {MAX_ALIASES} aliases (refusing to expand)",
                    event.start_mark,
                )
        alias = self.check_event(yaml.AliasEvent)
        mark = self.peek_event().start_mark
        nested = self.check_event(*_OPEN)
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _too_deep(self.peek_event())
        self._sizes.append(0)
        try:
            node = super().compose_node(parent, index)
        finally:
            children = self._sizes.pop()
            self._depth -= nested
        if alias:  # a node still open (a recursive alias) counts as one
            weight = added = self._weights.get(id(node), 1)
        else:
            added = 1 + (len(node.value) if isinstance(node, yaml.ScalarNode) else 0)
            weight = self._weights[id(node)] = added + children
        self._total += added
        if self._sizes:
            self._sizes[-1] += weight
        if self._total > self._limit:
            raise _too_big(self._limit, mark)
        return node


# YAML 1.1 reads yes/no/on/off as booleans, which silently breaks word lists in rules
# ("no later than", "on Monday"). Like YAML 1.2, only true/false are booleans here.
_BoundedLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_BoundedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load(text: str) -> Any:
    """Parse one YAML document safely (no code, bounded aliases and depth); YAMLError."""
    try:
        if _FastLoader is not None:
            try:
                return _load_fast(text)
            except yaml.YAMLError:
                pass  # let the pure-Python loader word the error and place it, as it always has
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except _VALUE_ERRORS as exc:
        raise _bad_value(exc) from None


# libyaml parses the built-in rules ten times faster (~0.05 s instead of ~0.5 s, paid on every
# run). It composes in C, so the alias bound is checked on the event stream first.
_FastLoader: Any = None
if getattr(yaml, "__with_libyaml__", False):

    class _FastLoader(_CheckedValues, yaml.CSafeLoader):  # type: ignore[no-redef]
        """libyaml's SafeLoader with the same booleans as _BoundedLoader."""

    _FastLoader.yaml_implicit_resolvers = _BoundedLoader.yaml_implicit_resolvers


def _load_fast(text: str) -> Any:
    aliases = depth = total = 0
    limit = expansion_limit(text)
    weights: dict[str, int] = {}  # expanded size of each anchored node
    open_nodes: list[tuple[int, str | None]] = []  # (total when it opened, its anchor)
    for event in yaml.parse(text, Loader=_FastLoader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise yaml.composer.ComposerError(None, None, "too many aliases", event.start_mark)
            total += weights.get(event.anchor, 1)
        elif isinstance(event, yaml.ScalarEvent):
            total += 1 + len(event.value)
            if event.anchor is not None:
                weights[event.anchor] = 1 + len(event.value)
        elif isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(event)
            total += 1
            open_nodes.append((total - 1, event.anchor))
        elif isinstance(event, _CLOSE):
            depth -= 1
            opened, anchor = open_nodes.pop()
            if anchor is not None:
                weights[anchor] = total - opened
        if total > limit:
            raise _too_big(limit, event.start_mark)
    return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a CSafeLoader subclass


def compose(text: str) -> Any:
    """The node tree of one YAML document (with source marks), loaded as safely as `load`."""
    try:
        return yaml.compose(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except _VALUE_ERRORS as exc:
        raise _bad_value(exc) from None


def construct(node: Any) -> Any:
    """The Python value of a node from `compose`, built as `load` would build it."""
    loader = _BoundedLoader("")
    try:
        return loader.construct_document(node)
    except _VALUE_ERRORS as exc:
        raise _bad_value(exc) from None
    finally:
        loader.dispose()
