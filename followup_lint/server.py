"""The warm server: one background process per user that keeps the model and the code
loaded, so that `check` (client.py) costs a fraction of a second instead of spaCy's start-up.
Opt-in, like Vale Server, dmypy or eslint_d: `followup-lint server start`.

It listens on a Unix domain socket in a private folder (client.private_dir: mode 0700,
ours, not a link) and answers one request at a time. A check runs the real command line
(cli.main) as the client would have: in its working directory, with its environment, stdin,
umask and terminal (isatty, columns), and its output captured as bytes. Only a client with
the same code, version and interpreter is served; any other gets "stale" and the server
exits, so edited code is never linted by the old one; so does a check that finds spaCy,
thinc or the default model changed on disk since they were loaded (libraries_stamp). It
exits after --idle-timeout without a request, when asked to stop, and on SIGTERM, SIGINT or
SIGHUP, removing its socket.
A lock (flock) held while it lives makes it the only one in its folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from . import client
from .client import LOCK_NAME, LOG_NAME, PID_NAME, SOCKET_NAME, ask, receive, send
from .model import InputError

START_TIMEOUT = 30.0  # seconds for a new server to load the model and answer
STOP_TIMEOUT = 10.0
ANSWER_TIMEOUT = 5.0  # for status and stop: a busy server answers after its current check
READ_TIMEOUT = 10.0  # for a client to send its request
REPLY_TIMEOUT = 60.0  # for a client to take the output
WARM_UP = ("---\ncontext: sales\nprior:\n  - the pilot pricing\n---\nHi Dana,\n\nJust checking "
           "in on the pilot pricing for Acme from Tuesday's call. Could we talk on Friday?\n\n"
           "Best,\nSam\n")


class _Stop(BaseException):  # noqa: N818 - not an error: a signal asking the server to end
    """Raised by the signal handlers; not an Exception, so no handler on the way swallows it."""


# --- the commands -----------------------------------------------------------------------


START_LOCK_NAME = "start.lock"


@contextlib.contextmanager
def _starting(folder: Path) -> Iterator[None]:
    """One `server start` at a time in a folder: a second one waits for the first, then finds
    its server running (no second server, no exit 2, no log written by two)."""
    fd = os.open(folder / START_LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0),
                 0o600)
    try:
        deadline = time.monotonic() + START_TIMEOUT + STOP_TIMEOUT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise InputError(f"another `followup-lint server start` in {folder} has "
                                     "not finished; try again") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


def start(idle_timeout: float) -> str:
    """`server start`: launch a detached server and wait until it answers; the line to print.
    A server of the same code that already runs is kept; one of other code is replaced."""
    folder = _made_folder()
    with _starting(folder):
        return _start(folder, idle_timeout)


def _start(folder: Path, idle_timeout: float) -> str:
    path = folder / SOCKET_NAME
    answer = _answer_when_up(folder)
    if answer is not None:
        if answer.get("fingerprint") == client.fingerprint():
            return f"followup-lint server already running, pid {answer['pid']}, socket {path}"
        stop()
    log = folder / LOG_NAME
    package_root = str(Path(__file__).resolve().parent.parent)  # the same code, from anywhere
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [package_root, *filter(None, [os.environ.get("PYTHONPATH")])])}
    with open(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0),
                      0o600), "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "followup_lint", "server", "run", "--idle-timeout",
             repr(idle_timeout)], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            cwd=folder, env=env, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        answer = ask(path, {"op": "status"}, 1.0)
        if answer is not None and answer.get("pid") == process.pid:
            return f"followup-lint server running, pid {process.pid}, socket {path}"
        if process.poll() is not None:
            if answer is not None and answer.get("fingerprint") == client.fingerprint():
                # one started by other means (`server run`) took the folder first: it serves
                return (f"followup-lint server already running, pid {answer.get('pid')}, "
                        f"socket {path}")
            raise InputError(f"the server did not start: {_last_line(log)}")
        if time.monotonic() > deadline:
            process.terminate()
            raise InputError(f"the server did not answer within {START_TIMEOUT:g} s; see {log}")
        time.sleep(0.05)


def stop() -> str:
    """`server stop`: ask the server to exit and wait until it has; the line to print."""
    folder = _folder()
    if folder is None:
        return "no followup-lint server running"
    answer = ask(folder / SOCKET_NAME, {"op": "stop"}, ANSWER_TIMEOUT)
    pid = answer.get("pid") if answer is not None else None
    if answer is None and _locked(folder):  # alive but not answering: busy, or stuck
        pid = _pid(folder)
        if pid is None:
            raise InputError(f"a server holds {folder} but does not answer, and left no pid")
        with contextlib.suppress(ProcessLookupError):  # it has just ended by itself
            os.kill(pid, signal.SIGTERM)
    if pid is None:
        stale = _clean(folder)
        return "no followup-lint server running" + (" (removed a stale socket)" if stale else "")
    deadline = time.monotonic() + STOP_TIMEOUT
    while _locked(folder):
        if time.monotonic() > deadline:
            raise InputError(f"the server (pid {pid}) did not stop within {STOP_TIMEOUT:g} s")
        time.sleep(0.05)
    _clean(folder)
    return f"followup-lint server stopped, pid {pid}"


def status() -> tuple[bool, str]:
    """`server status`: whether one runs, and the line to print."""
    folder = _folder()
    if folder is None:
        return False, "no followup-lint server running"
    path = folder / SOCKET_NAME
    answer = ask(path, {"op": "status"}, ANSWER_TIMEOUT)
    if answer is None:
        if _locked(folder):
            return True, (f"followup-lint server running, pid {_pid(folder)}, socket {path}, "
                          "not answering (loading the model, or busy)")
        return False, "no followup-lint server running"
    served = answer.get("requests", 0)
    line = (f"followup-lint server running, pid {answer.get('pid')}, socket {path}, "
            f"{served} request{'' if served == 1 else 's'} served, "
            f"idle timeout {answer.get('idle_timeout'):g} s")
    if answer.get("fingerprint") != client.fingerprint():
        line += "; it runs other code, so check does not use it (server start replaces it)"
    return True, line


def run(idle_timeout: float) -> None:
    """`server run`: serve in the foreground until idle, stopped or signalled."""
    mark = client.fingerprint()  # first: the code about to be loaded
    folder = _made_folder()
    lock = _lock(folder)
    client.serving = True
    log = sys.stderr
    server = None
    try:
        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(number, _on_signal)
        _note(log, "loading the model")
        _preload()
        server = Server(folder, idle_timeout, mark, log)
        server.libraries = libraries_stamp()
        server.serve()
    except _Stop as why:
        _note(log, f"stopped by {why}")
    finally:
        if server is not None:
            server.close()
        (folder / PID_NAME).unlink(missing_ok=True)
        os.close(lock)


# --- the server -------------------------------------------------------------------------


class Server:
    """A socket that runs the clients' checks, one at a time."""

    def __init__(self, folder: Path, idle_timeout: float, mark: dict[str, str],
                 log: TextIO) -> None:
        self.path = folder / SOCKET_NAME
        self.idle_timeout, self.fingerprint, self.log = idle_timeout, mark, log
        self.requests = 0
        self.libraries: tuple[Any, ...] = ()
        self.ending: str | None = None
        self.path.unlink(missing_ok=True)  # left by a server that died: we hold the lock
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        umask = os.umask(0o177)  # the socket itself: 0600, whatever the caller's umask
        try:
            self.listener.bind(os.fsencode(self.path))
        finally:
            os.umask(umask)
        self.inode = os.stat(self.path).st_ino
        self.listener.listen(16)
        with open(os.open(folder / PID_NAME, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                  "w", encoding="ascii") as pidfile:
            pidfile.write(f"{os.getpid()}\n")
        _note(log, f"followup-lint server running, pid {os.getpid()}, socket {self.path}")

    def serve(self) -> None:
        """Answer requests until stopped, told of other code, or idle for idle_timeout."""
        last = time.monotonic()
        while self.ending is None:
            wait = self.idle_timeout - (time.monotonic() - last) if self.idle_timeout else None
            if wait is not None and wait <= 0:
                self.ending = f"no request for {self.idle_timeout:g} s"
                break
            if not select.select([self.listener], [], [], wait)[0]:
                continue
            connection, _ = self.listener.accept()
            with connection:
                try:
                    self._answer(connection)
                except OSError as exc:  # the client went away; the next one is served
                    _note(self.log, f"client gone: {exc}")
                except Exception:  # a bug here, not in the check: log it, keep serving
                    _note(self.log, traceback.format_exc().rstrip())
            last = time.monotonic()
        _note(self.log, f"stopping: {self.ending}; {self.requests} requests served")

    def close(self) -> None:
        """Close the socket and remove it (unless another server has put its own there)."""
        self.listener.close()
        with contextlib.suppress(OSError):
            if os.stat(self.path).st_ino == self.inode:
                self.path.unlink()

    def status(self) -> dict[str, Any]:
        """What `server status` reports."""
        return {"status": "running", "pid": os.getpid(), "requests": self.requests,
                "fingerprint": self.fingerprint, "idle_timeout": self.idle_timeout}

    def _answer(self, connection: socket.socket) -> None:
        connection.settimeout(READ_TIMEOUT)
        if not _same_user(connection):
            return
        request = receive(connection)
        op = request.get("op")
        if op == "status":
            send(connection, self.status())
        elif op == "stop":
            self.ending = "asked to stop"
            send(connection, {"status": "stopping", "pid": os.getpid()})
        elif op != "check":
            send(connection, {"status": "declined", "reason": f"unknown op {op!r}"})
        elif request.get("fingerprint") != self.fingerprint:
            self.ending = "a client runs other code"
            send(connection, {"status": "stale"})
        elif libraries_stamp() != self.libraries:
            self.ending = "spaCy or the model changed on disk since they were loaded"
            send(connection, {"status": "stale"})
        else:
            self._check(connection, request)

    def _check(self, connection: socket.socket, request: dict[str, Any]) -> None:
        started = time.monotonic()
        with _restored():
            try:
                job = _Job(request)
                os.chdir(job.cwd)
            except (KeyError, TypeError, ValueError, LookupError, OSError) as exc:
                send(connection, {"status": "declined", "reason": str(exc)})
                return
            send(connection, {"status": "accepted"})
            self.requests += 1
            _note(self.log, f"check {self.requests}: {' '.join(job.argv[1:])}")
            reply = job.run()
        connection.settimeout(REPLY_TIMEOUT)
        send(connection, reply)
        _note(self.log, f"check {self.requests}: exit {reply['exit']}, "
                        f"{time.monotonic() - started:.2f} s")


class _Job:
    """One client's check: its arguments and its process's state, validated."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.argv = [str(a) for a in request["argv"]]
        self.prog, self.cwd = str(request["prog"]), str(request["cwd"])
        self.env = {str(k): str(v) for k, v in request["env"].items()}
        self.umask = int(request["umask"]) & 0o777
        stdin = request.get("stdin")
        self.stdin = b"" if stdin is None else client.as_bytes(str(stdin))
        tty, encoding = request["isatty"], request["encoding"]
        self.streams = {name: (bool(tty[name]), *_codec(encoding[name]))
                        for name in ("stdout", "stderr")}
        self.columns = int(request["columns"])

    def run(self) -> dict[str, Any]:
        """Run the command line as the client would have; its output and exit code.

        click runs in standalone mode, exactly as `followup-lint` does: usage errors, Abort
        and the exit code come out of click itself, and end in SystemExit.
        """
        from .cli import main

        os.environ.clear()
        os.environ.update(self.env)
        os.environ.setdefault("COLUMNS", str(self.columns))  # as get_terminal_size saw it
        time.tzset()  # "today" is the client's
        os.umask(self.umask)  # files it writes (--output) get the client's permissions
        sys.argv = [self.prog, *self.argv]
        sys.stdin = io.TextIOWrapper(io.BytesIO(self.stdin))
        out, err = (_Capture(*self.streams[name]) for name in ("stdout", "stderr"))
        sys.stdout, sys.stderr = out, err
        try:
            main.main(self.argv, prog_name=self.prog, standalone_mode=True)
            code = 0
        except SystemExit as exc:
            code = _exit_status(exc.code, err)
        except Exception:  # uncaught in the command: what Python prints, and exit 1
            traceback.print_exc(file=err)
            code = 1
        return {"stdout": client.as_text(out.value()), "stderr": client.as_text(err.value()),
                "exit": code}


class _Capture(io.TextIOWrapper):
    """A standard stream of the client's: collects the bytes it would have received, and is
    a terminal when the client's is (colour, click's stripping of ANSI codes)."""

    def __init__(self, tty: bool, encoding: str, errors: str) -> None:
        super().__init__(io.BytesIO(), encoding=encoding, errors=errors, write_through=True)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty

    def value(self) -> bytes:
        self.flush()
        buffer = self.buffer
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue()


def _codec(pair: Any) -> tuple[str, str]:
    import codecs

    encoding, errors = str(pair[0]), str(pair[1])
    codecs.lookup(encoding)  # LookupError: declined
    codecs.lookup_error(errors)
    return encoding, errors


def _exit_status(code: object, err: TextIO) -> int:
    """The exit status of SystemExit(code), as the interpreter would make it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=err)
    return 1


