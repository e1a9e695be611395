"""arshif: search an archive of Arabic news from the terminal.

A thin skin over :class:`index.api.Arshif`: it parses options, calls the
library and prints.  How text reaches the terminal (styles, wrapping, bidi,
pager, progress bars, CSV/TSV) is in :mod:`cli_display`.

Exit codes (like grep): 0 success; 1 no results (``search``, ``similar``,
``show`` of an unknown id) or some input failed (``ingest``); 2 usage error,
missing archive or any other error (one line on stderr; ``--debug`` shows the
traceback); 130 interrupted.
"""
from __future__ import annotations

import errno
import os
import sys
import time
import traceback
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli_display import (BOLD, DIM, ERROR, MATCH_STYLES, SUGGEST, IndexingBar, RowWriter, Screen, dumps,
                         env_flag, progress, terminal_width)

if TYPE_CHECKING:
    from index.api import Arshif

FORMATS = ("text", "json", "jsonl", "csv", "tsv")
# archive.readers.FORMATS, spelled out so that start-up does not import the archive
INPUT_FORMATS = ("text", "jsonl", "json", "csv", "tsv", "html", "warc")
RUN_FORMATS = ("jsonl", "csv", "tsv", "trec")
ARTICLE_COLUMNS = ["id", "title", "date", "source", "url", "category", "author", "dup_group",
                   "canonical_id", "body"]
HIT_COLUMNS = ["rank", "id", "score", "title", "date", "source", "url", "category", "snippet"]
EXIT_OK, EXIT_NONE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _api():
    """The library, imported when a command needs it (so --help, --version and shell
    completion do not wait for the search engines and analyzers to load)."""
    import index.api
    return index.api


def _modes():
    from index.ranking import MODES
    return MODES


def _sorts():
    from index.engines import SORTS
    return SORTS


def _engines():
    from index.engines import ENGINES
    return sorted(ENGINES)


class LibraryChoice(click.Choice):
    """A choice among the library's values, read when first needed."""

    def __init__(self, load):
        self._load = load
        super().__init__(())

    @property
    def choices(self):
        return tuple(self._load())

    @choices.setter
    def choices(self, value):
        pass


MODE_CHOICE = LibraryChoice(_modes)
SORT_CHOICE = LibraryChoice(_sorts)
ENGINE_CHOICE = LibraryChoice(_engines)


def _version() -> str:
    try:
        return version("arshif")
    except PackageNotFoundError:
        return "unknown"


class CliError(click.ClickException):
    """An error shown as one line on stderr, exit code 2."""

    exit_code = EXIT_USAGE

    def show(self, file=None) -> None:
        _error_line(self.format_message())


def _error_line(message: str) -> None:
    color = _stderr_color()
    prefix = click.style("error:", **ERROR) if color else "error:"
    click.echo(f"{prefix} {message}", err=True, color=color)


def _stderr_color() -> bool:
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


# -- settings shared by every command -----------------------------------------------
@dataclass
class Settings:
    """Options that every command accepts, before or after its name."""

    home_option: Path | None = None  # --home or $ARSHIF_HOME
    color: bool | None = None
    bidi: bool | None = None
    pager: bool | None = None
    debug: bool = False

    @property
    def home(self) -> Path:
        """The archive directory: --home, else $ARSHIF_HOME, else the default."""
        return self.home_option if self.home_option is not None else _api().default_home()

    home_dir = home  # the same, under its earlier name

    def use_color(self) -> bool:
        if self.color is not None:
            return self.color
        return not os.environ.get("NO_COLOR") and sys.stdout.isatty()

    def use_bidi(self) -> bool:
        """``--bidi`` always; ``ARSHIF_BIDI=1`` only on a terminal (pipes get logical order)."""
        if self.bidi is not None:
            return self.bidi
        return env_flag("ARSHIF_BIDI") and sys.stdout.isatty()

    def screen(self, data: bool = False) -> Screen:
        """Where a command's output goes; ``data=True`` for JSON/CSV (no styles, no bidi)."""
        return Screen(color=False if data else self.use_color(),
                      bidi=False if data else self.use_bidi(),
                      pager=self.pager is not False, width=None if data else terminal_width())

    def open(self, create: bool = False) -> "Arshif":
        """The library on this archive; a missing archive is a usage error unless ``create``."""
        api, home = _api(), self.home
        if not create and not api.archive_exists(home):
            raise CliError(f"no archive at {home}: run `arshif ingest PATH` first")
        try:
            return api.Arshif(home, create=create)
        except Exception as e:
            if not type(e).__module__.startswith(("whoosh", "tantivy")):
                raise
            # the index (derived from the archive, rebuildable) cannot be read or updated
            raise CliError(f"the index in {home / 'index'} cannot be used ({type(e).__name__}: {e}); "
                           f"if an older version built it, delete that directory and run "
                           f"`arshif reindex` (the archive itself is kept)") from e


