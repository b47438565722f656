"""The command line: `python -m site_builder build | validate | serve | render`.

`main` is the one boundary around every command: invalid data exits with 1 after
printing every problem; a bad argument value (`BadArgument`) prints the command's usage
and `argument NAME: why` as argparse does, another environment fault one line, both
exiting with 2; a fault of the builder prints a short report and exits with 3, its
traceback only under `--debug`; SIGTERM, SIGINT and SIGHUP stop a command cleanly, with
128 + the signal's number. All that is printed goes through `printable` (line by line).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path

from site_builder import __version__
from site_builder.app import build as pipeline
from site_builder.app import scaffold
from site_builder.app.address import check_free, dev_address
from site_builder.app.config import BuildOptions, Project, default_jobs, site_url_of
from site_builder.app.language import ENGINES
from site_builder.app.preview import Preview
from site_builder.app.repository import add_init_command, init_repository
from site_builder.app.scaffold import add_new_command
from site_builder.engine.marks import theme_string_counts
from site_builder.engine.serve import serve_folder
from site_builder.errors import (
    STOPPED,
    BadArgument,
    EnvironmentFault,
    InternalError,
    InvalidData,
    SiteBuilderError,
    Stopped,
    describe_os_error,
    printable,
    printable_lines,
    stop_if_asked,
)
from site_builder.load.quality import today
from site_builder.report import CommandParser, report
from site_builder.views.translation import translation_status

EXIT_OK, EXIT_INVALID, EXIT_ENVIRONMENT, EXIT_INTERNAL = 0, 1, 2, 3
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (see the module's docstring)."""
    parser = _parser()
    args = parser.parse_args(argv)
    with _signals_stop():
        try:
            status = int(args.handler(args))
            stop_if_asked()  # a stop that Python dropped still ends as a stop
            return status
        except InvalidData as exc:
            report(exc.problems, getattr(args, "format", "text"))
            return EXIT_INVALID
        except BadArgument as exc:  # as argparse says a bad value: usage, then why
            (command := getattr(args, "command_parser", parser)).print_usage(sys.stderr)
            print(f"{command.prog}: error: {printable(str(exc))}", file=sys.stderr)
            return EXIT_ENVIRONMENT
        except EnvironmentFault as exc:
            _error(str(exc))
            return EXIT_ENVIRONMENT
        except SiteBuilderError as exc:  # the engine's report may run over several lines
            print(f"error: {printable_lines(str(exc))}", file=sys.stderr)
            return EXIT_INVALID
        except Stopped as exc:
            name = signal.Signals(exc.signum).name
            print(f"stopped by {name}", file=sys.stderr)
            return 128 + exc.signum
        except KeyboardInterrupt:
            return 128 + signal.SIGINT
        except BrokenPipeError:  # output piped into `head` and the like
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
        except OSError as exc:
            _error(describe_os_error(exc))
            return EXIT_ENVIRONMENT
        except Exception as exc:  # noqa: BLE001 - the boundary: no traceback unless --debug
            _internal_error(exc, args.debug)
            return EXIT_INTERNAL


def _error(message: str) -> None:
    print(f"error: {printable(message)}", file=sys.stderr)


def _internal_error(exc: Exception, debug: bool) -> None:
    print(
        f"internal error: {printable(type(exc).__name__)}: {printable(str(exc))}\n"
        f"This is a bug in site_builder {__version__} (Python {platform.python_version()}, "
        f"{platform.system()}). Please report it to its maintainers with the command you ran"
        + (" and the details below." if debug else "; run it again with --debug for details."),
        file=sys.stderr,
    )
    if debug:
        details = exc.details if isinstance(exc, InternalError) else traceback.format_exc()
        print("\n".join(printable(line) for line in details.splitlines()), file=sys.stderr)


