"""Per-draft measures that metric rules read and reports show."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import lexicon, scores, timeline
from . import nlp as nlpmod
from .kinds.field import participant_words
from .model import Draft, Section

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

SPECIFIC_ENTS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "DATE",
                           "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "WORK_OF_ART",
                           "NORP", "LAW"})


# Columns of the Doc that the measures read: one Doc.to_array instead of a Token (and a
# dozen attribute lookups) for each word of each draft, which cost more than the measures.
_COLUMNS = ("IDX", "IS_SPACE", "IS_PUNCT", "POS", "ORTH", "ENT_TYPE", "ENT_IOB", "LIKE_NUM",
            "SENT_START", "IS_STOP", "LEMMA", "LOWER")
(_IDX, _SPACE, _PUNCT, _POS, _ORTH, _ENT, _IOB, _NUM, _START, _STOP, _LEMMA, _LOWER) = range(12)
_IOB_BEGIN = 3  # ENT_IOB as to_array gives it: 3 = B, 1 = I, 2 = O, 0 = not set
_SENT_START = 1  # SENT_START: 1 starts a sentence, -1 does not, 0 unknown


class _Rows:
    """The non-space tokens of some sections of a Doc, as rows of _COLUMNS, in order."""

    def __init__(self, doc: Doc, sections: Sequence[Section]) -> None:
        table = doc.to_array(list(_COLUMNS)).tolist() if len(doc) else []
        starts = [row[_IDX] for row in table]  # ascending
        inside = sorted({i for s in sections for i in range(bisect.bisect_left(starts, s.start),
                                                             bisect.bisect_left(starts, s.end))})
        self.strings = strings = doc.vocab.strings
        self.positions = [i for i in inside if not table[i][_SPACE]]
        self.rows = [table[i] for i in self.positions]
        self.next_orth = [table[i + 1][_ORTH] if i + 1 < len(table) else None
                          for i in self.positions]
        symbol = strings["SYM"]  # a POS symbol's name gives its id
        self.words = [row for row in self.rows if not (row[_PUNCT] or row[_POS] == symbol)]


def sentence_starts(doc: Doc) -> list[int]:
    """For each token, the index where its sentence starts (what token.sent.start gives, in
    one pass instead of a walk back and forth from every token)."""
    starts, current = [], 0
    for i, mark in enumerate(doc.to_array("SENT_START").tolist()):
        if mark == 1:
            current = i
        starts.append(current)
    return starts


def specifics(rows: Sequence[list[int]], strings: Any) -> int:
    """Concrete details: named entities, numbers and proper nouns inside sentences (rows of
    _COLUMNS): an entity's first token, or a number or mid-sentence proper noun outside
    entities."""
    kinds = frozenset(strings[label] for label in SPECIFIC_ENTS)
    propn = strings["PROPN"]
    return sum(1 for row in rows
               if ((row[_ENT] in kinds and row[_IOB] == _IOB_BEGIN) if row[_ENT]
                   else bool(row[_NUM]) or (row[_POS] == propn and row[_START] != _SENT_START)))


def days_since_contact(meta: dict[str, Any], today: dt.date | None = None) -> int | None:
    """Days from last_contact to the send date (front matter `date`, else today)."""
    last = meta.get("last_contact")
    if not isinstance(last, dt.date):
        return None
    return (send_date(meta, today) - last).days


def compute(draft: Draft, doc: Doc) -> dict[str, Any]:
    """Measures of the body (greeting and signature excluded) and of the front matter."""
    body = [s for s in draft.sections if s.name == "body"]
    rows = _Rows(doc, body)
    starts = sentence_starts(doc)
    sentences = {starts[i] for i in rows.positions}
    words = rows.words
    body_text = " ".join(draft.text[s.start : s.end] for s in body)
    followup = draft.meta.get("followup")
    letter = _letter(draft, doc)
    strings = rows.strings
    mark = strings["?"]
    return {
        "words": len(words),
        "sentences": len(sentences),
        "avg_sentence_words": round(len(words) / len(sentences), 1) if sentences else 0.0,
        "reading_grade": nlpmod.reading_grade(body_text),
        "questions": sum(1 for row, after in zip(rows.rows, rows.next_orth, strict=True)
                         if row[_ORTH] == mark and after != mark),
        "exclamations": sum(strings[row[_ORTH]].count("!") for row in rows.rows),
        "specifics": specifics(rows.rows, strings),
        "days_since_contact": days_since_contact(dict(draft.meta)),
        "followup": followup if isinstance(followup, int) else None,
        "politeness": round(scores.politeness(letter), 2) if letter is not None else None,
        "formality": round(scores.formality(letter), 1) if letter is not None else None,
        **reader_time(draft),
        "prior_points": len(draft.prior),
        "topic_words": topic_words(draft, words, strings),
        "longest_paragraph": longest_paragraph(draft),
        "prose_questions": (asked := prose_questions(draft)),
        # questions per 100 words: five questions in 80 words are a stack, in 900 a discussion
        "question_density": round(100 * asked / len(words), 1) if words else 0.0,
    }


def topic_words(draft: Draft, words: Sequence[list[int]], strings: Any) -> int:
    """Distinct nouns, names and numbers in the body (rows of _COLUMNS) that could say what
    the email is about (not vague ones like "conversation" or "moment", not the participants'
    names, not dates or times: "on Tuesday" says when, not what)."""
    names = participant_words(draft.meta)
    vague = frozenset(lexicon.get("vague-words"))
    nominal = frozenset(strings[pos] for pos in ("NOUN", "PROPN", "NUM"))
    when = frozenset(strings[label] for label in ("DATE", "TIME"))
    found = set()
    for row in words:
        if (row[_POS] in nominal or row[_NUM]) and not row[_STOP] and row[_ENT] not in when:
            lemma, lower = strings[row[_LEMMA]].lower(), strings[row[_LOWER]]
            if lemma not in vague and lower not in vague and lower not in names:
                found.add(lemma)
    return len(found)


_LIST_ITEM = re.compile(r"^\s*(?:[-*•→✓✔▪◦>]|\d{1,2}[.)]|[a-z][.)])\s")
_ASIDE = re.compile(r'\([^()\n]{0,200}\)|"[^"\n]{0,200}"|“[^”\n]{0,200}”')


# "?" standing for a quote mark, an apostrophe or a space that a mail client mangled
# ("function ?getline?", "don?t", "like him.? At best"), or inside a link
# ("paste.example.org/?69af"): not a question
_NOT_A_QUESTION = re.compile(r"\b(?:https?://|www\.)\S+|(?<![\w?])\?(?=[\w])[^\s?]{0,80}\?"
                             r"|(?<=\w)\?(?=\w)|(?<=[.,;:])\?")


def prose_questions(draft: Draft) -> int:
    """Questions the reader is asked in running text: not the items of a list (a questionnaire
    is easy to answer), nor asides in brackets or quotes ("(are you getting ROI?)")."""
    count = 0
    for section in draft.sections:
        if section.name != "body":
            continue
        for line in draft.text[section.start : section.end].splitlines():
            if not _LIST_ITEM.match(line):
                count += len(re.findall(r"\?+", _ASIDE.sub(" ", _NOT_A_QUESTION.sub(" ", line))))
    return count


# A line of a patch or of code: diff markers, a comment, a statement; "- item" is a list item
_CODE_LINE = re.compile(r"^(?:\+|-(?=\S)|@@|diff |index [0-9a-f]|--- a/| [ \t]*(?:\*|//|#|\w+\(|"
                        r"return\b|if \(|for \(|\}))|[;{}][ \t]*$|\|[ \t]*\d+[ \t]*[+-]*[ \t]*$"
                        # a log line: "[INFO] Building jar", "WARNING: ...", "2012-04-19 08:53:12"
                        r"|^\[?(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE|FATAL|SEVERE)\]?[: ]"
                        r"|^\d{4}-\d\d-\d\d[ T]\d\d:\d\d|^[A-Z][a-z]{2} \d{1,2}, \d{4} \d")


UNWRAPPED = 100  # characters: a line this long was not wrapped by hand or by a mail client


def longest_paragraph(draft: Draft) -> int:
    """Words in the longest paragraph of prose in the body (a wall of text has no breaks); a
    block most of whose lines are a patch or code is not prose (list mails carry patches).
    Paragraphs end at a blank line, and at every line break of a block whose lines are not
    wrapped (one of them longer than UNWRAPPED): mail sent as HTML often puts each paragraph
    on a line of its own with no blank line between."""
    body = " \n\n ".join(draft.text[s.start : s.end] for s in draft.sections if s.name == "body")
    paragraphs: list[str] = []
    for block in re.split(r"\n[ \t\r]*\n", body):
        lines = block.splitlines()
        paragraphs += lines if any(len(line) > UNWRAPPED for line in lines) else [block]
    return max((len(p.split()) for p in paragraphs if p.strip() and not _is_code(p)), default=0)


_PROSE_WORD = re.compile(r"\b[a-z]{2,}\b")


def _is_code(paragraph: str) -> bool:
    """A block most of whose lines are code, a patch or machine output (log lines with fewer
    than three words of prose: "204/300K", "[INFO] BUILD SUCCESS"; lines that all start alike)."""
    lines = [line for line in paragraph.splitlines() if line.strip()]
    if len(lines) < 3:
        return False
    # most lines opening with one marker ("Performance:", "[INFO]", "-") is output or a list;
    # prose lines that happen to start with "the" are not
    firsts = Counter(first for line in lines
                     if not (first := line.split()[0]).isalpha() or first.endswith(":"))
    return (bool(firsts) and 2 * max(firsts.values()) >= len(lines)) or 2 * sum(
        1 for line in lines if _CODE_LINE.search(line) or len(_PROSE_WORD.findall(line)) < 3
    ) >= len(lines)


def send_date(meta: dict[str, Any], today: dt.date | None = None) -> dt.date:
    """When the draft will be sent: front matter `date`, else today."""
    sent = meta.get("date")
    return sent if isinstance(sent, dt.date) else (today or dt.date.today())


def reader_time(draft: Draft, today: dt.date | None = None) -> dict[str, Any]:
    """What the notes and the thread say of the reader's time (timeline.py): days from the
    send date to the day they said they would answer (None when they gave none), and 1 when
    they are going through a hard time (None without notes or a thread)."""
    if not draft.prior and not draft.quoted.strip():
        return {"days_to_promised": None, "reader_hardship": None}
    meta = dict(draft.meta)
    sent = send_date(meta, today)
    last = meta.get("last_contact")
    anchor = last if isinstance(last, dt.date) else sent
    promise = timeline.promised(draft.prior, draft.quoted, anchor)
    return {"days_to_promised": (promise.day - sent).days if promise else None,
            "reader_hardship": int(timeline.hardship(draft.prior, draft.quoted) is not None)}


def _letter(draft: Draft, doc: Doc) -> Span | None:
    """Greeting, body and signature (no subject, front matter or quoted text), as a Span:
    the scores read it as they would read a Doc of its own (scores._View), without the
    copy Span.as_doc makes."""
    parts = [s for s in draft.sections if s.name != "subject"]
    if not parts:
        return None
    span = doc.char_span(min(s.start for s in parts), max(s.end for s in parts),
                         alignment_mode="expand")
    return span if span is not None and len(span) else None