Context = Settings  # the name this object had before


def _set(attr: str):
    def callback(ctx: click.Context, param, value):
        if value is not None:
            setattr(ctx.ensure_object(Settings), attr,
                    Path(value).expanduser() if attr == "home_option" else value)
    return callback


def _common(top: bool):
    """``--home --color/--no-color --bidi/--no-bidi --pager/--no-pager --debug``.

    On the group they read the environment; on each command they override the group's."""
    options = [
        click.option("--home", type=click.Path(file_okay=False), envvar="ARSHIF_HOME" if top else None,
                     expose_value=False, callback=_set("home_option"), is_eager=True,
                     help="Archive directory (default: $ARSHIF_HOME, else ~/.local/share/arshif)."),
        click.option("--color/--no-color", default=None, expose_value=False, callback=_set("color"),
                     help="Colour and highlight codes (default: on a terminal unless $NO_COLOR is set)."),
        click.option("--bidi/--no-bidi", default=None, expose_value=False, callback=_set("bidi"),
                     help="Reorder and join Arabic for terminals without bidi support "
                          "(default: $ARSHIF_BIDI=1 on a terminal)."),
        click.option("--pager/--no-pager", default=None, expose_value=False, callback=_set("pager"),
                     help="Page long output on a terminal (default: on; $PAGER, else less)."),
        click.option("--debug", is_flag=True, default=None, expose_value=False, callback=_set("debug"),
                     help="Show the traceback of unexpected errors."),
    ]

    def decorate(f):
        for opt in reversed(options):
            f = opt(f)
        return f
    return decorate


def _format_options(*choices: str, default: str = "text"):
    def decorate(f):
        f = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(f)
        f = click.option("--format", "-f", "fmt", type=click.Choice(choices), default=default,
                         show_default=True, help="Output format; json is the web API's schema.")(f)
        return f
    return decorate


# -- the group and its error handling -------------------------------------------------
class ArshifGroup(click.Group):
    """Turns every error into one line on stderr and a documented exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        if args is None:
            _utf8_streams()
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, False, **extra)
        debug = "--debug" in argv or env_flag("ARSHIF_DEBUG")
        try:
            rv = super().main(argv, prog_name, complete_var, False, **extra)
        except click.UsageError as e:
            where = e.ctx.command_path if e.ctx else "arshif"
            _error_line(f"{e.format_message()} (see `{where} --help`)")
            sys.exit(EXIT_USAGE)
        except click.ClickException as e:
            e.show()
            sys.exit(e.exit_code if isinstance(e, CliError) else EXIT_USAGE)
        except (click.Abort, KeyboardInterrupt, EOFError):
            click.echo("\ninterrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except OSError as e:
            if e.errno == errno.EPIPE:  # `arshif search … | head`: stop quietly
                _silence_stdout()
                sys.exit(EXIT_OK)
            if debug:
                traceback.print_exc()
            _error_line(f"{e.strerror or e}{': ' + str(e.filename) if e.filename else ''}")
            sys.exit(EXIT_USAGE)
        except Exception as e:  # noqa: BLE001 - the top level: never a traceback unless --debug
            if _is_library_error(e):
                _error_line(str(e))
                sys.exit(EXIT_USAGE)
            if debug:
                traceback.print_exc()
            else:
                _error_line(f"unexpected {type(e).__name__}: {e} (run with --debug for details)")
            sys.exit(EXIT_USAGE)
        sys.exit(rv if isinstance(rv, int) else EXIT_OK)


def _typed(text: str | None) -> str | None:
    """Text as typed (a query, not a path): under a non-UTF-8 locale (LANG=C without
    coercion) Python decodes the UTF-8 bytes of Arabic words as surrogate escapes."""
    if not text:
        return text
    try:
        return text.encode(sys.getfilesystemencoding(), "surrogateescape").decode("utf-8")
    except (UnicodeError, LookupError):
        return text


def _utf8_streams() -> None:
    """Write UTF-8 even when the locale says ASCII or Latin-1 (rather than fail on Arabic)."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if enc and not enc.startswith("utf") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8")
            except (ValueError, OSError):
                pass


def _is_library_error(e: Exception) -> bool:
    api = sys.modules.get("index.api")
    return api is not None and isinstance(e, api.ArshifError)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@click.group(cls=ArshifGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), "--version", prog_name="arshif")
@_common(top=True)
@click.pass_context
def main(ctx):
    """أرشيف — search an archive of Arabic news.

    \b
    Examples:
      arshif ingest articles/ export.jsonl.gz
      arshif search تهجير
      arshif search "مخيم اليرموك" --mode stem --limit 5
      arshif search داعش --format csv > hits.csv
      arshif show 3f2a9c1b7d0e4a55 --highlight تهجير
      arshif --bidi search القدس        # for terminals without bidi support

    \b
    Exit codes: 0 success; 1 no results (search, similar, show) or some input
    failed (ingest); 2 usage error, missing archive or other error; 130 interrupted.
    """
    ctx.ensure_object(Settings)


