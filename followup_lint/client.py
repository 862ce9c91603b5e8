"""The client half of the warm server (server.py): where its socket lives, the wire format,
and handing one `check` over. Cheap to import, and spaCy is never imported here: when no
server runs, `check` pays for one stat of the socket path.

Wire format: a message is a 4-byte big-endian length, then that many bytes of JSON (UTF-8;
lone surrogates pass, as in os.environ values and file names that are not UTF-8). Bytes
(stdin, the captured output) travel as text decoded with utf-8/surrogateescape, which
encodes back to the very same bytes.

A check is one exchange: the request; {"status": "accepted"} (or "stale", "declined": lint
here instead); then {"stdout", "stderr", "exit"}. Anything else, at any point (no socket,
refused, a timeout before the server took the request, the server gone before its answer),
means: lint here. A user never gets an error because of the server.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .model import InputError

if TYPE_CHECKING:
    import socket

DIR_VARIABLE = "FOLLOWUP_LINT_SERVER_DIR"
DISABLE_VARIABLE = "FOLLOWUP_LINT_NO_SERVER"
SOCKET_NAME, PID_NAME, LOCK_NAME = "server.sock", "server.pid", "server.lock"
LOG_NAME = "server.log"
MAX_SOCKET_PATH = 107  # bytes in sockaddr_un.sun_path on Linux, less its final NUL
ACCEPT_TIMEOUT = 3.0  # seconds for a busy server to take a check before we lint here
MAX_MESSAGE = 1 << 30
MAX_STDIN = 64 << 20  # more stdin than this is linted here (the default --max-bytes is 5M)
serving = False  # True in the server process: a check it runs is never handed on again


class ProtocolError(ConnectionError):
    """A message that is not ours: too large, not JSON, not an object."""


# --- where -----------------------------------------------------------------------------


def server_dir() -> Path:
    """$FOLLOWUP_LINT_SERVER_DIR, else $XDG_RUNTIME_DIR/followup-lint, else
    /tmp/followup-lint-<uid>."""
    if os.environ.get(DIR_VARIABLE):
        return Path(os.environ[DIR_VARIABLE])
    if os.environ.get("XDG_RUNTIME_DIR"):
        return Path(os.environ["XDG_RUNTIME_DIR"]) / "followup-lint"
    return Path("/tmp") / f"followup-lint-{os.getuid()}"


def unsafe(folder: Path) -> str | None:
    """Why the folder must not be trusted, or None. OSError when it cannot be examined."""
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder" + (" (a symbolic link)" if stat.S_ISLNK(info.st_mode) else "")
    if info.st_uid != os.getuid():
        return f"is owned by another user (uid {info.st_uid})"
    if info.st_mode & 0o077:
        return f"is open to other users (mode {stat.S_IMODE(info.st_mode):03o}, not 700)"
    return None


def private_dir(create: bool = False) -> Path | None:
    """The server's folder, made (mode 0700) when `create`; None when it does not exist.
    InputError when it is not ours alone: another user could then talk to the server, or
    pose as one."""
    if not hasattr(os, "getuid"):
        raise InputError("the server needs Unix domain sockets (Linux, macOS, BSD)")
    folder = server_dir()
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        problem = unsafe(folder)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{folder}: cannot use the server folder: {exc.strerror or exc}") from None
    if problem:
        raise InputError(f"{folder}: {problem}; not using it for the server (remove it, or "
                         f"set {DIR_VARIABLE} to a private folder)")
    return folder


# --- the wire ---------------------------------------------------------------------------


def connect(path: Path, timeout: float | None) -> socket.socket:
    """A connection to the socket at `path`; OSError when nothing listens there."""
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(os.fsencode(path))
    except BaseException:
        sock.close()
        raise
    return sock


def send(sock: socket.socket, message: dict[str, Any]) -> None:
    """Write one message."""
    import json

    data = json.dumps(message, ensure_ascii=False).encode("utf-8", "surrogatepass")
    sock.sendall(len(data).to_bytes(4, "big") + data)


def receive(sock: socket.socket) -> dict[str, Any]:
    """Read one message; ConnectionError when the other side is gone or is not us."""
    import json

    size = int.from_bytes(_exactly(sock, 4), "big")
    if size > MAX_MESSAGE:
        raise ProtocolError(f"message of {size} bytes")
    try:
        message = json.loads(_exactly(sock, size).decode("utf-8", "surrogatepass"))
    except ValueError as exc:
        raise ProtocolError(f"not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise ProtocolError("not a JSON object")
    return message


def _exactly(sock: socket.socket, size: int) -> bytes:
    chunks: list[bytes] = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise ConnectionError("connection closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def ask(path: Path, message: dict[str, Any], timeout: float) -> dict[str, Any] | None:
    """One message and its answer; None when no server answers in time."""
    try:
        with connect(path, timeout) as sock:
            send(sock, message)
            return receive(sock)
    except OSError:
        return None


def as_text(data: bytes) -> str:
    """Bytes as text that survives JSON and encodes back to the same bytes (as_bytes)."""
    return data.decode("utf-8", "surrogateescape")


def as_bytes(text: str) -> bytes:
    """The bytes that as_text() turned into this text."""
    return text.encode("utf-8", "surrogateescape")


def fingerprint() -> dict[str, str]:
    """What a server must share with its client: the code (a hash of the package's source,
    ~5 ms), the version, and the interpreter with its environment (a venv's python is a
    link to the base one: `python` and `python3` are the same, another venv is not)."""
    from . import __version__
    from .cache import code_fingerprint

    return {"code": code_fingerprint(), "version": __version__,
            "python": os.path.realpath(sys.executable), "prefix": os.path.realpath(sys.prefix)}


# --- handing over a check ---------------------------------------------------------------


def forward(argv: list[str], prog: str, reads_stdin: bool) -> int | None:
    """Hand a `check` to the running server: write its output here and return its exit
    code. None when there is no server, or it did not answer: then lint here, as if it had
    never been asked (stdin that was read is put back)."""
    if serving or os.environ.get(DISABLE_VARIABLE) or not hasattr(os, "getuid"):
        return None
    folder = server_dir()
    path = folder / SOCKET_NAME
    try:
        info = os.lstat(path)
        if not stat.S_ISSOCK(info.st_mode) or info.st_uid != os.getuid() or unsafe(folder):
            return None
    except OSError:
        return None
    data = None
    if reads_stdin:
        data = _read_stdin()
        if data is None:
            return None
    try:
        reply = _exchange(path, _request(argv, prog, data))
    except Exception:  # whatever went wrong, the check itself can still be done here
        reply = None
    if reply is None:
        if data is not None:
            sys.stdin = io.TextIOWrapper(io.BufferedReader(_Replay(data)))
        return None
    _write(sys.stdout, reply["stdout"])
    _write(sys.stderr, reply["stderr"])
    return int(reply["exit"])


def _request(argv: list[str], prog: str, stdin: bytes | None) -> dict[str, Any]:
    import shutil

    umask = os.umask(0o077)
    os.umask(umask)
    return {
        "op": "check", "fingerprint": fingerprint(), "argv": argv, "prog": prog,
        "cwd": os.getcwd(), "env": dict(os.environ), "umask": umask,
        "stdin": None if stdin is None else as_text(stdin),
        "isatty": {"stdout": _isatty(sys.stdout), "stderr": _isatty(sys.stderr)},
        "columns": shutil.get_terminal_size().columns,
        "encoding": {"stdout": _encoding(sys.stdout), "stderr": _encoding(sys.stderr)},
    }


def _exchange(path: Path, request: dict[str, Any]) -> dict[str, Any] | None:
    """The server's answer to a check, or None when it did not take it."""
    with connect(path, ACCEPT_TIMEOUT) as sock:
        send(sock, request)
        if receive(sock).get("status") != "accepted":
            return None
        sock.settimeout(None)  # it is linting for us now, as long as that takes
        reply = receive(sock)
    ok = (isinstance(reply.get("stdout"), str) and isinstance(reply.get("stderr"), str)
          and isinstance(reply.get("exit"), int))
    return reply if ok else None


