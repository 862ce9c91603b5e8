"""Writing result files atomically: a temp file in the same folder, then os.replace.

Only a missing path or a regular file is replaced (safeio.check_replaceable): a symbolic
link, device, FIFO, socket or folder at the path is an InputError, one line, exit 2.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, text: str) -> None:
    """Write text (UTF-8) so that readers see the old file or the new one, never a partial."""
    from .safeio import check_replaceable

    target = Path(path)
    check_replaceable(target)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:  # name the file the user asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temp, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        check_replaceable(target)  # again: it may have been swapped while we wrote
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