# -- shared rendering -----------------------------------------------------------------
def _marked(screen: Screen, fragment, base=None) -> list:
    """Snippet segments as spans: matches in their kind's style (or brackets without colour)."""
    spans = []
    for seg in fragment:
        for text, style in screen.match(seg.text, seg.kind):
            if base:
                style = {**base, **style} if style else base
            spans.append((text, style))
    return spans


def _meta(*parts) -> str:
    return " · ".join(str(p) for p in parts if p)


def _hit_row(rank: int, hit) -> dict:
    d = hit.to_dict()
    return {"rank": rank, **d, "snippet": d["snippet_text"]}


def _render_hits(screen: Screen, res, fmt: str) -> None:
    """Search or similar results in any format."""
    if fmt == "json":
        screen.lines.extend(dumps(res.to_dict(), indent=2).split("\n"))
        return
    if fmt == "jsonl":
        for rank, hit in enumerate(res.hits, res.offset + 1):
            screen.lines.append(dumps({"rank": rank, **hit.to_dict()}))
        return
    if fmt in ("csv", "tsv"):
        from cli_display import rows_text
        text = rows_text(fmt, HIT_COLUMNS, (_hit_row(r, h) for r, h in enumerate(res.hits, res.offset + 1)))
        screen.lines.extend(text.rstrip("\n").split("\n"))
        return
    last = res.offset + len(res.hits)
    pad = len(str(last)) + 2
    indent = " " * pad
    suggestion = res.did_you_mean
    if suggestion:
        screen.para([("did you mean: ", DIM), (suggestion, SUGGEST)])
        screen.line()
    for rank, hit in enumerate(res.hits, res.offset + 1):
        a = hit.article
        title = _marked(screen, hit.title.fragments[0], BOLD) if hit.title.fragments else [(a.title, BOLD)]
        screen.para([(f"{rank}.".ljust(pad), BOLD)] + title, "", indent)
        screen.para([(_meta(a.source, (a.date or "")[:10], a.category, a.id), DIM)], indent)
        for frag in hit.snippet.fragments:
            screen.para(_marked(screen, frag), indent)
        also = hit.also_in
        if also:
            screen.para([("also in: ", DIM)] + _join(
                [[(d.get("source") or "?", None),
                  (f" ({', '.join(x for x in ((d.get('date') or '')[:10], d.get('id')) if x)})", DIM)]
                 for d in also]), indent, indent + "  ")
        screen.line()
    facets = {name: counts for name, counts in (res.facets or {}).items() if counts}
    if facets:
        for name, counts in facets.items():
            if counts:
                screen.para([(f"{name}: ", BOLD)] + _join(
                    [[(str(value), None), (f" {n}", DIM)] for value, n in list(counts.items())[:12]]
                    + ([[("…", DIM)]] if len(counts) > 12 else [])), "", "  ")
        screen.line()
    _footer(screen, res)


def _join(items: list[list], sep=(" · ", None)) -> list:
    out = []
    for i, spans in enumerate(items):
        if i:
            out.append(sep)
        out.extend(spans)
    return out


def _footer(screen: Screen, res) -> None:
    if res.total and res.hits:
        shown = f"{res.offset + 1}–{res.offset + len(res.hits)} of {res.total} hits"
    elif res.total:
        shown = f"{res.total} hits, none from {res.offset + 1}"
    else:
        shown = "no hits"
    folded = res.collapsed
    if folded:
        shown += f" ({folded} duplicate{'s' if folded != 1 else ''} folded)"
    spans = [(f"{shown} · {res.took_ms:.0f} ms", DIM)]
    if screen.color and res.hits:
        spans += [("  ", None)] + sum(([(k, MATCH_STYLES[k]), (" ", None)] for k in MATCH_STYLES), [])
    screen.line(spans)


def _messages(res) -> None:
    for m in res.messages:
        click.echo(f"note: {m}", err=True)


def _article_dict(art) -> dict:
    return art.to_dict()


def _render_article(screen: Screen, art, marked=None, versions=None) -> None:
    title = _marked(screen, marked["title"].fragments[0], BOLD) if marked and marked["title"].fragments \
        else [(art.title, BOLD)]
    screen.para(title)
    screen.para([(_meta(art.source, art.date, art.category, art.url, art.id), DIM)])
    screen.line()
    if marked and marked["body"].fragments:
        # split the marked body into paragraphs at line breaks, keeping the marks
        para: list = []
        for text, style in _marked(screen, marked["body"].fragments[0]):
            parts = text.split("\n")
            for i, part in enumerate(parts):
                if i:
                    screen.para(para)
                    para = []
                if part:
                    para.append((part, style))
        screen.para(para)
    else:
        screen.para(art.body)
    if versions:
        screen.line()
        screen.line([("history", BOLD)])
        for v in versions:
            screen.para([(f"version {v['version']} ", BOLD), (f"saved {v['saved_at']}: ", DIM),
                         (v["title"], None)], "  ", "    ")