def _read_stdin() -> bytes | None:
    """All of stdin, or None (put back) when there is none or too much to send."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return None
    data = stream.read(MAX_STDIN + 1)
    if len(data) > MAX_STDIN:
        sys.stdin = io.TextIOWrapper(io.BufferedReader(_Replay(data, stream)))
        return None
    return data


class _Replay(io.RawIOBase):
    """Stdin again: the bytes already read, then whatever the real stdin still holds."""

    def __init__(self, data: bytes, rest: BinaryIO | None = None) -> None:
        super().__init__()
        self._data, self._rest = memoryview(data), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._data:
            size = min(len(buffer), len(self._data))
            buffer[:size] = self._data[:size]
            self._data = self._data[size:]
            return size
        if self._rest is None:
            return 0
        chunk = self._rest.read1(len(buffer)) if hasattr(self._rest, "read1") else \
            self._rest.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:
        return False


def _encoding(stream: Any) -> list[str]:
    return [getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None)
            or "strict"]


def _write(stream: Any, text: str) -> None:
    """Write what the server captured, byte for byte."""
    if not text or stream is None:
        return
    data = as_bytes(text)
    stream.flush()
    binary = getattr(stream, "buffer", None)
    if binary is None:
        stream.write(data.decode(getattr(stream, "encoding", None) or "utf-8", "replace"))
    else:
        binary.write(data)
        binary.flush()
