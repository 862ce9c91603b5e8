"""Readers: one per input format. Each turns a decoded source into Drafts whose text spaCy
parses and whose offsets map back to the original file.

    .txt, no suffix, stdin   plain text with optional front matter   (document.parse_draft)
    .md, .markdown           Markdown, blanked to the same length    (markdown.py)
    .eml                     RFC 5322 message and its quoted thread  (eml.py)
    .html, .htm              HTML mail                               (html.py)
    .yaml, .yml, .json       a collection of templates, one draft each (collection.py)

Submodules are imported when used: document.py imports `placeholders` from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from ..document import Prepared, parse_draft
from ..model import Draft, InputError

MARKDOWN = frozenset({".md", ".markdown"})
PLAIN = frozenset({".txt"})
EML = frozenset({".eml"})
HTML = frozenset({".html", ".htm"})
COLLECTIONS = frozenset({".yaml", ".yml", ".json"})
SUFFIXES = MARKDOWN | PLAIN | EML | HTML | COLLECTIONS


class ReaderError(InputError):
    """A file that its reader cannot read (e.g. a collection that is not valid YAML)."""

    def __init__(self, path: str, reason: str, line: int = 1) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.reason, self.line = reason, line


def suffix(path: str) -> str:
    """The lower-case suffix that picks the reader ('' for stdin and '<text>')."""
    return PurePath(path).suffix.lower() if path not in ("-", "<text>") else ""


def is_template(path: str, globs: Sequence[str]) -> bool:
    """Whether a path matches one of the --templates globs (whole path or from the right)."""
    from ..globs import match_from_right, wildcard

    return any(wildcard(path, g) or match_from_right(path, g) for g in globs)


def read(
    path: str,
    text: str,
    *,
    prior: Sequence[str] = (),
    template: bool = False,
    require_fields: Sequence[str] = (),
) -> list[Draft]:
    """The drafts in one decoded source (several for a template collection).

    Raises ReaderError when the file cannot be read as its format, InputError for an unknown
    context name (as parse_draft does).
    """
    kind = suffix(path)
    if kind in COLLECTIONS:
        from . import collection

        try:
            items = collection.read(text, path)
        except collection.CollectionError as exc:
            raise ReaderError(path, str(exc), exc.line) from None
        return [parse_draft(text, path, prior=prior, prepared=p, require_fields=require_fields)
                for p in items]
    source, prepared = text, None
    if kind in EML:
        from . import eml

        try:
            source, prepared = eml.read(text)
        except eml.EmlError as exc:
            raise ReaderError(path, str(exc), exc.line) from None
        except RecursionError:  # the email package parses nested parts recursively
            raise ReaderError(path, "MIME parts are nested too deeply to read") from None
    elif kind in HTML:
        from . import html

        prepared = html.read(text)
    elif kind in MARKDOWN:
        from . import markdown

        prepared = Prepared(markdown.mask(text))
    return [parse_draft(source, path, prior=prior, prepared=prepared, template=template,
                        require_fields=require_fields)]