# -- commands ------------------------------------------------------------------------
@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "-f", "fmt", type=click.Choice(INPUT_FORMATS),
              help="Read every file as this format (default: from the extension, else the content).")
@click.option("--map", "field_map", metavar="FIELD=NAME,...",
              help="Field names of JSON/CSV input, e.g. title=headline,body=content.")
@click.option("--date", "date", metavar="DATE",
              help="Date for articles that have none (2018-05-21 or 21 مايو 2018).")
@click.option("--source", metavar="NAME", help="Source for articles that have none.")
@click.option("--category", metavar="NAME", help="Category for articles that have none.")
@click.option("--aliases", type=click.Path(dir_okay=False, exists=True),
              help='Source alias table, JSON {"name": ["spelling", ...]} '
                   "(default: aliases.json in the archive home, if any).")
@click.option("--errors", "errors_file", type=click.Path(dir_okay=False, writable=True),
              help="Write the failures to this file as JSON Lines.")
@click.option("--progress/--no-progress", "show_progress", default=None,
              help="Progress bar (default: only when stderr is a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@_common(top=False)
@click.pass_obj
def ingest(obj: Settings, paths, fmt, field_map, date, source, category, aliases, errors_file,
           show_progress, as_json):
    """Add articles from files, directories or - (standard input).

    \b
    Formats: .txt (one article per file), .jsonl, .json, .csv, .tsv, .html,
    .warc, and any of them gzipped (.gz); without a known extension the
    content decides.  Encodings: UTF-8, UTF-16, Windows-1256, ISO-8859-6.
    Title, date and source are read from the text when not given; site
    furniture is removed from the body (the raw input is kept).
    Re-ingesting the same input changes nothing; changed input becomes a new
    version (show --history).  Exact duplicates are kept but indexed once.

    Exit code 1 if any input failed (each failure is printed with its file
    and line), 130 if interrupted.

    \b
    Examples:
      arshif ingest ~/news/aljazeera/ ~/news/export.jsonl.gz
      arshif ingest export.csv --map title=headline,body=content
      arshif ingest old-files/ --source "الحياة" --errors failed.jsonl
      zcat crawl.warc.gz | arshif ingest -
    """
    from archive.dates import normalize_date
    from archive.ingest import IngestOptions
    from archive.metadata import Defaults
    from archive.readers import ReadOptions
    from archive.readers.fields import parse_field_map
    from archive.sources import SourceAliases

    try:
        fmap = parse_field_map(field_map)
    except ValueError as e:
        raise click.BadParameter(str(e).removeprefix("--map: "), param_hint="--map")
    if date is not None:
        iso = normalize_date(date)
        if iso == date.strip() and not iso[:4].isdigit():
            raise click.BadParameter(f"not a date: {date!r}", param_hint="--date")
        date = iso
    alias_file = Path(aliases) if aliases else obj.home / "aliases.json"
    try:
        alias_table = SourceAliases.load(alias_file if alias_file.exists() else None)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--aliases")
    options = IngestOptions(fmt=fmt, read=ReadOptions(field_map=fmap or None),
                            defaults=Defaults(date=date, source=source, category=category,
                                              aliases=alias_table))
    interrupted_msg = ("interrupted: whole batches are kept; run the same ingest again to "
                       "finish (the index catches up on the next run)")
    try:
        with progress(unit="articles", desc="ingest", enabled=show_progress) as bar, \
                obj.open(create=True) as a:
            indexing = IndexingBar(bar, show_progress)
            try:
                report = a.ingest(paths, options=options, on_record=lambda status: bar.update(1),
                                  on_index=indexing.update)
            finally:
                indexing.close()
            advice = a.engine_advice()
    except KeyboardInterrupt:
        _error_line(interrupted_msg)
        sys.exit(EXIT_INTERRUPTED)
    if errors_file:
        with open(errors_file, "w", encoding="utf-8") as out:
            for f in report.failures:
                out.write(dumps(f.to_dict()) + "\n")
    for f in report.failures:
        _error_line(str(f))
    if report.interrupted:
        _error_line(interrupted_msg)
    if as_json:
        click.echo(dumps(report.to_dict(), indent=2))
    else:
        click.echo(report.summary())
    if advice:
        click.echo(f"note: {advice}", err=True)
    sys.exit(EXIT_INTERRUPTED if report.interrupted else 1 if report.failed else EXIT_OK)


SEARCH_HELP = """Search the archive.  Exit code 1 when nothing matched (like grep).

\b
Query syntax:
  تهجير                  the word, its forms (التهجير، بتهجير) and, ranked lower, its root
  مخيم اليرموك            several words: articles with more of them rank higher
  "مخيم اليرموك"          a phrase («…» and “…” work too)
  +دمشق -حلب             require / exclude a word, phrase or group
  تهجير AND حمص          AND, OR, NOT (upper case) or و، أو، ليس standing alone;
  (تهجير أو نزوح) و حمص   AND binds tighter than OR; parentheses group
  source:الجزيرة         filters: source: category: date: since: until:
  مصدر:"الجزيرة نت"       or مصدر: قسم: تاريخ: منذ: حتى: (quote values with spaces)
  date:2018-04..2018-05  dates: 2018, 2018-04, 2018-04-21, or a range a..b
  title:داعش             in titles only (عنوان:)
  تهج*  م؟مد              wildcards: a prefix (2+ letters before *), one letter (? or ؟)
  جذر:هجر                every word of a root (root:)
Queries never fail: what cannot be read is searched as words, with a note on
stderr.  A query may be several arguments (arshif search مخيم اليرموك); words
starting with - are query words, not options.  --source, --category, --since
and --until work like the filters, and alone (without QUERY) too.

\b
Highlights: exact matches, other forms of the word (stem) and words of the
same root are shown in different colours; without colour as [exact],
{stem} and <root>.  Duplicates of a hit are folded into it ("also in").

\b
Batch mode (--batch FILE, - for stdin): one query per line, or ID<TAB>QUERY;
blank lines and lines starting with # are skipped.  Output (--run-format):
jsonl (one results object per query, with "qid"), csv/tsv (one row per hit,
with qid), or trec (qid Q0 docid rank score arshif).

\b
Examples:
  arshif search تهجير
  arshif search "مخيم اليرموك" --since 2018-01 --until 2018-06
  arshif search 'مفاوضات مصدر:الجزيرة' --mode stem --sort newest -n 20
  arshif search --source الجزيرة --facets
  arshif search داعش --format jsonl | jq .title
  arshif search --batch topics.tsv --run-format trec > run.txt
"""


def _filter_options(f):
    """The filters shared by search and export: --source, --category, --since, --until."""
    for opt in reversed([
        click.option("--source", help="Only articles from this source."),
        click.option("--category", help="Only articles in this category."),
        click.option("--since", help="From this date (2018, 2018-05 or 2018-05-21)."),
        click.option("--until", help="Up to this date (same forms)."),
    ]):
        f = opt(f)
    return f


@main.command(help=SEARCH_HELP, context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1)
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="How many hits to show.")
@click.option("--offset", default=0, type=click.IntRange(0), help="Skip this many hits.")
@click.option("--mode", type=MODE_CHOICE, default="all", show_default=True,
              help="Search every view (all) or only exact / stem / root matches.")
