"""Front matter, sections, quoted replies, offsets (CRLF, emoji), through parse_draft."""

from __future__ import annotations

import datetime as dt

import pytest

from followup_lint.document import line_starts, parse_draft

DRAFT = """---
context: sales
recipient: Dana Whitfield
prior:
  - pilot pricing
last_contact: 2026-03-02
subject: The pilot pricing you asked about
---
Hi Dana,

Thanks for Tuesday's call. The pricing is attached.

> On Monday you wrote:
> can you send pricing?

Best,
Sam
"""


def test_front_matter_fields_and_lines():
    draft = parse_draft(DRAFT, "d.md")
    assert draft.context == "sales"
    assert draft.meta["last_contact"] == dt.date(2026, 3, 2)
    assert draft.prior == ("pilot pricing",)
    assert draft.meta_lines["subject"] == 7


def test_sections_and_offsets_point_into_the_original_file():
    draft = parse_draft(DRAFT, "d.md")
    names = [s.name for s in draft.sections]
    assert names == ["subject", "greeting", "signature", "body"]
    subject = draft.section("subject")
    assert draft.source[subject.start : subject.end] == "The pilot pricing you asked about"
    assert draft.span(subject.start, subject.end).line == 7
    assert draft.span(subject.start, subject.end).column == 10
    assert draft.section_text("greeting") == "Hi Dana,"
    assert draft.section_text("signature").split() == ["Best,", "Sam"]
    assert len(draft.text) == len(draft.source)


def test_quoted_reply_is_blanked_and_kept_as_thread():
    draft = parse_draft(DRAFT, "d.md")
    assert "can you send pricing" not in draft.text
    assert "can you send pricing?" in draft.quoted
    assert "On Monday you wrote" not in draft.text


def test_crlf_and_lone_cr_count_as_one_line_break():
    text = "Hi Dana,\r\n\r\nLine three 😀 here.\rLine four."
    assert line_starts(text) == (0, 10, 12, 31)
    draft = parse_draft(text)
    offset = text.index("here")
    assert draft.span(offset, offset + 4).line == 3
    assert draft.span(offset, offset + 4).column == 14  # code points: the emoji is one
    assert "\r" not in draft.text


def test_unknown_key_is_a_warning_problem_with_its_line():
    draft = parse_draft("---\ncontext: sales\nmood: sunny\n---\nHi Dana,\n\nHello.\n")
    assert draft.problems == (("input.unknown-key", draft.problems[0][1], 3),)
    assert "mood" in draft.problems[0][1]


@pytest.mark.parametrize(("text", "line"), [
    ("---\ncontext: [sales\n---\nHi.\n", 2),
    ("---\n- a list\n---\nHi.\n", 2),
    ("---\ncontext: sales\nHi.\n", 1),
    ("---\ndate: next tuesday\n---\nHi.\n", 2),
])
def test_malformed_front_matter_is_an_error_problem(text, line):
    draft = parse_draft(text)
    assert draft.problems and draft.problems[0][0] == "input.front-matter"
    assert draft.problems[0][2] == line


def test_unknown_context_in_front_matter_is_a_problem_of_the_draft_on_its_line():
    draft = parse_draft("---\ncontext: party\n---\nHi.\n", "d.md")
    assert draft.context is None
    assert draft.problems == (("input.front-matter", "unknown context 'party' (valid: "
                               "job-interview, client, sales, meeting, networking, colleague, "
                               "personal); inferred from the text instead", 2),)


def test_no_front_matter_no_greeting():
    draft = parse_draft("Thanks for the call.\nI will send the notes on Monday.")
    assert [s.name for s in draft.sections] == ["body"]


NOTES_FORWARD = """Didn't go through the first time.

Kay
---------------------- Forwarded by Kay Mann/Corp/Enron on 04/26/2001 07:19
AM ---------------------------


Kay Mann
04/26/2001 07:17 AM
To: "Staikos, John P." <johnstaikos@example.com>
Subject: Re: GE Guarantee

Will you be providing an execution version? Who signs? Is the pdf final?
"""

NOTES_REPLY = """Thanks, the matrix is on the S drive.

Chris

"Sheila Glover" <sheila.glover@example.com> on 03/06/2000 01:57:49 PM
To: Chris Germany/HOU/ECT@ECT
cc:
Subject: Ercot losses

Could you download the new loss matrix? Where will it live?
"""


@pytest.mark.parametrize("text", [NOTES_FORWARD, NOTES_REPLY])
def test_lotus_notes_forwarded_and_replied_messages_are_the_thread(text):
    draft = parse_draft(text)
    body = draft.section_text("body") + draft.section_text("signature")
    assert "?" not in body  # the earlier message's questions are not the sender's
    assert "Forwarded by" not in body and "To:" not in body


def test_a_stamped_line_without_a_to_line_below_is_prose():
    draft = parse_draft("Hi Dana,\n\nThe job ran at 04/26/2001 07:17 AM and finished.\n"
                        "It wrote three files.\n\nSam\n")
    assert "It wrote three files." in draft.section_text("body")


def test_a_disclaimer_in_legal_words_is_not_the_body():
    draft = parse_draft(
        "Richard, here is the eighth day of the deposition.\n\nSteve\n\n"
        "This e-mail message may contain legally privileged and/or confidential\n"
        "information. If you have received this message in error, please immediately notify\n"
        "the sender and delete this e-mail message from your computer.\n")
    assert "immediately" not in draft.section_text("body")


def test_thread_start_finds_a_lotus_notes_block():
    from followup_lint.readers import thread

    assert NOTES_FORWARD[thread.start(NOTES_FORWARD):].startswith("----")
    assert NOTES_REPLY[thread.start(NOTES_REPLY):].startswith('"Sheila Glover"')


def test_a_footer_of_asterisks_and_an_email_communication_notice_are_the_signature():
    draft = parse_draft(
        "Thanks, see you Friday.\n\nMark\n\n"
        "   *******************Internet Email Confidentiality Footer*******************\n"
        "   Privileged/Confidential Information may be contained in this message.\n"
        "   Please advise immediately if you do not consent to Internet email.\n")
    assert "immediately" not in draft.section_text("body")
    other = parse_draft("Use the second set.\n\nLisa\n\nThis email communication is confidential "
                        "and legally privileged. Please notify me immediately.\n")
    assert "immediately" not in other.section_text("body")
