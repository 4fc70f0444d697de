"""Batch risk-model runs: ``run`` ranks everyone announced for a travel window, ``recheck`` looks back over all
history after new intelligence. Both work on the store through its contract (``analytics.runs``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cluegraph.cli import StoreOption, _fail, _store_uri, app, console
from graph.errors import ClueGraphError

DateOption = Annotated[str, typer.Option(help="ISO date (YYYY-MM-DD), inclusive.")]


def _date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"not an ISO date (YYYY-MM-DD): {text!r}", param_hint=name) from None


def _runs_dir() -> Path:
    from cluegraph.settings import settings

    return Path(settings().runs)


@app.command("run")
def run(
    start: Annotated[str | None, typer.Option("--from", help="First day of the travel window (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day of the travel window (YYYY-MM-DD).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Run configuration YAML (default data/run.yaml).")]
    = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder for the run's files (default $CLUEGRAPH_RUNS/<run id>; CLUEGRAPH_RUNS: ./runs).")] = None,
    repeat: Annotated[Path | None, typer.Option("--repeat", help="Repeat the run a manifest.json describes.")] = None,
    store: StoreOption = None,
) -> None:
    """Screen, rule-check, score and rank everyone announced (API or PNR) for the travel window; write worklist.csv
    and .parquet, alerts.jsonl and manifest.json."""
    from analytics.runs import load_batch_config, repeat_run, run_batch
    from analytics.runs.batch import STAGES
    from graph.store import open_store

    if repeat is None and (start is None or end is None):
        raise typer.BadParameter("give --from and --to (or --repeat MANIFEST)", param_hint="--from/--to")
    uri = _store_uri(store)
    columns = [TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} stages"),
               TimeElapsedColumn()]
    try:
        with open_store(uri) as st, Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("announced", total=len(STAGES))

            def advance(stage: str) -> None:
                nxt = STAGES.index(stage) + 1
                bar.update(task, completed=nxt, description=STAGES[nxt] if nxt < len(STAGES) else "done")

            if repeat is not None:
                result = repeat_run(repeat, st, out_dir=out, runs_dir=_runs_dir(), progress=advance)
            else:
                assert start is not None and end is not None
                result = run_batch(st, start=_date(start, "--from"), end=_date(end, "--to"),
                                   config=load_batch_config(config), out_dir=out, runs_dir=_runs_dir(),
                                   store_uri=uri, progress=advance)
    except ClueGraphError as err:
        raise _fail(err) from err
    table = Table("stage", "seconds", title=f"run {result.run_id}")
    for name, secs in result.timings.items():
        table.add_row(name.removesuffix("_s"), f"{secs:.2f}")
    console.print(table)
    counts = result.manifest["counts"]
    console.print(f"{counts['announced_rows']:,} announced trips of {counts['announced_persons']:,} people ranked; "
                  f"{result.alerts:,} alerts; files in {escape(str(result.out_dir))}")
    for _, row in result.worklist.head(10).iterrows():
        console.print(f"  {row['rank']:>4}  {row['score']:.3f}  {escape(str(row['surname']))} "
                      f"{escape(str(row['given_names']))}  {row['voyage']} {row['scheduled_time']}")


@app.command("recheck")
def recheck_cmd(
    since: Annotated[str | None, typer.Option("--since", help="Intelligence from this day on is new (default: the "
                                               "newest day of any case or watchlist entry).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for retro_hits.csv, related.csv, recheck.json.")]
    = None,
    config: Annotated[Path | None, typer.Option("--config", help="Run configuration YAML (case role weights).")]
    = None,
    store: StoreOption = None,
) -> None:
    """Re-screen all people and list the crossings and pending advance records of everyone new intelligence
    (watchlist entries, cases) names: the retro hits."""
    from analytics.runs import load_batch_config, recheck
    from graph.store import open_store

    try:
        with open_store(_store_uri(store)) as st, console.status("re-checking all history against new intelligence"):
            result = recheck(st, since=_date(since, "--since") if since else None,
                             config=load_batch_config(config).analytics,
                             out_dir=out or _runs_dir() / "rechecks" / "latest")
    except ClueGraphError as err:
        raise _fail(err) from err
    console.print(f"intelligence since {result.since}: {result.counts['intel_persons']} people named, "
                  f"{result.counts['retro_hits']} retro hits, {result.counts['related_persons']} related people")
    table = Table("person", "name", "intelligence", "record", "time", "port", "outcome")
    for _, h in result.hits.head(40).iterrows():
        table.add_row(h["person_id"], escape(f"{h['surname']} {h['given_names']}"), escape(str(h["reason"])),
                      f"{h['record_kind']} {h['record_id']}", str(h["time"]), str(h["port"]), str(h["outcome"]))
    console.print(table)