@click.option("--sort", type=SORT_CHOICE, default="relevance", show_default=True)
@_filter_options
@click.option("--facets", is_flag=True, help="Also count the hits per source, category, year and month.")
@click.option("--collapse/--no-collapse", default=True, show_default=True,
              help="Fold duplicates of a hit into it (listed as \"also in\").")
@click.option("--batch", type=click.File("r", encoding="utf-8"),
              help="Run one query per line of FILE (- for stdin).")
@click.option("--run-format", type=click.Choice(RUN_FORMATS),
              help="Batch output (default: jsonl, or csv/tsv if --format says so).")
@click.option("--run-tag", default="arshif", show_default=True, help="Run name in TREC output.")
@_format_options(*FORMATS)
@_common(top=False)
@click.pass_obj
def search(obj: Settings, query, limit, offset, mode, sort, source, category, since, until,
           facets, collapse, batch, run_format, run_tag, fmt, as_json):
    _reject_unknown_options(query)
    fmt = "json" if as_json else fmt
    params = dict(mode=mode, limit=limit, offset=offset, sort=sort, source=source,
                  category=category, since=since, until=until)
    params.update(facets=facets, collapse=collapse)
    text = _typed(" ".join(query).strip())
    source, category = _typed(source), _typed(category)
    params.update(source=source, category=category)
    if batch is not None:
        if text:
            raise click.UsageError("give either QUERY or --batch FILE, not both")
        run_format = run_format or (fmt if fmt in ("csv", "tsv") else "jsonl")
        with obj.open() as a:
            sys.exit(_batch(a, batch, params, run_format, run_tag))
    if not text and not any((source, category, since, until)):
        raise click.UsageError("missing QUERY (or a filter, or --batch FILE)")
    if run_format:
        raise click.UsageError("--run-format only applies with --batch")
    with obj.open() as a:
        res = a.search(text, **params)
    _messages(res)
    screen = obj.screen(data=fmt != "text")
    _render_hits(screen, res, fmt)
    screen.emit()
    sys.exit(EXIT_OK if res.total else EXIT_NONE)


