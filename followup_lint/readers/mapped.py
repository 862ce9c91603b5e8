"""Text built piece by piece that remembers where each character came from in the source."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import OffsetMap


class Mapped:
    """A growing text; character i came from source[pos[i][0]:pos[i][1]]."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.pos: list[tuple[int, int]] = []

    @classmethod
    def of(cls, chars: Sequence[str], pos: Sequence[tuple[int, int]]) -> Mapped:
        """A Mapped from parallel characters and positions."""
        out = cls()
        out.chars, out.pos = list(chars), list(pos)
        return out

    @property
    def text(self) -> str:
        """The text built so far."""
        return "".join(self.chars)

    def __len__(self) -> int:
        return len(self.chars)

    def add(self, text: str, start: int, end: int | None = None) -> None:
        """Append text. Without `end` it is a verbatim copy of source[start:]; with `end`
        every character came from the whole range [start, end) (an entity, an escape)."""
        self.chars.extend(text)
        if end is None:
            self.pos.extend((start + i, start + i + 1) for i in range(len(text)))
        else:
            self.pos.extend((start, end) for _ in text)

    def extend(self, other: Mapped) -> None:
        """Append another Mapped over the same source."""
        self.chars.extend(other.chars)
        self.pos.extend(other.pos)

    def slice(self, start: int, end: int) -> Mapped:
        """Characters start..end."""
        return Mapped.of(self.chars[start:end], self.pos[start:end])

    def through(self, outer: Sequence[tuple[int, int]], length: int) -> Mapped:
        """Positions that pointed into an intermediate text, mapped on through that text's
        own positions (`outer`, one per character; `length` = the final source length)."""
        def start(i: int) -> int:
            return outer[i][0] if i < len(outer) else (outer[-1][1] if outer else length)

        def end(i: int, j: int) -> int:
            return outer[j - 1][1] if j > i and j - 1 < len(outer) else start(i)

        return Mapped.of(self.chars, [(start(s), end(s, e)) for s, e in self.pos])

    def lines(self) -> list[tuple[int, int]]:
        """(start, end) of each line, without the newline."""
        out, begin = [], 0
        for i, ch in enumerate(self.chars):
            if ch == "\n":
                out.append((begin, i))
                begin = i + 1
        out.append((begin, len(self.chars)))
        return out

    def offset_map(self) -> OffsetMap:
        """The compact OffsetMap a Draft keeps."""
        return OffsetMap.from_chars(self.pos)


def byte_to_char(text: str) -> list[int] | None:
    """For a text whose UTF-8 (surrogateescape) encoding is parsed as bytes: the character
    offset of every byte offset (one more entry than bytes). None when the text is ASCII."""
    if text.isascii():
        return None
    out: list[int] = []
    for i, ch in enumerate(text):
        code = ord(ch)
        size = 1 if code < 0x80 or 0xDC80 <= code <= 0xDCFF else (
            2 if code < 0x800 else 3 if code < 0x10000 else 4)
        out.extend([i] * size)
    out.append(len(text))
    return out
