"""kind: subject - checks on the subject line as a whole: empty, too long, a reply prefix on
a message that starts a thread."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..model import Draft
from ..readers.placeholders import shown_length
from .base import Hit, LintInput

KEYS = ("check", "max")
LOCAL = False
CHECKS = ("empty", "length", "reply-prefix")
REPLY_PREFIX = re.compile(r"^(?:(?:re|fwd?|fw|aw|wg|sv|vs|tr|antw)\s*(?:\[\d+\])?\s*:\s*)+",
                     re.IGNORECASE)


def validate(params: Mapping[str, Any]) -> None:
    """check: one of CHECKS; max: a positive whole number, required by `length`."""
    if params.get("check") not in CHECKS:
        raise ValueError(f"'check' must be one of {', '.join(CHECKS)}")
    limit = params.get("max")
    if params["check"] == "length" and (isinstance(limit, bool) or not isinstance(limit, int)
                                        or limit < 1):
        raise ValueError("'max' must be a positive whole number for check: length")
    if params["check"] != "length" and limit is not None:
        raise ValueError("'max' applies only to check: length")


def in_thread(draft: Draft) -> bool:
    """Whether the draft answers a message: In-Reply-To/References, or a quoted thread."""
    return bool(draft.meta.get("in_reply_to") or draft.meta.get("references")
                or draft.quoted.strip())


class Compiled:
    """One check over the draft's subject section; nothing when the draft has no subject."""

    def __init__(self, params: Mapping[str, Any], nlp: Any = None) -> None:
        self.check = params["check"]
        self.max = params.get("max", 0)

    def hits(self, inp: LintInput) -> list[Hit]:
        """A hit on the subject when the check fails."""
        section = inp.draft.section("subject")
        if section is None:
            return []
        written = inp.draft.text[section.start : section.end]
        value = written.strip()
        if self.check == "empty":
            return [] if value else [Hit(section.start, section.end)]
        start = section.start + len(written) - len(written.lstrip())
        # a template's subject is as long as it reads once filled in, not as its markup
        length = (shown_length((inp.draft.unmasked or inp.draft.text)[section.start : section.end]
                               .strip()) if inp.draft.is_template else len(value))
        if self.check == "length" and length > self.max:
            return [Hit(start, start + len(value), {"length": length, "max": self.max})]
        prefix = REPLY_PREFIX.match(value) if self.check == "reply-prefix" else None
        if prefix and not in_thread(inp.draft):
            return [Hit(start, start + len(prefix.group(0).rstrip()),
                        {"prefix": prefix.group(0).strip()})]
        return []