def _reject_unknown_options(words) -> None:
    """Unknown options reach QUERY (so that -word works); ASCII ones are typos: say so."""
    for w in words:
        if w.startswith("-") and len(w) > 1 and (w[1] == "-" or w[1].isascii() and w[1].isalpha()):
            raise click.UsageError(f"no such option: {w.split('=')[0]} "
                                   f"(to search for it, put it after --)")


def _batch(a: "Arshif", lines, params: dict, run_format: str, tag: str) -> int:
    """Run every query of ``lines`` (:meth:`Arshif.search_many` reads ``id<TAB>query``)."""
    out = sys.stdout
    writer = RowWriter(run_format, ["qid"] + HIT_COLUMNS, out) if run_format in ("csv", "tsv") else None
    # a TREC run needs no snippets: skipping them is much faster
    results = a.search_many(lines, **params, snippets=run_format != "trec")
    found = 0
    for qid, res in results:
        found += bool(res.total)
        for m in res.messages:
            click.echo(f"note: {qid}: {m}", err=True)
        ranked = list(enumerate(res.hits, res.offset + 1))
        if run_format == "jsonl":
            out.write(dumps({"qid": qid, **res.to_dict()}) + "\n")
        elif run_format == "trec":
            for rank, hit in ranked:
                out.write(f"{qid} Q0 {hit.article.id} {rank} {hit.score:.6f} {tag}\n")
        else:
            for rank, hit in ranked:
                writer.write({"qid": qid, **_hit_row(rank, hit)})
        out.flush()
    return EXIT_OK if found else EXIT_NONE


@main.command()
@click.argument("article_ids", nargs=-1, required=True, metavar="ID...")
@click.option("--history", is_flag=True, help="Show every stored version.")
@click.option("--highlight", "query", metavar="QUERY", help="Highlight this query's matches.")
@click.option("--mode", type=MODE_CHOICE, default="all", help="Match mode for --highlight.")
@_format_options(*FORMATS)
@_common(top=False)
@click.pass_obj
def show(obj: Settings, article_ids, history, query, mode, fmt, as_json):
    """Show articles by id (ids are in search results).  Exit code 1 if an id is unknown.

    \b
    Examples:
      arshif show 3f2a9c1b7d0e4a55
      arshif show 3f2a9c1b7d0e4a55 --highlight "مخيم اليرموك"
      arshif show 3f2a9c1b7d0e4a55 --history --format json
    """
    fmt = "json" if as_json else fmt
    found, missing = [], []
    with obj.open() as a:
        for aid in article_ids:
            art = a.article(aid)
            if art is None:
                missing.append(aid)
                continue
            versions = a.history(aid) if history or fmt in ("json", "jsonl") else None
            marked = a.highlighted(art, _typed(query), mode) if query else None
            found.append((art, versions, marked))
    for aid in missing:
        _error_line(f"no article with id {aid!r}")
    screen = obj.screen(data=fmt != "text")
    if fmt in ("json", "jsonl"):
        dicts = []
        for art, versions, marked in found:
            # the web API's /api/articles/ID, plus the full versions with --history
            d = _article_dict(art)
            d["versions"] = [{k: v[k] for k in ("version", "saved_at", "title")} for v in versions]
            if marked:
                d["title_html"] = marked["title"].html()
                d["body_html"] = marked["body"].html()
            if history:
                d["history"] = versions
            dicts.append(d)
        if fmt == "jsonl":
            screen.lines.extend(dumps(d) for d in dicts)
        elif dicts:
            data = dicts[0] if len(article_ids) == 1 else dicts
            screen.lines.extend(dumps(data, indent=2).split("\n"))
    elif fmt in ("csv", "tsv"):
        from cli_display import rows_text
        if history:
            rows = [v for _, versions, _ in found for v in versions]
            text = rows_text(fmt, ["version", "saved_at"] + ARTICLE_COLUMNS, rows)
        else:
            text = rows_text(fmt, ARTICLE_COLUMNS, (_article_dict(art) for art, _, _ in found))
        screen.lines.extend(text.rstrip("\n").split("\n"))
    else:
        for i, (art, versions, marked) in enumerate(found):
            if i:
                screen.line()
                screen.line([("─" * min(screen.width or 40, 40), DIM)])
            _render_article(screen, art, marked, versions if history else None)
    screen.emit()
    sys.exit(EXIT_NONE if missing else EXIT_OK)


