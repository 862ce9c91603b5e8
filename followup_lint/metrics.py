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
    from spacy.tokens import Doc, Span, Token

SPECIFIC_ENTS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "DATE",
                           "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "WORK_OF_ART",
                           "NORP", "LAW"})


def _tokens(doc: Doc, sections: Sequence[Section]) -> list[Token]:
    """Non-space tokens that start inside the sections, in order (found by bisection)."""
    if not len(doc):
        return []
    starts = doc.to_array("IDX").tolist()  # ascending
    space = doc.to_array("IS_SPACE").tolist()
    inside = sorted({i for s in sections for i in range(bisect.bisect_left(starts, s.start),
                                                         bisect.bisect_left(starts, s.end))})
    return [doc[i] for i in inside if not space[i]]


def sentence_starts(doc: Doc) -> list[int]:
    """For each token, the index where its sentence starts (what token.sent.start gives, in
    one pass instead of a walk back and forth from every token)."""
    starts, current = [], 0
    for i, mark in enumerate(doc.to_array("SENT_START").tolist()):
        if mark == 1:
            current = i
        starts.append(current)
    return starts


def is_word(token: Token) -> bool:
    """A word for counting: not punctuation, space or a symbol."""
    return not (token.is_punct or token.is_space or token.pos_ == "SYM")


def specifics(tokens: Sequence[Token]) -> int:
    """Concrete details: named entities, numbers and proper nouns inside sentences."""
    return sum(1 for t in tokens if _is_specific(t))


def _is_specific(t: Token) -> bool:
    """An entity's first token, or a number or mid-sentence proper noun outside entities."""
    if t.ent_type_:
        return t.ent_type_ in SPECIFIC_ENTS and t.ent_iob_ == "B"
    return t.like_num or (t.pos_ == "PROPN" and not t.is_sent_start)


def days_since_contact(meta: dict[str, Any], today: dt.date | None = None) -> int | None:
    """Days from last_contact to the send date (front matter `date`, else today)."""
    last = meta.get("last_contact")
    if not isinstance(last, dt.date):
        return None
    return (send_date(meta, today) - last).days


def compute(draft: Draft, doc: Doc) -> dict[str, Any]:
    """Measures of the body (greeting and signature excluded) and of the front matter."""
    body = [s for s in draft.sections if s.name == "body"]
    tokens = _tokens(doc, body)
    words = [t for t in tokens if is_word(t)]
    starts = sentence_starts(doc)
    sentences = {starts[t.i] for t in tokens}
    body_text = " ".join(draft.text[s.start : s.end] for s in body)
    followup = draft.meta.get("followup")
    letter = _letter(draft, doc)
    return {
        "words": len(words),
        "sentences": len(sentences),
        "avg_sentence_words": round(len(words) / len(sentences), 1) if sentences else 0.0,
        "reading_grade": nlpmod.reading_grade(body_text),
        "questions": sum(1 for t in tokens if t.text == "?" and (t.i + 1 == len(doc)
                                                                 or doc[t.i + 1].text != "?")),
        "exclamations": sum(t.text.count("!") for t in tokens),
        "specifics": specifics(tokens),
        "days_since_contact": days_since_contact(dict(draft.meta)),
        "followup": followup if isinstance(followup, int) else None,
        "politeness": round(scores.politeness(letter), 2) if letter is not None else None,
        "formality": round(scores.formality(letter), 1) if letter is not None else None,
        **reader_time(draft),
        "prior_points": len(draft.prior),
        "topic_words": topic_words(draft, words),
        "longest_paragraph": longest_paragraph(draft),
        "prose_questions": (asked := prose_questions(draft)),
        # questions per 100 words: five questions in 80 words are a stack, in 900 a discussion
        "question_density": round(100 * asked / len(words), 1) if words else 0.0,
    }




def topic_words(draft: Draft, words: Sequence[Token]) -> int:
    """Distinct nouns, names and numbers in the body that could say what the email is about
    (not vague ones like "conversation" or "moment", not the participants' names, not dates
    or times: "on Tuesday" says when, not what)."""
    names = participant_words(draft.meta)
    vague = frozenset(lexicon.get("vague-words"))
    return len({t.lemma_.lower() for t in words
                if (t.pos_ in ("NOUN", "PROPN", "NUM") or t.like_num) and not t.is_stop
                and t.lemma_.lower() not in vague and t.lower_ not in vague
                and t.lower_ not in names and t.ent_type_ not in ("DATE", "TIME")})


_LIST_ITEM = re.compile(r"^\s*(?:[-*•→✓✔▪◦>]|\d{1,2}[.)]|[a-z][.)])\s")
_ASIDE = re.compile(r'\([^()\n]{0,200}\)|"[^"\n]{0,200}"|“[^”\n]{0,200}”')


# "?" standing for a quote mark or an apostrophe that a mail client mangled ("function
# ?getline?", "don?t"): not a question
_NOT_A_QUESTION = re.compile(r"(?<![\w?])\?(?=[\w])[^\s?]{0,80}\?|(?<=\w)\?(?=\w)")


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