@contextlib.contextmanager
def _restored() -> Iterator[None]:
    """Whatever a check changes in this process is put back afterwards."""
    cwd, env, umask = os.getcwd(), dict(os.environ), os.umask(0o077)
    os.umask(umask)
    streams, argv = (sys.stdin, sys.stdout, sys.stderr), sys.argv
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
        sys.argv = argv
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        time.tzset()
        os.umask(umask)


STAMPED = ("spacy", "thinc")  # and the default model


def libraries_stamp(names: tuple[str, ...] | None = None) -> tuple[Any, ...]:
    """What changes when spaCy, thinc or the default model is upgraded or reinstalled: the
    location, size, modification time and inode of each one's package __init__ and meta.json.
    Some os.stat calls, no import; the server compares it before every check, so that it never
    serves with a library other than the one installed now."""
    import importlib.util

    from . import nlp

    if names is None:
        try:
            names = (*STAMPED, nlp.resolve_model(None))
        except InputError:
            names = STAMPED
    stamp: list[Any] = []
    for name in names:
        folders = [name] if os.path.isdir(name) else []
        if not folders:
            with contextlib.suppress(ImportError, ValueError):
                spec = importlib.util.find_spec(name)
                folders = list(spec.submodule_search_locations or []) if spec else []
        for folder in folders[:1]:
            for file in ("__init__.py", "meta.json"):
                try:
                    info = os.stat(os.path.join(folder, file))
                except OSError:
                    stamp.append((name, file, None))
                else:
                    stamp.append((name, file, os.path.realpath(folder), info.st_size,
                                  info.st_mtime_ns, info.st_ino))
        if not folders:
            stamp.append((name, None))
    return tuple(stamp)


