"""The ``rusgraph`` command group: exit codes, errors, signals and the global options.

Owns: the one exit-code policy (0 ok, 1 problems found, 2 could not run, 130 on Ctrl-C,
128 + the signal on SIGTERM, 141 when stdout's reader has gone), turning a RusgraphError
into one "Error:" line, and the options every command shares through the context (--store,
--debug, --verbose, --raw-cells). Must not: load data or run library code itself.
"""

from __future__ import annotations

import logging
import sys
from functools import wraps
from typing import Any, Callable

import click

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


class CliError(click.ClickException):
    """A RusgraphError on its way out: 'Error: ...' on stderr, exit code 2."""

    exit_code = EXIT_ERROR


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import RusgraphError, SpreadsheetError

        try:
            return fn(*args, **kwargs)
        except SpreadsheetError as exc:  # every bad cell, in --lang; as data under --format json|csv
            if debug_mode():
                raise
            from ..sheets.problems import for_planner, render

            if not for_planner(exc):
                raise CliError(str(exc)) from None
            lang = kwargs.get("lang") or "nb"
            if kwargs.get("fmt") in ("json", "csv"):
                click.echo(render(exc, kwargs["fmt"], lang), nl=False)
            click.echo(render(exc, "text", lang), err=True, nl=False)
            sys.exit(EXIT_ERROR)
        except RusgraphError as exc:
            if debug_mode():
                raise
            raise CliError(str(exc)) from None
        except BrokenPipeError:
            raise  # the reader of stdout has gone: RusgraphGroup ends quietly
        except (ValueError, OSError) as exc:
            if debug_mode():
                raise
            raise CliError(f"{type(exc).__name__}: {exc}") from None

    return wrapper


class _Stopped(BaseException):
    """SIGTERM (or SIGHUP) arrived: unwinds like Ctrl-C so that temporary files are removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class _PipeClosed(Exception):
    """stdout's reader has gone (``rusgraph ... | head``)."""


class RusgraphGroup(click.Group):
    """The top-level group, with one exit-code policy for whatever ends a command.

    0 ok, 1 problems found (a command's own ``sys.exit(1)``), 2 could not run: usage errors,
    RusgraphErrors and any unexpected exception (a crash is "could not run", never "found
    problems"; --debug adds the traceback). Ctrl-C exits 130 and SIGTERM 143 (128 + the
    signal) after the temporary files of an unfinished output are removed. When stdout's
    reader goes away the command ends quietly with 141 (128 + SIGPIPE), as `cat` does.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise _PipeClosed() from exc

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        import signal
        import threading

        argv = list(sys.argv[1:] if args is None else args)
        handlers: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            def stop(signum: int, _frame: Any) -> None:
                raise _Stopped(signum)

            for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
                if sig is not None and signal.getsignal(sig) in (signal.SIG_DFL, None):
                    handlers[sig] = signal.signal(sig, stop)
        try:
            rv = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) and not isinstance(rv, bool) else EXIT_OK
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_ERROR)
            if not isinstance(exc.code, (int, type(None))):
                click.echo(str(exc.code), err=True)
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code if exc.exit_code else EXIT_ERROR
        except (click.Abort, KeyboardInterrupt):
            click.echo("Aborted.", err=True)
            code = 130
        except _Stopped as exc:
            click.echo("Stopped.", err=True)
            code = 128 + exc.signum
        except _PipeClosed:
            _silence_stdout()
            code = 141
        except Exception as exc:  # a crash: "could not run", never "found problems"
            if "--debug" in argv:
                import traceback

                traceback.print_exc()
            else:
                click.echo(f"Error: internal error: {type(exc).__name__}: {exc}. Run again with --debug for "
                           "the traceback, and report it", err=True)
            code = EXIT_ERROR
        finally:
            for sig, before in handlers.items():
                signal.signal(sig, before)
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
            code = code or 141
        except (OSError, ValueError):
            pass
        sys.exit(code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's flush at exit does not complain."""
    import os

    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def debug_mode() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("debug"))


# ------------------------------------------------------------------------------- group


@click.group(cls=RusgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rusgraph", prog_name="rusgraph")
@click.option("-v", "--verbose", count=True, help="More progress on stderr (-vv for debug logging).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False), envvar="RUSGRAPH_STORE", show_envvar=True,
              help="Keep the loaded graph in an on-disk Oxigraph store in this directory: the next command on "
                   "unchanged files answers without parsing them again (changed files are loaded again).")
@click.option("--raw-cells", is_flag=True, envvar="RUSGRAPH_RAW_CELLS", show_envvar=True,
              help="Write CSV and TSV cells exactly as they are, for programs. By default a cell beginning "
                   "with = + - @ tab or CR gets a leading ' so that a spreadsheet shows it as text and does "
                   "not run it as a formula (OWASP: CSV injection); numbers are left alone.")
@click.pass_context
def main(ctx: click.Context, verbose: int, debug: bool, store_dir: str | None, raw_cells: bool) -> None:
    """Oslo's drug-policy plans as one linked, checkable knowledge graph.

    With no DATA arguments every command works on the bundled ontology, shapes and data
    (five district plans and the levels above them). DATA paths (RDF or plan spreadsheets) replace
    the bundled plans (--with-bundled keeps them); the bundled ontology stays unless --no-ontology.

    \b
    Examples:
      rusgraph validate
      rusgraph report coverage --lang en
      rusgraph query -e 'SELECT (COUNT(*) AS ?n) WHERE { ?m a rus:Measure }'
    """
    ctx.obj = {"debug": debug, "verbose": verbose, "store": store_dir}
    if raw_cells:
        from ..outputs.cells import raw_cells as keep_cells

        ctx.with_resource(keep_cells())
    level = logging.WARNING if verbose == 0 and not debug else (logging.INFO if verbose == 1 else logging.DEBUG)
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
