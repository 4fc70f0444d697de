"""The ``cluegraph`` command: one entry point, thin subcommands.

Each subcommand parses its options, calls one function of the packages below, and turns a
``ClueGraphError`` into a message and an exit code. Nothing here knows SQL or Cypher.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cluegraph.settings import settings
from graph.errors import ClueGraphError

app = typer.Typer(
    name="cluegraph",
    help="Link analysis for border and port control: fuse crossings, API/PNR and associated records "
    "into one property graph, score risk paths and clue clusters, hand leads on as clue packets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Graph store: a DuckDB file path (default ./cluegraph.duckdb) or a neo4j:// / bolt:// URI. "
        "Also read from CLUEGRAPH_STORE.",
    ),
]


def _store_uri(store: str | None) -> str:
    return store or settings().store


def _fail(err: ClueGraphError) -> typer.Exit:
    console.print(f"[bold red]error:[/] {escape(str(err))}")
    return typer.Exit(code=err.exit_code)


@app.command()
def stats(
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object, for scripts.")] = False,
) -> None:
    """Count nodes per label and edges per type."""
    from graph.store import open_store

    try:
        with open_store(_store_uri(store), read_only=True) as st:
            result = st.stats()
    except ClueGraphError as err:
        raise _fail(err) from err
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), sort_keys=True) + "\n")
        return
    out = Console()
    for title, counts in (("nodes", result.nodes), ("edges", result.edges)):
        table = Table(title=f"{title} ({sum(counts.values()):,})", title_justify="left")
        table.add_column("label" if title == "nodes" else "type")
        table.add_column("count", justify="right")
        for name, n in sorted(counts.items()):
            table.add_row(name, f"{n:,}")
        out.print(table)


@app.command("load-graph")
def load_graph(
    source: Annotated[Path, typer.Argument(help="Folder with nodes/<Label>.csv and edges/<TYPE>.csv.")],
    store: StoreOption = None,
) -> None:
    """Bulk-load a graph kept as CSV tables (one file per label and per edge type), idempotently."""
    from rich.progress import Progress

    from graph.csv_tables import load_csv_tables
    from graph.store import open_store

    try:
        with open_store(_store_uri(store)) as st, Progress(console=console, transient=True) as bar:
            task = bar.add_task("loading", total=None)

            def advance(name: str, done: int, total: int) -> None:
                bar.update(task, description=f"loaded {name}", completed=done, total=total)

            loaded = load_csv_tables(st, source, progress=advance)
    except ClueGraphError as err:
        raise _fail(err) from err
    for name, n in loaded.items():
        console.print(f"loaded {n:>8,} rows from {name}")


@app.command()
def neighbours(
    node: Annotated[str, typer.Argument(help="A node id (Person:1f3a9c0d2b7e4a65) or key (Person=P-0001).")],
    depth: Annotated[int, typer.Option(min=1, max=3, help="Hops, 1 to 3.")] = 1,
    edge_type: Annotated[
        list[str] | None, typer.Option("--edge-type", "-t", help="Only these edge types (repeatable).")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Only links seen on or after (ISO date).")] = None,
    until: Annotated[str | None, typer.Option(help="Only links seen on or before (ISO date).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many neighbours.")] = 50,
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object, for scripts.")] = False,
) -> None:
    """List what a node links to, nearest first, with the links' types and times."""
    from graph.ids import resolve_ref
    from graph.store import open_store

    try:
        node_id = resolve_ref(node)
        with open_store(_store_uri(store), read_only=True) as st:
            hood = st.neighbours(node_id, depth=depth, edge_types=edge_type, since=since, until=until, limit=limit)
    except ClueGraphError as err:
        raise _fail(err) from err
    if as_json:
        sys.stdout.write(json.dumps(hood.to_dict(), sort_keys=True, default=str) + "\n")
        return
    table = Table(title=f"neighbours of {node_id}", title_justify="left")
    table.add_column("hops", justify="right")
    table.add_column("id", no_wrap=True)
    table.add_column("label", no_wrap=True)
    table.add_column("summary")
    for near in sorted(hood.nodes, key=lambda n: (hood.hops[n.id], n.label, n.summary())):
        if near.id != node_id:
            table.add_row(str(hood.hops[near.id]), near.id, near.label, escape(near.summary()))
    Console().print(table)
    if hood.truncated:
        console.print(f"[yellow]truncated at {limit}: more neighbours exist (raise --limit)[/]")