def _preload() -> None:
    """Import every module, load the model once, and lint a draft: the first check is warm."""
    import importlib
    import pkgutil

    from . import nlp
    from .engine import Linter
    from .rulebook import load_rules

    package = sys.modules[__package__]
    for module in pkgutil.walk_packages(package.__path__, f"{__package__}."):
        if module.name != f"{__package__}.__main__":
            importlib.import_module(module.name)
    linter = Linter(load_rules())
    nlp.load(None, linter.exclude)
    linter.lint([("warm-up.md", WARM_UP)])


# --- small things -----------------------------------------------------------------------


def _folder() -> Path | None:
    return client.private_dir(create=False)


def _made_folder() -> Path:
    path = os.fsencode(client.server_dir() / SOCKET_NAME)
    if len(path) > client.MAX_SOCKET_PATH:
        raise InputError(f"{os.fsdecode(path)}: too long for a Unix socket ({len(path)} bytes, "
                         f"at most {client.MAX_SOCKET_PATH}); set {client.DIR_VARIABLE} to a "
                         "shorter folder")
    folder = client.private_dir(create=True)
    assert folder is not None, "private_dir(create=True) made none"
    return folder


def _answer_when_up(folder: Path) -> dict[str, Any] | None:
    """The status of the server in the folder, waiting for one that is still loading."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        answer = ask(folder / SOCKET_NAME, {"op": "status"}, ANSWER_TIMEOUT)
        if answer is not None or not _locked(folder):
            return answer
        if time.monotonic() > deadline:
            raise InputError(f"a server (pid {_pid(folder)}) holds {folder} but does not "
                             "answer; `followup-lint server stop` ends it")
        time.sleep(0.1)


def _lock(folder: Path) -> int:
    """Hold the folder's lock for as long as this process lives; InputError when taken."""
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise InputError(f"a server is already running in {folder} (pid {_pid(folder)})") from None
    return fd


def _locked(folder: Path) -> bool:
    """Whether a live server holds the folder's lock (the kernel drops it when one dies)."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _clean(folder: Path) -> bool:
    """Remove the socket and pid file of a server that is gone; whether there were any."""
    if _locked(folder):
        return False
    found = False
    for name in (SOCKET_NAME, PID_NAME):
        with contextlib.suppress(FileNotFoundError):
            (folder / name).unlink()
            found = True
    return found


def _pid(folder: Path) -> int | None:
    try:
        return int((folder / PID_NAME).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


def _same_user(connection: socket.socket) -> bool:
    """Whether the peer runs as this user (the folder already ensures it; Linux checks)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                        struct.calcsize("3i"))
    return struct.unpack("3i", credentials)[1] == os.getuid()


def _on_signal(number: int, frame: object) -> None:
    raise _Stop(signal.Signals(number).name)


def _note(log: TextIO, message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}", file=log, flush=True)


def _last_line(log: Path) -> str:
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        lines = []
    last = lines[-1] if lines else "it exited without a word"
    return last.removeprefix("followup-lint: error: ")
