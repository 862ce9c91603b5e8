"""Safe YAML loading with a bound on aliases, so a "billion laughs" file is rejected."""

from __future__ import annotations

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


def load(text: str) -> Any:
    """Parse one YAML document safely (no code, bounded aliases)."""
    return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