@main.command()
@click.argument("article_id", metavar="ID")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--offset", default=0, type=click.IntRange(0), help="Skip this many hits.")
@_format_options(*FORMATS)
@_common(top=False)
@click.pass_obj
def similar(obj: Settings, article_id, limit, offset, fmt, as_json):
    """Articles similar to the article ID.  Exit code 1 when there are none.

    \b
    Examples:
      arshif similar 3f2a9c1b7d0e4a55
      arshif similar 3f2a9c1b7d0e4a55 -n 5 --format jsonl
      arshif similar "$(arshif search "مخيم اليرموك" -n 1 -f tsv | cut -f2 | tail -1)"
    """
    fmt = "json" if as_json else fmt
    with obj.open() as a:
        if a.article(article_id) is None:
            _error_line(f"no article with id {article_id!r}")
            sys.exit(EXIT_NONE)
        res = a.similar(article_id, limit=limit, offset=offset)
    _messages(res)
    screen = obj.screen(data=fmt != "text")
    _render_hits(screen, res, fmt)
    screen.emit()
    sys.exit(EXIT_OK if res.hits else EXIT_NONE)


@main.command()
@click.argument("text")
@_format_options(*FORMATS)
@_common(top=False)
@click.pass_obj
def analyze(obj: Settings, text, fmt, as_json):
    """Show how Arshif analyzes TEXT: normalized form, light stem and root of
    each word (use - to read standard input).

    \b
    Examples:
      arshif analyze "بتهجير المهجرين"
      echo "وقالت المفوضية" | arshif analyze - --format tsv
    """
    fmt = "json" if as_json else fmt
    text = sys.stdin.read() if text == "-" else _typed(text)
    tokens = [{k: v for k, v in t.to_dict().items() if k != "pos"} for t in _api().Arshif.analyze(text)]
    screen = obj.screen(data=fmt != "text")
    columns = ["surface", "normalized", "stem", "root", "stop", "start", "end"]
    if fmt == "json":
        screen.lines.extend(dumps(tokens, indent=2).split("\n"))
    elif fmt == "jsonl":
        screen.lines.extend(dumps(t) for t in tokens)
    elif fmt in ("csv", "tsv"):
        from cli_display import rows_text
        screen.lines.extend(rows_text(fmt, columns, tokens).rstrip("\n").split("\n"))
    else:
        screen.table([["surface", "normalized", "stem", "root"]] + [
            [t["surface"], t["normalized"], t["stem"] + (" (stop)" if t["stop"] else ""), t["root"]]
            for t in tokens])
    screen.emit()


@main.command()
@click.option("--engine", type=ENGINE_CHOICE, default=None, show_default="whoosh",
              help="Search engine: whoosh (pure Python) or tantivy (fast, for large archives).")
@_common(top=False)
@click.pass_obj
def init(obj: Settings, engine):
    """Create an empty archive that uses ENGINE (ingest creates one with the default).

    \b
    Example:
      arshif --home ~/أرشيف init --engine tantivy
    """
    api = _api()
    with api.Arshif(obj.home, engine=engine) as a:
        click.echo(f"archive at {a.home} uses the {a.stats()['engine']} engine")


@main.command()
@click.option("--engine", type=ENGINE_CHOICE, required=True, help="The engine to move the index to.")
@_common(top=False)
@click.pass_obj
def migrate(obj: Settings, engine):
    """Rebuild the index with ENGINE from the archive (searching works until it is done).

    \b
    Example:
      arshif --home ~/أرشيف migrate --engine tantivy
    """
    with obj.open() as a:
        started = time.perf_counter()
        with progress(total=a.store.count(), unit="articles", desc=f"index with {engine}") as bar:
            n = a.migrate(engine, progress=bar.update)
    click.echo(f"indexed {n} articles with {engine} in {time.perf_counter() - started:.1f} s")


@main.command()
@_common(top=False)
@click.pass_obj
def reindex(obj: Settings):
    """Rebuild the index from the archive (the archive is never changed).

    \b
    Example:
      arshif --home ~/أرشيف reindex
    """
    with obj.open() as a:
        started = time.perf_counter()
        with progress(total=a.store.count(), unit="articles", desc="reindex") as bar:
            n = a.reindex(progress=bar.update)
    click.echo(f"indexed {n} articles in {time.perf_counter() - started:.1f} s")


