"""Graph analytics commands: ``score`` (alias ``propagate``), ``paths PERSON``, ``clusters --out DIR``.

Each reads the run configuration (``--config``, default ``data/run.yaml``), works on the store through its
contract, writes its results back through the store's writer, and saves the configuration beside any
files it writes (``--out``).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cluegraph.cli import StoreOption, _fail, _store_uri, app, console
from graph.errors import ClueGraphError

ConfigOption = Annotated[Path | None, typer.Option("--config", help="Run configuration YAML (default: data/run.yaml).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object, for scripts.")]


def _score(store: str | None, config: Path | None, out: Path | None, top: int, as_json: bool) -> None:
    from rich.progress import Progress

    from analytics.config import load_config
    from analytics.propagate import run_propagation
    from graph.store import open_store

    try:
        cfg = load_config(config)
        with open_store(_store_uri(store)) as st, Progress(console=console, transient=True) as bar:
            bar.add_task("projecting, seeding, propagating, writing scores", total=None)
            result = run_propagation(st, cfg)
    except ClueGraphError as err:
        raise _fail(err) from err
    people = result.persons(top=top)
    summary = {
        "run": result.run_id,
        "nodes": result.proj.n_nodes,
        "edges": result.proj.n_edges,
        "seeds": len(result.seeds),
        "iterations": result.iterations,
        "timings": {k: round(v, 3) for k, v in result.timings.items()},
        "top": [
            {"id": i, "risk_score": round(float(s), 6)} for i, s in zip(people["id"], people["risk_score"], strict=True)
        ],
    }
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        cfg.save(out / "run.yaml")
        result.seeds.to_csv(out / "seeds.csv", index=False)
        result.persons(min_score=cfg.propagation.write_min_score).to_csv(out / "scores.csv", index=False)
        (out / "score_run.json").write_text(json.dumps(summary, indent=2))
    if as_json:
        sys.stdout.write(json.dumps(summary, sort_keys=True) + "\n")
        return
    console.print(
        f"{summary['run']}: {summary['seeds']} seeds, {result.iterations} iterations, "
        f"{int(result.timings.get('written', 0)):,} people scored in the store; timings {summary['timings']}"
    )
    table = Table(title=f"riskiest {len(people)} people", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("risk", justify="right")
    for i, s in zip(people["id"], people["risk_score"], strict=True):
        table.add_row(i, f"{s:.4f}")
    Console().print(table)


@app.command("score")
def score_command(
    store: StoreOption = None,
    config: ConfigOption = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write seeds.csv, scores.csv, run.yaml here.")] = None,
    top: Annotated[int, typer.Option(min=1, help="Show this many of the riskiest people.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Propagate risk from the seeds (watchlist hits, case subjects, flagged identifiers, document conflicts)
    and store risk_score, risk_reasons and risk_run on people."""
    _score(store, config, out, top, as_json)


# ``propagate`` is another name for ``score``: one function, the same options.
app.command("propagate", help="The same as ``score``.")(score_command)


