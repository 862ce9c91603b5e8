"""Template collections: one .yaml/.yml/.json file holding many templates.

    - name: welcome-back            # or id:
      subject: Picking up where we left off
      context: sales                # any front matter key: recipient, prior, date, ...
      body: |
        Hi {{first_name}}, ...

The file may also be a mapping `{templates: [...]}` or `{welcome-back: {subject, body}, ...}`.
PyYAML's composer gives every node its start and end in the file; JSON is read by the same
composer (JSON is YAML's flow style), so both formats keep positions. Each template becomes
one draft whose text is its subject, a blank line, and its body *value* (block scalars
unindented, quoted scalars unescaped), each character mapped to where it is written.
"""

from __future__ import annotations

from typing import Any

import yaml

from .. import safeyaml
from ..document import KNOWN_KEYS, Prepared, check_meta
from .mapped import Mapped

NAME_KEYS = ("name", "id")
COLLECTION_KEYS = frozenset({"name", "id", "subject", "body", "description", "notes", "tags"})
_SIMPLE_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n",
                   "v": "\v", "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/",
                   "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


class CollectionError(ValueError):
    """A collection file that cannot be read; `line` is 1-based."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


def _template_maps(data: Any) -> list[Any]:
    """The template mappings in loaded data (no positions): used to recognise a collection."""
    if isinstance(data, dict) and isinstance(data.get("templates"), list | dict):
        data = data["templates"]
    items = list(data.values()) if isinstance(data, dict) else data
    if not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, dict) and "body" in item]


def looks_like(text: str) -> bool:
    """Whether a YAML/JSON text is a template collection (templates with a body each)."""
    if "body" not in text:
        return False
    try:
        return bool(_template_maps(safeyaml.load(text)))
    except yaml.YAMLError:
        return False


def _pairs(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {str(k.value): (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _entries(root: yaml.Node) -> list[tuple[str | None, yaml.MappingNode]]:
    """(name from a mapping key or None, template node) for each template."""
    if isinstance(root, yaml.MappingNode) and "templates" in _pairs(root):
        root = _pairs(root)["templates"][1]
    if isinstance(root, yaml.SequenceNode):
        return [(None, n) for n in root.value if isinstance(n, yaml.MappingNode)]
    if isinstance(root, yaml.MappingNode):
        return [(str(k.value), v) for k, v in root.value
                if isinstance(v, yaml.MappingNode) and "body" in _pairs(v)]
    return []


def _escape(source: str, at: int) -> tuple[str | None, int]:
    """(decoded text or None for an escaped line break, width) of a \\ escape at `at`."""
    follower = source[at + 1 : at + 2]
    if follower in ("\n", "\r"):
        return None, 3 if source.startswith("\r\n", at + 1) else 2
    if follower in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[follower], 2
    digits = {"x": 2, "u": 4, "U": 8}.get(follower, 0)
    try:
        return chr(int(source[at + 2 : at + 2 + digits], 16)), 2 + digits
    except ValueError:
        return follower, 2


def _raw_positions(source: str, node: yaml.ScalarNode) -> list[int]:
    """Source offsets of the characters a scalar's value is read from."""
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("'", '"'):
        return list(range(start + 1, end - 1))
    if node.style not in ("|", ">"):
        return list(range(start, end))
    header_end = source.find("\n", start, end)
    if header_end == -1:
        return []
    lines = source[header_end + 1 : end].split("\n")
    digits = [c for c in source[start:header_end] if c.isdigit()]
    widths = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    indent = int(digits[0]) + node.start_mark.column if digits else min(widths, default=0)
    out: list[int] = []
    offset = header_end + 1
    for line in lines:
        skip = min(indent, len(line) - len(line.lstrip(" ")))
        out.extend(range(offset + skip, offset + len(line) + 1))
        offset += len(line) + 1
    return [p for p in out if p < end]


