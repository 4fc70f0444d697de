"""``cluegraph ingest SOURCE_DIR``: read every source file in a folder into the graph store, with a progress
bar per file and stage and a closing summary table (``--report FILE`` also writes it as JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cluegraph.cli import StoreOption, _fail, _store_uri, app, console
from graph.errors import ClueGraphError, InvalidInputError

if TYPE_CHECKING:  # the pipeline is imported when the command runs, not when the CLI starts
    from ingest.pipeline.report import FileReport, IngestReport

ENCODINGS = ("utf-8", "gb18030")


#: Above this many files the table has one row per family (the JSON report keeps one per file).
MAX_ROWS = 25


Row = tuple[str, str, int, int, int, int, int]


def _rows(report: IngestReport) -> list[Row]:
    """Table rows: per file, or per family and kind when there are many files."""
    files = report.files
    if len(files) <= MAX_ROWS:
        return [(escape(f.file) + (f" [red](error: {escape(f.error)})[/]" if f.error else ""), f.kind or f.family,
                 f.read, f.loaded, f.quarantined, f.duplicates, f.deviation_count) for f in files]
    groups: dict[str, list[FileReport]] = {}
    for f in files:
        groups.setdefault(f.kind or f.family, []).append(f)
    rows: list[Row] = []
    for kind, fs in groups.items():
        errors = sum(1 for f in fs if f.error)
        label = f"{len(fs)} files" + (f" [red]({errors} unreadable)[/]" if errors else "")
        rows.append((label, kind, sum(f.read for f in fs), sum(f.loaded for f in fs), sum(f.quarantined for f in fs),
                     sum(f.duplicates for f in fs), sum(f.deviation_count for f in fs)))
    return rows


def _summary(report: IngestReport) -> Table:
    """The closing table: one row per source file (or family), then the totals."""
    table = Table(title="ingest summary", title_justify="left")
    for col in ("file", "family", "read", "loaded", "quarantined", "duplicates", "deviations"):
        table.add_column(col, justify="left" if col in ("file", "family") else "right")
    for name, kind, *counts in _rows(report):
        table.add_row(name, kind, *(f"{c:,}" for c in counts))
    t = report.totals()
    table.add_row("[bold]total[/]", "", f"{t['read']:,}", f"{t['loaded']:,}", f"{t['quarantined']:,}",
                  f"{t['duplicates']:,}", f"{t['deviation_count']:,}")
    return table


@app.command("ingest")
def ingest_command(
    source: Annotated[Path, typer.Argument(help="Folder of source files (crossings, PAXLST, PNRGOV, associated).")],
    store: StoreOption = None,
    encoding: Annotated[str, typer.Option("--encoding", help="Text encoding: utf-8 or gb18030.")] = "utf-8",
    report: Annotated[Path | None, typer.Option("--report", help="Also write the summary as JSON here.")] = None,
    quarantine: Annotated[
        Path | None, typer.Option("--quarantine", help="Folder for quarantine.jsonl (default: beside the store).")
    ] = None,
) -> None:
    """Read, validate, normalise, resolve identities and load every source file under SOURCE_DIR."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.pipeline.run import run_ingest

    try:
        if encoding.lower() not in ENCODINGS:
            raise InvalidInputError("unknown encoding (utf-8 or gb18030)", field="--encoding", value=encoding)
        if not source.exists():
            raise InvalidInputError("source folder does not exist", file=str(source))
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("discover", total=None)
            last: list[str] = []

            def step(what: str) -> None:
                if last:
                    bar.advance(task)
                last[:] = [what]
                bar.update(task, description=escape(what))

            result = run_ingest(source, _store_uri(store), encoding=encoding.lower(), quarantine_dir=quarantine,
                                step=step, on_files=lambda n: bar.update(task, total=n))
    except ClueGraphError as err:
        raise _fail(err) from err
    out = Console()
    out.print(_summary(result))
    ident = result.identity
    if ident:
        out.print(f"persons {ident['persons']:,} from {ident['records']:,} records; "
                  f"{ident['candidates']:,} possible duplicates; {ident['findings_count']:,} identity findings; "
                  f"{ident['co_travelled_pairs']:,} co-travelling pairs")
    out.print(f"quarantine: {escape(result.quarantine_file)}; {result.seconds.get('total', 0):.1f} s")
    if report:
        result.write(report)
        out.print(f"report: {escape(str(report))}")
    if not result.reconciles:
        console.print("[bold red]error:[/] the counts do not reconcile (read = loaded + quarantined + duplicates)")
        raise typer.Exit(code=1)
