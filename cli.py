"""arshif: search an archive of Arabic news from the terminal.

A thin skin over :class:`index.api.Arshif`: it parses options, calls the
library and prints.  Exit codes: 0 success, 1 no results (``search``) or some
input failed (``ingest``), 2 usage error or missing archive.
"""
from __future__ import annotations

import json
import sys
from importlib.metadata import PackageNotFoundError, version

import click

from index.api import Arshif, ArshifError, archive_exists, default_home
from index.engines import DEFAULT_ENGINE, ENGINES, SORTS
from index.ranking import MODES

STYLES = {"exact": {"fg": "red", "bold": True}, "stem": {"fg": "yellow", "bold": True},
          "root": {"fg": "cyan", "underline": True}}
PLAIN_MARKS = {"exact": ("[", "]"), "stem": ("[", "]"), "root": ("[", "]")}


def _version() -> str:
    try:
        return version("arshif")
    except PackageNotFoundError:
        return "unknown"


class Context:
    def __init__(self, home):
        self.home = home

    def open(self, create: bool = False) -> Arshif:
        if not create and not archive_exists(self.home):
            raise click.UsageError(f"no archive at {self.home}: run `arshif ingest PATH` first")
        return Arshif(self.home)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False), envvar="ARSHIF_HOME",
              help="Archive directory (default: $ARSHIF_HOME, else ~/.local/share/arshif).")
@click.version_option(_version(), "--version", prog_name="arshif")
@click.pass_context
def main(ctx, home):
    """أرشيف — search an archive of Arabic news.

    \b
    Examples:
      arshif ingest articles/ export.jsonl.gz
      arshif search تهجير
      arshif search "مخيم اليرموك" --mode stem --limit 5
    """
    from pathlib import Path
    ctx.obj = Context(Path(home).expanduser() if home else default_home())


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.pass_obj
def ingest(obj: Context, paths):
    """Add articles from files or directories (text files, .jsonl, .jsonl.gz).

    Re-ingesting the same input changes nothing.  Exit code 1 if any input failed.
    """
    with obj.open(create=True) as a:
        report = a.ingest(paths)
    for f in report.failures:
        click.echo(f"error: {f}", err=True)
    click.echo(f"added {report.added}, updated {report.updated}, "
               f"unchanged {report.unchanged}, failed {report.failed}")
    sys.exit(1 if report.failed else 0)


def _styled(snippet, color: bool) -> str:
    frags = []
    for frag in snippet.fragments:
        out = []
        for seg in frag:
            if not seg.kind:
                out.append(seg.text)
            elif color:
                out.append(click.style(seg.text, **STYLES[seg.kind]))
            else:
                b, e = PLAIN_MARKS[seg.kind]
                out.append(f"{b}{seg.text}{e}")
        frags.append("".join(out))
    return " … ".join(frags)


@main.command()
@click.argument("query")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--offset", default=0, type=click.IntRange(0), help="Skip this many hits.")
@click.option("--mode", type=click.Choice(MODES), default="all", show_default=True,
              help="Search every view (all) or only exact / stem / root matches.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--source", help="Only articles from this source.")