def scalar_positions(source: str, node: yaml.ScalarNode) -> list[tuple[int, int]]:
    """(start, end) in the source of each character of a scalar's value.

    Walks the value and the written text together: equal characters pair up, escapes and
    doubled quotes pair with their whole spelling, a folded line break with the break, and
    indentation is skipped. Should the two ever disagree, the rest maps to where they did.
    """
    value, positions, style = str(node.value), _raw_positions(source, node), node.style
    out: list[tuple[int, int]] = []
    k = v = 0
    while v < len(value):
        if k >= len(positions):
            at = positions[-1] + 1 if positions else node.start_mark.index
            out.extend((at, at) for _ in range(len(value) - v))
            break
        p, want = positions[k], value[v]
        ch = source[p]
        if style == '"' and ch == "\\":
            decoded, width = _escape(source, p)
            if decoded is None or value.startswith(decoded, v):
                out.extend((p, p + width) for _ in decoded or "")
                v += len(decoded or "")
                while k < len(positions) and positions[k] < p + width:
                    k += 1
                continue
        if style == "'" and ch == "'" and want == "'" and source.startswith("''", p):
            out.append((p, p + 2))
            v, k = v + 1, k + 2
        elif ch == want:
            out.append((p, p + 1))
            v, k = v + 1, k + 1
        elif want in " \n" and ch in "\r\n":
            width = 2 if source.startswith("\r\n", p) else 1
            out.append((p, p + width))
            v, k = v + 1, k + width
        elif ch in " \t\r\n":
            k += 1
        else:
            out.extend((p, p) for _ in range(len(value) - v))
            break
    return out


def _scalar(source: str, node: yaml.Node | None) -> Mapped | None:
    if not isinstance(node, yaml.ScalarNode):
        return None
    return Mapped.of(list(str(node.value)), scalar_positions(source, node))


def _template(source: str, path: str, index: int, key: str | None,
              node: yaml.MappingNode) -> Prepared:
    """One template as a Prepared draft."""
    pairs = _pairs(node)
    names = [safeyaml.construct(pairs[k][1]) for k in NAME_KEYS if k in pairs]
    name = str(names[0]) if names and names[0] is not None else key or f"template-{index + 1}"
    meta = {k: safeyaml.construct(v) for k, (_, v) in pairs.items() if k not in COLLECTION_KEYS}
    lines = {k: kn.start_mark.line + 1 for k, (kn, _) in pairs.items()}
    checked = {k: v for k, v in meta.items() if k != "ignore"}
    problems = [(rule, message, line) for rule, message, line in check_meta(checked, lines, path)
                if rule != "input.unknown-key"]
    problems += [("input.unknown-key", f"unknown template key {k!r} (known: "
                  f"{', '.join(sorted((KNOWN_KEYS | COLLECTION_KEYS) - {'followup-lint'}))})",
                  lines[k]) for k in checked if k not in KNOWN_KEYS]
    meta.update({k: v for k, v in checked.items() if k in KNOWN_KEYS})
    for key in [k for k in meta if k != "ignore" and k not in checked]:
        meta.pop(key)  # a value check_meta dropped: a bad date, followup or context
    body = _scalar(source, pairs.get("body", (None, None))[1])
    if body is None:
        problems.append(("input.template", f"template {name!r} has no body text", lines.get(
            "body", node.start_mark.line + 1)))
        body = Mapped()
    lint, subject = Mapped(), None
    if "subject" in pairs:
        written = _scalar(source, pairs["subject"][1]) or Mapped()
        meta["subject"] = written.text
        lint.extend(written)
        at = pairs["subject"][1].end_mark.index
        lint.add("\n\n", at, at)
        subject = (0, len(written))
    start = len(lint)
    lint.extend(body)
    return Prepared(lint.text, lint.offset_map(), front_matter=False, meta=meta,
                    subject=subject, body_start=start, problems=tuple(problems),
                    template=name, is_template=True)


def _invalid(exc: yaml.YAMLError) -> CollectionError:
    mark = getattr(exc, "problem_mark", None)
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return CollectionError(f"not valid YAML/JSON: {reason}", mark.line + 1 if mark else 1)


def read(source: str, path: str) -> list[Prepared]:
    """Every template in a collection file; CollectionError when it is not one."""
    try:
        root = safeyaml.compose(source)
    except yaml.YAMLError as exc:
        raise _invalid(exc) from None
    entries = _entries(root) if root is not None else []
    if not entries:
        raise CollectionError("not a template collection: expected a list of templates, "
                              "each a mapping with a body")
    try:  # a value is built only now: "date: 2026-13-40", "prior: !!omap [1]"
        return [_template(source, path, i, key, node) for i, (key, node) in enumerate(entries)]
    except yaml.YAMLError as exc:
        raise _invalid(exc) from None
