"""Screening, targeting rules and the risk model: ``screen``, ``rules lint``, ``rules backtest``,
``model train``, ``model score``.

``screen`` matches every Person against every WatchlistEntry and writes LISTED_AS hits; ``rules lint``
refuses rules on protected attributes or nationality alone; ``rules backtest`` replays the rules over
history with recorded outcomes; ``model train`` fits a new model file (never in place) and ``model score``
scores the events without an outcome yet (upcoming travel) with reasons.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from cluegraph.cli import StoreOption, _fail, _store_uri, app, console
from graph.errors import ClueGraphError

rules_app = typer.Typer(help="Targeting rules: lint and back-test.", no_args_is_help=True)
model_app = typer.Typer(help="The risk model: train (only when asked) and score.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(model_app, name="model")

RulesOption = Annotated[Path | None, typer.Option("--rules", help="Rules YAML (default: data/rules.yaml).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object, for scripts.")]


def _rules(path: Path | None) -> list:
    from analytics.rules import DEFAULT_RULES, load_rules
    from analytics.rules_lint import require_clean

    return require_clean(load_rules(path or DEFAULT_RULES))


def _table(title: str, frame: pd.DataFrame, columns: list[str]) -> None:
    table = Table(title=title, title_justify="left")
    for c in columns:
        table.add_column(c, justify="left" if c in ("rule_id", "severity", "feature") else "right")
    for row in frame[columns].itertuples(index=False):
        table.add_row(*["" if pd.isna(v) else str(v) for v in row])
    Console(width=max(Console().width, 132)).print(table)


@app.command("screen")
def screen(
    store: StoreOption = None,
    config: Annotated[Path | None, typer.Option("--config", help="YAML with a screening: section.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Screen every person against the watchlists; write hits as LISTED_AS edges (reviewed hits kept)."""
    from rich.progress import Progress

    from analytics.screening import ScreeningConfig
    from analytics.screening_store import screen_store
    from graph.store import open_store

    try:
        cfg = ScreeningConfig.load(config) if config else ScreeningConfig()
        with open_store(_store_uri(store)) as st, Progress(console=console, transient=True) as bar:
            bar.add_task("blocking, scoring, writing hits", total=None)
            report = screen_store(st, config=cfg)
    except ClueGraphError as err:
        raise _fail(err) from err
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), sort_keys=True) + "\n")
        return
    console.print(f"screened {report.people:,} people against {report.entries:,} entries: {report.hits:,} hits "
                  f"({report.kept} reviewed verdicts kept, {report.reopened} reopened on new evidence)")
    for name, n in sorted(report.by_list.items()):
        console.print(f"  {name}: {n:,}")


@rules_app.command("lint")
def rules_lint(rules: RulesOption = None, as_json: JsonOption = False) -> None:
    """Check the rules: refuse protected attributes, nationality alone and unknown features."""
    from analytics.rules import DEFAULT_RULES, load_rules
    from analytics.rules_lint import lint_rules

    try:
        loaded = load_rules(rules or DEFAULT_RULES)
    except ClueGraphError as err:
        raise _fail(err) from err
    findings = lint_rules(loaded)
    errors = [f for f in findings if f.level == "ERROR"]
    if as_json:
        sys.stdout.write(json.dumps({"rules": len(loaded), "findings": [f.__dict__ for f in findings]}) + "\n")
    else:
        for f in findings:
            console.print(f"[{'red' if f.level == 'ERROR' else 'yellow'}]{f}[/]")
        console.print(f"{len(loaded)} rules, {len(errors)} refused, {len(findings) - len(errors)} warnings")
    if errors:
        raise typer.Exit(code=2)