@app.command()
def find(
    text: Annotated[str | None, typer.Argument(help="Words to look for (any order, case and accents ignored).")] = None,
    label: Annotated[str | None, typer.Option(help="Only nodes of this label.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many nodes.")] = 20,
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object, for scripts.")] = False,
) -> None:
    """Find nodes by name, number or any of their searchable text."""
    from graph.store import open_store

    try:
        with open_store(_store_uri(store), read_only=True) as st:
            nodes = st.find(label, text=text, limit=limit)
    except ClueGraphError as err:
        raise _fail(err) from err
    if as_json:
        sys.stdout.write(json.dumps([n.to_dict() for n in nodes], sort_keys=True, default=str) + "\n")
        return
    table = Table(title=f"{len(nodes)} found", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("label", no_wrap=True)
    table.add_column("summary")
    for node in nodes:
        table.add_row(node.id, node.label, escape(node.summary()))
    Console().print(table)


@app.command()
def sync(
    source: Annotated[str, typer.Option("--from", help="The store to copy from (a DuckDB file or a URI).")],
    target: Annotated[str, typer.Option("--to", help="The store to copy into, e.g. neo4j://user:pass@host:7687.")],
    batch: Annotated[int, typer.Option(min=1, help="Rows per transaction on the target.")] = 50_000,
) -> None:
    """Copy a graph into another store (an embedded file to a team's Neo4j server); safe to run again."""
    from rich.progress import Progress

    from graph.store import open_store
    from graph.sync import sync as copy_graph

    try:
        with (
            open_store(source, read_only=True) as src,
            open_store(target) as dst,
            Progress(console=console, transient=True) as bar,
        ):
            task = bar.add_task("syncing", total=None)
            copied = copy_graph(
                src, dst, batch=batch, progress=lambda name, n: bar.update(task, description=f"{name}: {n:,}")
            )
    except ClueGraphError as err:
        raise _fail(err) from err
    for name, n in copied.items():
        console.print(f"copied {n:>10,} {name}")


@app.command()
def world(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the synthetic world into.")],
    persons: Annotated[int, typer.Option(min=10, help="Number of people.")] = 2000,
    days: Annotated[int, typer.Option(min=1, help="Days of upcoming arrivals.")] = 7,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same bytes.")] = 1,
    noise: Annotated[float, typer.Option(min=0.0, help="Multiply every default noise rate (0 = a clean world).")] = 1.0,
) -> None:
    """Write a synthetic border world (source files + ground truth) into OUT_DIR."""
    from cluegraph.world.command import run_world
    from cluegraph.world.config import NoiseRates

    try:
        run_world(out_dir, persons=persons, days=days, seed=seed, console=console, noise=NoiseRates().scaled(noise))
    except ClueGraphError as err:
        raise _fail(err) from err


# Command families in their own modules (cluegraph/commands/); each registers its commands on ``app``.
# One import line per family, added by the module's author.
from cluegraph.commands import analytics as _analytics  # noqa: E402, F401
from cluegraph.commands import ingest as _ingest  # noqa: E402, F401
from cluegraph.commands import packets as _packets  # noqa: E402, F401
from cluegraph.commands import runs as _runs  # noqa: E402, F401
from cluegraph.commands import screening as _screening  # noqa: E402, F401
from cluegraph.commands import serve as _serve  # noqa: E402, F401
from cluegraph.commands import users as _users  # noqa: E402, F401


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    # ``python -m cluegraph.cli``: run the app of the importable module, where the command families registered
    from cluegraph.cli import main as _main

    _main()