@app.command("paths")
def paths_command(
    person: Annotated[str, typer.Argument(help="A person id (Person:...) or key (Person=P-0001).")],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many paths.")] = 3,
    max_hops: Annotated[int, typer.Option("--max-hops", min=1, max=8, help="At most this many links.")] = 4,
    store: StoreOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """The strongest paths from a person to known risk, every link in words with its source records."""
    from analytics.config import load_config
    from analytics.paths import path_context, risk_paths
    from graph.store import open_store

    try:
        with open_store(_store_uri(store), read_only=True) as st:
            ctx = path_context(st, load_config(config))
            paths = risk_paths(st, person, k=k, max_hops=max_hops, context=ctx)
    except ClueGraphError as err:
        raise _fail(err) from err
    if as_json:
        sys.stdout.write(json.dumps([p.to_dict() for p in paths], sort_keys=True, default=str) + "\n")
        return
    if not paths:
        console.print(f"no known risk within {max_hops} links of {escape(person)}")
        return
    out = Console()
    for n, path in enumerate(paths, 1):
        out.print(f"[bold]{n}. score {path.score:.4f}[/] ({len(path.links)} links to {path.seed_kind})")
        out.print(f"   {escape(path.summary)}")
        for link in path.links:
            out.print(f"   {escape(link.text)}  [dim]{escape(', '.join(link.sources) or link.edge_id)}[/]")
        out.print(f"   [red]{escape(path.seed_reason)}[/]")


@app.command("clusters")
def clusters_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for clusters.csv (and run.yaml).")],
    store: StoreOption = None,
    config: ConfigOption = None,
    write: Annotated[bool, typer.Option("--write/--no-write", help="Store Cluster nodes and IN_CLUSTER edges.")] = True,
    as_json: JsonOption = False,
) -> None:
    """Find, score and rank clue clusters; write clusters.csv and store them with stable ids."""
    from rich.progress import Progress

    from analytics.cluster_store import doc_keys, write_clusters, write_csv
    from analytics.clusters import find_clusters
    from analytics.config import load_config
    from analytics.projection import project
    from graph.store import open_store

    try:
        cfg = load_config(config)
        with open_store(_store_uri(store), read_only=not write) as st, Progress(console=console, transient=True) as bar:
            bar.add_task("clustering", total=None)
            proj = project(st, cfg)
            result = find_clusters(st, proj, cfg)
            path = write_csv(result, out, doc_keys(st, proj, result))
            cfg.save(out / "run.yaml")
            stored = write_clusters(st, result) if write else 0
    except ClueGraphError as err:
        raise _fail(err) from err
    summary = {"run": result.run_id, "clusters": len(result.table), "stored": stored, "csv": str(path)}
    if as_json:
        sys.stdout.write(json.dumps(summary, sort_keys=True) + "\n")
        return
    console.print(f"{len(result.table)} clusters -> {path} ({stored} stored, run {result.run_id})")
    table = Table(title="top clusters", title_justify="left")
    for col in ("rank", "cluster_id", "score", "size", "first reason"):
        table.add_column(col)
    for row in result.table.head(10).to_dict("records"):
        first = row["reasons"][0]["text"] if row["reasons"] else ""
        table.add_row(str(row["rank"]), row["cluster_id"], f"{row['score']:.3f}", str(row["size"]), escape(first[:90]))
    Console().print(table)


@app.command("evaluate")
def evaluate_command(
    truth: Annotated[Path, typer.Option("--truth", help="The world's truth folder (OUT_DIR/truth).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for evaluation_graph.json/.md and run.yaml.")],
    store: StoreOption = None,
    config: ConfigOption = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules of the rules-only baseline "
                                                                "(default: data/rules.yaml).")] = None,
    baselines: Annotated[str, typer.Option("--baselines", help="Comma-separated baselines to run beside the "
                                           "propagation: rules_only, degree, networkx_pagerank (the last copies the "
                                           "whole graph into networkx: 1.8 GiB per 1M nodes / 5M links). "
                                           "The report names the ones run.")]
    = "rules_only,degree,networkx_pagerank",
) -> None:
    """Score propagation and clusters against a world's truth, next to three baselines measured in the same
    run: targeting rules alone, degree centrality and plain networkx PageRank (``--baselines`` picks)."""
    import os
    import time

    from rich.progress import Progress

    from analytics.clusters import find_clusters
    from analytics.config import load_config
    from analytics.evaluate import evaluate, write_report
    from analytics.propagate import run_propagation
    from graph.store import open_store

    try:
        cfg = load_config(config)
        wall, cpu = time.perf_counter(), time.process_time()
        with open_store(_store_uri(store)) as st, Progress(console=console, transient=True) as bar:
            bar.add_task("propagating, clustering, scoring against the truth and the baselines", total=None)
            result = run_propagation(st, cfg)
            every = dataclasses.replace(cfg, clusters=dataclasses.replace(cfg.clusters, top=10**8))
            clusters = find_clusters(st, result.proj, every)  # every cluster, so a group's rank shows
            chosen = [b.strip() for b in baselines.split(",") if b.strip()]
            ev = evaluate(st, truth, result, clusters, rules_path=rules, baselines_run=chosen)
        ev.run |= {"truth": str(truth), "wall_s": round(time.perf_counter() - wall, 1),
                  "cpu_s": round(time.process_time() - cpu, 1), "load_1min": round(os.getloadavg()[0], 2),
                  "seeds": len(result.seeds), "iterations": int(result.iterations)}
        world = truth.parent / "world.json"
        if world.exists():
            meta = json.loads(world.read_text())
            ev.run.update(seed=meta.get("seed"), persons=meta.get("parameters", {}).get("persons"))
        cfg.save(out / "run.yaml")
        path = write_report(ev, out)
    except ClueGraphError as err:
        raise _fail(err) from err
    console.print(f"evaluation -> {path}")
    Console().print(path.read_text())
