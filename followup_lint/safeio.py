"""The one way followup-lint reads a file, and the one check before it replaces one.

Reading: drafts, --prior notes, baselines, configs, rule files, cache entries and labels all
come through `read_bytes`. Only a regular file is read; it is opened with O_NONBLOCK (so a
FIFO swapped in after the check cannot block the open) and checked again on the open
descriptor; it is read up to a size limit and no further. A FIFO, socket, device (/dev/zero),
folder or anything else is refused with a reason, never read.

Writing: `check_replaceable` is asked before a result file (--output, --write-baseline, a
cache entry) is moved into place. Only a missing path or a regular file (not a symbolic link)
is replaced; anything else (a symlink, device, FIFO, socket, folder) is refused, so that
`--output /dev/full`, `--output link-to-README` or a FIFO never has its node replaced.
"""

from __future__ import annotations

import os
import stat

from .model import InputError

_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder"), (stat.S_ISLNK,
                                                                   "a symbolic link"))


class NotRead(Exception):
    """A file that was not read: `reason` says why; `too_large` when only its size is wrong."""

    def __init__(self, reason: str, too_large: bool = False, mode: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.too_large, self.mode = reason, too_large, mode


def kind(mode: int) -> str:
    """What a file of this mode is, in words ("a FIFO", "a device", ...)."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_bytes(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; NotRead otherwise."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise NotRead(f"{kind(mode)}, not a regular file", mode=mode)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(
            os, "O_NOCTTY", 0))
        with open(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):  # swapped in between
                raise NotRead(f"{kind(info.st_mode)}, not a regular file", mode=info.st_mode)
            if info.st_size > limit:
                raise NotRead(f"file is {info.st_size} bytes, over the {limit}-byte limit",
                              too_large=True)
            data = handle.read(limit + 1)
    except OSError as exc:
        raise NotRead(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:  # grew while being read
        raise NotRead(f"file is over the {limit}-byte limit", too_large=True)
    return data


def read_text(path: str | os.PathLike[str], limit: int, what: str) -> str:
    """A regular UTF-8 file's text; InputError "{what}: {reason}" otherwise."""
    try:
        data = read_bytes(path, limit)
    except NotRead as exc:
        raise InputError(f"{what}: {exc.reason}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what}: not UTF-8 text (invalid byte at offset {exc.start})") from None


def replaceable(path: str | os.PathLike[str]) -> str | None:
    """None when a file may be written at `path` (missing, or a regular file that is not a
    symbolic link); else why not ("is a symbolic link, not a regular file", ...)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be checked ({exc.strerror or exc})"
    return None if stat.S_ISREG(mode) else f"is {kind(mode)}, not a regular file"


def check_replaceable(path: str | os.PathLike[str]) -> None:
    """InputError in one line when `path` is something a write must not replace."""
    why = replaceable(path)
    if why is not None:
        raise InputError(f"{os.fsdecode(path)}: {why}; not replacing it (write to a regular "
                         "file, or '-' for stdout)")