@rules_app.command("backtest")
def rules_backtest(
    rules: RulesOption = None,
    store: StoreOption = None,
    since: Annotated[str | None, typer.Option(help="Only events on or after (ISO date).")] = None,
    until: Annotated[str | None, typer.Option(help="Only events on or before (ISO date).")] = None,
    respect_dates: Annotated[bool, typer.Option("--respect-dates", help="Each rule only within its dates.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the report as JSON here.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Replay each rule over history with recorded outcomes: volume, hit rate, precision per rule."""
    from analytics.backtest import COLUMNS, backtest, backtest_json
    from analytics.features import build_features
    from analytics.rules import DEFAULT_RULES
    from graph.store import open_store

    try:
        loaded = _rules(rules)
        with open_store(_store_uri(store), read_only=True) as st:
            events = build_features(st)
    except ClueGraphError as err:
        raise _fail(err) from err
    table = backtest(events, loaded, since=since, until=until, respect_dates=respect_dates)
    text = backtest_json(table, rules_file=str(rules or DEFAULT_RULES), since=since, until=until,
                         respect_dates=respect_dates, events=len(events))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    if as_json:
        sys.stdout.write(text + "\n")
        return
    _table("rule back-test (adverse = SECONDARY, REFUSED, DETAINED)", table, COLUMNS)


@model_app.command("train")
def model_train(
    out: Annotated[Path, typer.Option("--out", help="The new model file (JSON); never overwritten.")],
    rules: RulesOption = None,
    store: StoreOption = None,
    c: Annotated[float, typer.Option("--C", help="Inverse regularisation strength.")] = 1.0,
    as_json: JsonOption = False,
) -> None:
    """Train a new risk model on past inspection outcomes and write it to a new file."""
    from analytics.features import build_features, person_graph_features
    from analytics.model import labels, model_matrix, save, train
    from graph.store import open_store

    try:
        loaded = _rules(rules)
        if out.exists():
            raise ClueGraphError("a model file is never overwritten: choose a new --out", file=str(out))
        with open_store(_store_uri(store), read_only=True) as st:
            events, graph = build_features(st), person_graph_features(st)
        hist = events[events["outcome"].notna()]
        X = model_matrix(hist, loaded, graph)
        model = train(X, labels(hist), C=c, meta={"rules": [[r.id, r.version] for r in loaded]})
        save(model, out)
    except ClueGraphError as err:
        raise _fail(err) from err
    summary = {k: model[k] for k in ("version", "training_data_hash", "rows", "positive", "features", "metrics")}
    if as_json:
        sys.stdout.write(json.dumps(summary, sort_keys=True) + "\n")
        return
    console.print(f"model {model['version']} written to {out}: {model['rows']:,} events, {model['positive']:,} "
                  f"adverse; holdout {json.dumps(model['metrics'])}")


@model_app.command("score")
def model_score(
    model_file: Annotated[Path, typer.Option("--model", help="A model file written by `model train`.")],
    out: Annotated[Path, typer.Option("--out", help="CSV of scored events (event_id, person_id, score, reasons).")],
    rules: RulesOption = None,
    store: StoreOption = None,
    all_events: Annotated[bool, typer.Option("--all", help="Score history too, not only upcoming events.")] = False,
) -> None:
    """Score events with a model file (by default those without an outcome yet), with reasons."""
    from analytics.features import build_features, person_graph_features
    from analytics.model import load, model_matrix, score
    from graph.store import open_store

    try:
        model = load(model_file)
        loaded = _rules(rules)
        with open_store(_store_uri(store), read_only=True) as st:
            events, graph = build_features(st), person_graph_features(st)
        todo = events if all_events else events[events["outcome"].isna()]
        scored = score(model, model_matrix(todo, loaded, graph))
    except (ClueGraphError, OSError, ValueError) as err:
        raise _fail(err if isinstance(err, ClueGraphError) else ClueGraphError(str(err))) from err
    table = todo[["event_id", "person_id", "event_time"]].join(scored[["score", "reasons"]])
    table = table.assign(model_version=model["version"]).sort_values("score", ascending=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    console.print(f"scored {len(table):,} events with model {model['version']} -> {out}")