@contextlib.contextmanager
def _signals_stop() -> Iterator[None]:
    """While a command runs, SIGTERM, SIGINT and SIGHUP raise Stopped, so that every
    `finally` and `with` on the way out runs (workers stopped, lock released, work folders
    removed). Further signals are ignored while that cleanup runs; signals ignored when
    the command starts stay ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        for other in wanted:
            signal.signal(other, signal.SIG_IGN)
        STOPPED.append(signum)  # should Python drop what is raised here (see Stopped)
        raise Stopped(signum)

    # A signal ignored from the start stays ignored: `nohup` ignores SIGHUP, a shell
    # ignores SIGINT for commands started in the background.
    wanted = [s for s in STOP_SIGNALS if signal.getsignal(s) is not signal.SIG_IGN]
    STOPPED.clear()  # none yet for this command
    saved = {signum: signal.signal(signum, stop) for signum in wanted}
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def _parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="diaspora-roadmaps",
        description="Build a multilingual website from YAML diaspora engagement roadmaps.",
    )
    debug = "show the traceback of an internal error (to report it)"
    parser.add_argument("--debug", action="store_true", help=debug)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="validate the roadmaps and build the site")
    _add_inputs(build)
    where = "where to publish the site (default: site/)"
    build.add_argument("--site-dir", type=Path, default=Path("site"), help=where)
    build.add_argument(
        "--language",
        action="append",
        default=[],
        metavar="LANG",
        help="build only this language (repeatable)",
    )
    _add_site_url(build)
    build.add_argument(
        "--jobs",
        type=_count,
        default=0,
        metavar="N",
        help="processes building languages or search indexes at once "
        "(default, 0: one more than the cores)",
    )
    build.add_argument(
        "--memory",
        type=_count,
        default=0,
        metavar="MB",
        help="the memory the build may hold at once, by estimate (default, 0: 600 MB); "
        "more builds a large site faster",
    )
    build.add_argument("--engine", choices=list(ENGINES), default="mkdocs")
    cache_help = "the build cache, unchanged pages are copied from it (default: .site-cache)"
    build.add_argument("--cache-dir", type=Path, metavar="DIR", help=cache_help)
    build.add_argument("--no-cache", action="store_true", help="neither read nor write it")
    build.add_argument("--quiet", action="store_true", help="print only problems")
    build.set_defaults(handler=_build)

    check = commands.add_parser("validate", help="check the roadmaps, build nothing")
    _add_inputs(check)
    check.add_argument(
        "--format",
        choices=["text", "json", "github"],
        default="text",
        help="how to print problems (default: text)",
    )
    check.set_defaults(handler=_validate)

    serve = commands.add_parser("serve", help="preview the site, rebuilding on changes")
    _add_inputs(serve)
    serve.add_argument(
        "--dev-addr",
        default="127.0.0.1:8000",
        metavar="HOST:PORT",
        help="address to serve on (default: 127.0.0.1:8000)",
    )
    serve.set_defaults(handler=_serve)

    new, country, authority = add_new_command(commands, _new)

    add_init_command(commands, _init)

    status = commands.add_parser(
        "i18n-status", help="show, per language, what is translated and what is missing"
    )
    _add_inputs(status)
    status.set_defaults(handler=_i18n_status)

    render = commands.add_parser(
        "render", help="write each language's plain MkDocs project, without building it"
    )
    _add_inputs(render)
    render.add_argument("--out", type=Path, required=True, help="folder to write into")
    _add_site_url(render)
    render.set_defaults(handler=_render)
    for sub in (*commands.choices.values(), country, authority):
        if sub is not new:  # also after the command: `build --debug`
            sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
        sub.set_defaults(command_parser=sub)  # whose usage a BadArgument prints
    return parser


def _add_site_url(parser: argparse.ArgumentParser) -> None:
    help_ = "where the site will be published, such as https://example.org/ (for canonical "
    parser.add_argument("--site-url", type=_url, metavar="URL", help=help_ + "links, feeds)")


def _url(value: str) -> str | None:
    """A --site-url as the build uses it; a usage error (exit 2) unless http(s)."""
    try:
        return site_url_of(value)
    except BadArgument as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _count(value: str) -> int:
    """A whole number, 0 or more; a usage error (exit 2) otherwise."""
    if not value.isascii() or not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more: {value!r}")
    return int(value)


def _add_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--roadmaps",
        type=Path,
        default=Path("roadmaps"),
        help="the roadmaps folder (default: roadmaps/)",
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def _project(args: argparse.Namespace) -> Project:
    return Project(roadmaps=args.roadmaps)


def _validate(args: argparse.Namespace) -> int:
    result = pipeline.validate(_project(args), strict=args.strict)
    report(result.problems, args.format)
    if result.dataset is None:
        return EXIT_INVALID
    if args.format == "text":
        count = len(result.dataset.roadmaps)
        print(f"{count} roadmap(s) valid in {printable(str(args.roadmaps))}", file=sys.stderr)
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    quiet = args.quiet or not sys.stderr.isatty()
    options = BuildOptions(
        project=_project(args),
        site_dir=args.site_dir,
        strict=args.strict,
        languages=tuple(args.language),
        site_url=site_url_of(args.site_url),
        jobs=args.jobs if args.jobs > 0 else default_jobs(),
        memory=args.memory or None,
        engine=args.engine,
        cache=not args.no_cache,
        cache_dir=args.cache_dir,
    )
    result = pipeline.build(options, progress=None if quiet else _progress)
    report(result.warnings)
    if not args.quiet:
        total = sum(result.pages.values())
        print(
            f"built {total} pages in {len(result.languages)} language(s) "
            f"into {printable(str(args.site_dir))}",
            file=sys.stderr,
        )
    return EXIT_OK


def _progress(line: str) -> None:
    print(printable(line), file=sys.stderr, flush=True)


def _init(args: argparse.Namespace) -> int:
    languages = args.language or ["en"]
    for path in init_repository(args.directory, languages, args.country, args.role, today().year):
        print(f"wrote {printable(str(path))}", file=sys.stderr)
    print("next: fill in the TODO lines, then `diaspora-roadmaps validate`", file=sys.stderr)
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    project = Project(roadmaps=args.roadmaps)
    dataset = None
    if args.roadmaps.is_dir():  # a new project has no roadmaps folder yet
        dataset = pipeline.validate(project).dataset
    language = str(dataset.default_language) if dataset else "en"
    year, schema = today().year, project.schema
    if args.what == "country":
        path = scaffold.new_country(args.roadmaps, args.code, args.role, language, year, schema)
    else:
        authorities = tuple(r for r in (dataset.roadmaps if dataset else {}) if "/" in r)
        path = scaffold.new_authority(
            args.roadmaps, args.code, args.slug, args.kind, language, year, authorities, schema
        )
    scaffold.write_schema(project.schema, create=True)  # once the arguments are good
    print(f"wrote {printable(str(path))}: {scaffold.next_step(path)}", file=sys.stderr)
    return EXIT_OK


def _i18n_status(args: argparse.Namespace) -> int:
    dataset, warnings = pipeline.load_or_fail(_project(args), strict=args.strict)
    report(warnings)
    project = _project(args)
    statuses = translation_status(dataset, project.docs_layers, theme_string_counts)
    print(f"{'language':<10} {'interface':>10} {'data':>16}")
    for status in statuses:
        print(
            f"{status.language:<10} {status.interface_share:>10.0%} "
            f"{status.data_share:>7.0%} ({status.data_translated}/{status.data_total})"
        )
    for status in statuses:
        if status.missing:
            print(f"\nmissing in {status.language} ({len(status.missing)}):")
            for missing in status.missing:
                print(printable(f"{missing.path}:{missing.line}: {missing.field}"))
        if status.missing_documents:
            pages = ", ".join(
                f"{project.docs}/{status.language}/{name}" for name in status.missing_documents
            )
            print(f"\npages missing in {status.language}: {printable(pages)}")
    return EXIT_OK


def _render(args: argparse.Namespace) -> int:
    dataset, warnings = pipeline.load_or_fail(_project(args), strict=args.strict)
    report(warnings)
    context = pipeline.prepare(_project(args), dataset)
    configs = pipeline.render_projects(
        context, _project(args), args.out, site_url=site_url_of(args.site_url)
    )
    for language, config in configs.items():
        print(f"{language}: {printable(str(config))}", file=sys.stderr)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    host, port = dev_address(args.dev_addr)
    check_free(host, port)
    project = _project(args)
    pipeline.require_roadmaps(project)
    root = Path(tempfile.mkdtemp(prefix="site-builder-serve-"))
    preview = Preview(
        project, root / "site", root / "projects", strict=args.strict, on_problems=report
    )
    try:
        preview.rebuild_and_report()
        address = f"http://{printable(host)}:{port}/"
        serve_folder(
            root / "site",
            preview.rebuild_and_report,
            project.watched,
            host,
            port,
            banner=preview.banner,
            # Once the server accepts connections, not before.
            ready=lambda: print(
                f"serving on {address} (Ctrl+C to stop)", file=sys.stderr, flush=True
            ),
        )
    except Stopped:  # Ctrl+C or a signal: the normal way to end a preview
        STOPPED.clear()
    finally:
        preview.search.stop()  # the search indexer writes into `root`
        shutil.rmtree(root, ignore_errors=True)
    return EXIT_OK
