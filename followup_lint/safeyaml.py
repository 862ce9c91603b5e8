"""Safe YAML loading with a bound on aliases, so a "billion laughs" file is rejected."""

from __future__ import annotations

import re
from typing import Any

import yaml

MAX_ALIASES = 64


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with too many alias references."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, f"more than {MAX_ALIASES} aliases (refusing to expand)",
                    event.start_mark,
                )
        return super().compose_node(parent, index)


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
    """Parse one YAML document safely (no code, bounded aliases)."""
    return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