@click.option("--category", help="Only articles in this category.")
@click.option("--since", help="From this date (2018, 2018-05 or 2018-05-21).")
@click.option("--until", help="Up to this date.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_obj
def search(obj: Context, query, limit, offset, mode, sort, source, category, since, until, as_json):
    """Search the archive.  Exit code 1 when nothing matched.

    \b
    Query syntax:
      تهجير                 the word, its forms (التهجير، بتهجير) and, lower, its root
      "مخيم اليرموك"         a phrase («…» and “…” work too)
      +word  -word          require / exclude a word
    """
    with obj.open() as a:
        try:
            res = a.search(query, mode=mode, limit=limit, offset=offset, sort=sort,
                           source=source, category=category, since=since, until=until)
        except ArshifError as e:
            raise click.UsageError(str(e))
    if as_json:
        click.echo(json.dumps(res.to_dict(), ensure_ascii=False, indent=2))
    else:
        color = sys.stdout.isatty()
        for rank, hit in enumerate(res.hits, res.offset + 1):
            a = hit.article
            meta = " · ".join(x for x in (a.source, (a.date or "")[:10], a.id) if x)
            click.echo(click.style(f"{rank}. ", bold=True) + _styled(hit.title, color) if color
                       else f"{rank}. {_styled(hit.title, False)}")
            click.echo(f"   {meta}")
            if hit.snippet.fragments:
                click.echo(f"   {_styled(hit.snippet, color)}")
            click.echo()
        for m in res.messages:
            click.echo(m, err=True)
        click.echo(f"{res.total} hits ({res.took_ms:.0f} ms)")
    sys.exit(0 if res.total else 1)


@main.command()
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True)
@click.option("--history", is_flag=True, help="Show every stored version.")
@click.pass_obj
def show(obj: Context, article_id, as_json, history):
    """Show one article by its id."""
    with obj.open() as a:
        art = a.article(article_id)
        versions = a.history(article_id) if history else None
    if art is None:
        click.echo(f"error: no article with id {article_id!r}", err=True)
        sys.exit(1)
    if as_json:
        data = art.to_dict()
        if versions is not None:
            data["history"] = versions
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(click.style(art.title, bold=True))
    click.echo(" · ".join(x for x in (art.source, art.date, art.url, art.id) if x))
    click.echo()
    click.echo(art.body)
    if versions:
        click.echo()
        for v in versions:
            click.echo(f"version {v['version']} saved {v['saved_at']}: {v['title']}")


@main.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True)
def analyze(text, as_json):
    """Show how Arshif analyzes TEXT (use - to read standard input)."""
    if text == "-":
        text = sys.stdin.read()
    tokens = Arshif.analyze(text)
    if as_json:
        click.echo(json.dumps([{k: v for k, v in t.to_dict().items() if k != "pos"} for t in tokens],
                              ensure_ascii=False, indent=2))
        return
    rows = [("surface", "normalized", "stem", "root")] + [
        (t.surface, t.normalized, t.stem + (" (stop)" if t.stop else ""), t.root) for t in tokens]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


ENGINE_CHOICE = click.Choice(sorted(ENGINES))


@main.command()
@click.option("--engine", type=ENGINE_CHOICE, default=DEFAULT_ENGINE, show_default=True,
              help="Search engine: whoosh (pure Python) or tantivy (fast, for large archives).")
@click.pass_obj
def init(obj: Context, engine):
    """Create an empty archive that uses ENGINE."""
    try:
        with Arshif(obj.home, engine=engine) as a:
            click.echo(f"archive at {a.home} uses the {a.stats()['engine']} engine")
    except ArshifError as e:
        raise click.UsageError(str(e))


@main.command()
@click.option("--engine", type=ENGINE_CHOICE, required=True, help="The engine to move the index to.")
@click.pass_obj
def migrate(obj: Context, engine):
    """Rebuild the index with ENGINE from the archive (searching works until it is done)."""
    with obj.open() as a:
        with click.progressbar(length=a.store.count() or 1, label=f"indexing with {engine}",
                               file=sys.stderr) as bar:
            n = a.migrate(engine, progress=bar.update)
    click.echo(f"indexed {n} articles with {engine}")


@main.command()
@click.pass_obj
def reindex(obj: Context):
    """Rebuild the index from the archive."""
    with obj.open() as a:
        n = a.reindex()
    click.echo(f"indexed {n} articles")


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def stats(obj: Context, as_json):
    """Counts of articles, sources and dates in the archive."""
    with obj.open() as a:
        s = a.stats()
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
    else:
        for k, v in s.items():
            click.echo(f"{k}: {v}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.pass_obj
def serve(obj: Context, host, port):
    """Serve the web UI and JSON API (waitress)."""
    import waitress

    from web import create_app

    app = create_app({"ARSHIF_HOME": str(obj.home)})
    click.echo(f"Arshif serving {obj.home} on http://{host}:{port}/")
    waitress.serve(app, host=host, port=port, threads=8)


if __name__ == "__main__":
    main()