@main.command()
@_format_options(*FORMATS)
@_common(top=False)
@click.pass_obj
def stats(obj: Settings, fmt, as_json):
    """Counts of articles, versions, sources and dates in the archive.

    \b
    Examples:
      arshif stats
      arshif --home ~/أرشيف stats --format json
    """
    fmt = "json" if as_json else fmt
    with obj.open() as a:
        s = a.stats()
    screen = obj.screen(data=fmt != "text")
    if fmt == "json":
        screen.lines.extend(dumps(s, indent=2).split("\n"))
    elif fmt == "jsonl":
        screen.lines.append(dumps(s))
    elif fmt in ("csv", "tsv"):
        from cli_display import rows_text
        text = rows_text(fmt, ["key", "value"], ({"key": k, "value": v} for k, v in s.items()))
        screen.lines.extend(text.rstrip("\n").split("\n"))
    else:
        rows = []
        for k, v in s.items():
            if isinstance(v, dict):
                rows.append([k, ""])
                rows.extend([f"  {kk}", str(vv)] for kk, vv in v.items())
            elif isinstance(v, list):
                rows.append([k, ", ".join(str(x) for x in v)])
            else:
                rows.append([k, "" if v is None else str(v)])
        screen.table(rows, header_style=None)
    screen.emit()


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1)
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write to FILE instead of standard output.")
@click.option("--mode", type=MODE_CHOICE, default="all", show_default=True)
@_filter_options
@_format_options(*FORMATS, default="jsonl")
@_common(top=False)
@click.pass_obj
def export(obj: Settings, query, output, mode, source, category, since, until, fmt, as_json):
    """Export articles: every article, or those matching QUERY (in ranked order).

    Each article has the fields of the web API's /api/articles/ID.

    \b
    Examples:
      arshif export -o archive.jsonl
      arshif export تهجير --since 2018 --format csv -o tahjir.csv
      arshif export "مخيم اليرموك" --format json | jq length
    """
    _reject_unknown_options(query)
    fmt = "json" if as_json else fmt
    text = _typed(" ".join(query).strip())
    filters = dict(source=_typed(source), category=_typed(category), since=since, until=until)
    to_file = output != "-"
    out = open(output, "w", encoding="utf-8", newline="") if to_file \
        else sys.stdout
    try:
        with obj.open() as a:
            n = _export(obj, a, text, mode, filters, fmt, out, to_file)
    finally:
        if to_file:
            out.close()
    if to_file:
        click.echo(f"exported {n} articles to {output}", err=True)


def _export_articles(a: "Arshif", text: str, mode: str, filters: dict):
    """(total, iterator of articles): the whole archive, or every hit of the query."""
    if not text and not any(filters.values()):
        return a.store.count(), a.store.iter_articles()
    # every matching article (duplicates too), no snippets: they are not exported
    options = dict(mode=mode, limit=1000, collapse=False, snippets=False, suggest=False, **filters)
    first = a.search(text, **options)
    _messages(first)

    def pages():
        res = first
        while res.hits:
            yield from (h.article for h in res.hits)
            offset = res.offset + len(res.hits)
            if offset >= res.total:
                return
            res = a.search(text, offset=offset, **options)
    return first.total, pages()


def _export(obj: Settings, a: "Arshif", text, mode, filters, fmt, out, to_file) -> int:
    total, articles = _export_articles(a, text, mode, filters)
    writer = RowWriter(fmt, ARTICLE_COLUMNS, out) if fmt in ("csv", "tsv") else None
    screen = Screen(color=False if to_file else obj.use_color(),
                    bidi=False if to_file else obj.use_bidi(),
                    width=None if to_file else terminal_width())
    n = 0
    with progress(total=total, unit="articles", desc="export") as bar:
        if fmt == "json":
            out.write("[")
        for art in articles:
            d = _article_dict(art)
            if fmt == "json":
                out.write(("," if n else "") + "\n" + dumps(d))
            elif fmt == "jsonl":
                out.write(dumps(d) + "\n")
            elif writer is not None:
                writer.write(d)
            else:
                if n:
                    screen.line()
                _render_article(screen, art)
                screen.line()
                out.write("\n".join(screen.lines) + "\n")
                screen.lines = []
            n += 1
            bar.update(1)
        if fmt == "json":
            out.write("\n]\n" if n else "]\n")
    return n


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 to serve other machines).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--prefix", default="", help="Serve under this path, e.g. /archive (behind a reverse proxy).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Let pages from ORIGIN (https://intranet.example) use the API and embed the "
                   "search; repeat for more.  Default: none.")
@click.option("--trusted-proxies", default=0, show_default=True, type=click.IntRange(0, 10),
              help="Number of reverse proxies whose X-Forwarded-* headers to trust.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@_common(top=False)
@click.pass_obj
def serve(obj: Settings, host, port, prefix, cors_origins, trusted_proxies, threads):
    """Serve the web UI and JSON API (waitress; read-only unless
    ARSHIF_INGEST_TOKEN is set, which enables POST /api/ingest with that token).

    \b
    Example:
      arshif --home ~/أرشيف serve --port 8080
      then open http://127.0.0.1:8080/?q=تهجير
    """
    import logging

    import waitress

    from web import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app({"ARSHIF_HOME": str(obj.home), "PREFIX": prefix,
                      "CORS_ORIGINS": list(cors_origins), "TRUSTED_PROXIES": trusted_proxies,
                      "INGEST_TOKEN": os.environ.get("ARSHIF_INGEST_TOKEN") or None})
    path = (app.extensions["arshif_settings"].prefix or "") + "/"
    click.echo(f"Arshif serving {obj.home} on http://{host}:{port}{path}")
    waitress.serve(app, host=host, port=port, threads=threads, ident="arshif")


if __name__ == "__main__":
    main()
