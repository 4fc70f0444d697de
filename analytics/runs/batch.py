"""``run_batch``: everyone announced for a travel window, screened, rule-checked, scored by graph risk and by
the model, combined, ranked and written (see ``analytics.runs.outputs``), with a manifest that is enough to
repeat the run (``repeat_run``). Screening hits and risk scores are written back to the store as the
analytics that own them do; the same store, inputs and configuration give the same files byte for byte."""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analytics import model as risk_model
from analytics.config import ConfigError
from analytics.features import build_features, person_graph_features
from analytics.households import household_scale
from analytics.paths import context_from, risk_paths
from analytics.projection import project
from analytics.propagate import Propagation, propagate, write_scores
from analytics.rules import DEFAULT_RULES, load_rules
from analytics.runs import components as parts
from analytics.runs.announced import announced_and_people
from analytics.runs.combine import combine
from analytics.runs.config import BatchConfig, batch_config_from_dict
from analytics.runs.kept_exports import KeptExports
from analytics.runs.outputs import WORKLIST_COLUMNS, sha256_file, write_json, write_jsonl, write_worklist
from analytics.screening_store import screen_store
from analytics.seeds import find_seeds
from analytics.specificity import specificity
from graph.store import GraphStore

FORMAT = "cluegraph-run/1"
STAGES = ("announced", "screening", "graph", "rules", "model", "combine", "alerts", "write")
Progress = Callable[[str], None]


@dataclass
class RunResult:
    """What a run did: its id, folder, ranked worklist, alert count, manifest, per-stage wall and CPU seconds."""

    run_id: str
    out_dir: Path
    worklist: pd.DataFrame
    alerts: int
    manifest: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)


def code_version() -> dict[str, str]:
    """The package version and, in a git checkout, the commit."""
    from importlib.metadata import version

    out = {"cluegraph": version("cluegraph")}
    try:
        here = Path(__file__).resolve().parent
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5)
        if commit.returncode == 0:
            out["git"] = commit.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return out


def _digest(*parts_: bytes) -> str:
    h = hashlib.sha256()
    for p in parts_:
        h.update(hashlib.sha256(p).digest())
    return h.hexdigest()


def graph_fingerprint(prop: Propagation) -> str:
    """SHA-256 over the ids of every node and edge of the projection (not their properties)."""
    return _digest(np.sort(prop.proj.nids).tobytes(), np.sort(prop.proj.eids).tobytes())


def _frame_digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_csv(index=False, lineterminator="\n").encode("utf-8")).hexdigest()


def _rank(announced: pd.DataFrame, combined: pd.DataFrame) -> pd.DataFrame:
    rows = announced.join(combined, on="person_id")
    rows["score"] = rows["score"].fillna(0.0)
    rows["reasons"] = rows["reasons"].fillna("[]")
    rows = rows.sort_values(["score", "scheduled_time", "voyage", "person_id"],
                            ascending=[False, True, True, True], kind="stable").reset_index(drop=True)
    rows.insert(0, "rank", np.arange(1, len(rows) + 1))
    return rows


def _alerts(store: GraphStore, rows: pd.DataFrame, prop: Propagation, config: BatchConfig) -> list[dict[str, Any]]:
    hot = rows[rows["score"] >= config.worklist.alert_threshold]
    ctx = context_from(prop.proj, prop.spec, prop.seeds, config.analytics) if len(hot) else None
    out = []
    for n, (_, r) in enumerate(hot.iterrows()):
        paths = []
        if config.worklist.alert_paths and ctx is not None and n < config.worklist.alert_paths_limit:
            found = risk_paths(store, r["person_id"], k=config.worklist.alert_paths,
                               max_hops=config.analytics.paths.max_hops, context=ctx)
            paths = [p.to_dict() for p in found]
        out.append({**{c: r[c] for c in WORKLIST_COLUMNS if c != "reasons"}, "rank": int(r["rank"]),
                    "score": float(r["score"]), "reasons": json.loads(r["reasons"]), "paths": paths})
    return out


class _Clock:
    """Wall seconds per stage (``timings``, kept in the manifest) and this process's CPU seconds per stage
    (``cpu``, every thread: DuckDB's too), which say more than wall time on a busy machine."""

    def __init__(self, progress: Progress | None) -> None:
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.progress = progress
        self._t, self._c = time.perf_counter(), time.process_time()

    def done(self, stage: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.timings[f"{stage}_s"] = round(now - self._t, 3)
        self.cpu[f"{stage}_s"] = round(cpu - self._c, 3)
        self._t, self._c = now, cpu
        if self.progress:
            self.progress(stage)


def run_batch(
    store: GraphStore,
    *,
    start: date,
    end: date,
    config: BatchConfig,
    out_dir: Path | None = None,
    runs_dir: Path = Path("runs"),
    store_uri: str = "",
    rules_text: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Run the batch over the travel window ``[start, end]`` and write its files into ``out_dir`` (default:
    ``runs_dir/<run id>``; the run id is a digest of the window and the inputs).

    ``rules_text`` (a rules YAML, as a manifest keeps it) overrides ``config.worklist.rules_file``.
    """
    if end < start:
        raise ConfigError("the window ends before it starts", field="to", value=end.isoformat())
    clock, counts = _Clock(progress), {}
    store = KeptExports(store)  # stages that read a whole label read it once between writes
    announced, people = announced_and_people(store, start, end)
    persons = sorted(set(announced["person_id"]))
    counts["announced_rows"], counts["announced_persons"] = len(announced), len(persons)
    clock.done("announced")

    counts["screening_hits"] = screen_store(store, persons=persons).hits
    screening = parts.screening_part(store, persons)
    clock.done("screening")

    cfg = config.analytics
    proj = project(store, cfg)
    spec = specificity(proj, cfg)
    seeds = find_seeds(store, proj, cfg, spec=spec)
    prop = propagate(proj, seeds, cfg, spec=spec, discount=household_scale(store, proj, cfg.households, seeds))
    rules_text = rules_text if rules_text is not None else Path(config.worklist.rules_file or DEFAULT_RULES).read_text(
        encoding="utf-8")
    model_path = Path(config.worklist.model_file) if config.worklist.model_file else None
    inputs = {
        "graph_fingerprint": graph_fingerprint(prop),
        "announced": {"rows": len(announced), "sha256": _frame_digest(announced)},
        "rules": {"path": config.worklist.rules_file or "data/rules.yaml",
                  "sha256": hashlib.sha256(rules_text.encode("utf-8")).hexdigest()},
        "model": {"path": str(model_path), "sha256": sha256_file(model_path)} if model_path else None,
        "config": {"sha256": config.digest()},
    }
    run_id = "run-" + _digest(json.dumps([start.isoformat(), end.isoformat(), inputs], sort_keys=True).encode())[:16]
    prop.run_id = run_id
    out_dir = out_dir or runs_dir / run_id
    out_dir.mkdir(parents=True, exist_ok=True)
    counts["seeds"], counts["scores_written"] = len(prop.seeds), write_scores(store, prop)
    graph = parts.graph_part(prop, persons, quantile=config.worklist.graph_quantile)
    clock.done("graph")

    (out_dir / "rules.yaml").write_text(rules_text, encoding="utf-8")
    rules = load_rules(out_dir / "rules.yaml")
    events = parts.window_events(build_features(store, persons=persons, people=people), persons, start, end)
    rules_hits = parts.rules_part(events, rules, persons, config.worklist.rule_severity)
    counts["advance_events"] = len(events)
    clock.done("rules")

    scored = {"screening": screening, "graph": graph, "rules": rules_hits}
    if model_path is not None:
        model = risk_model.load(model_path)
        X = risk_model.model_matrix(events, rules, person_graph_features(store))
        scored["model"] = parts.model_part(risk_model.score(model, X), events, persons, str(model["version"]))
    clock.done("model")

    ranked = _rank(announced, combine(scored, config.worklist.weights, pd.Index(persons)))
    clock.done("combine")
    alerts = _alerts(store, ranked, prop, config)
    counts["alerts"] = len(alerts)
    clock.done("alerts")

    files = [*write_worklist(ranked, out_dir), write_jsonl(out_dir / "alerts.jsonl", alerts),
             config_path := out_dir / "config.yaml"]
    config_path.write_text(json.dumps(config.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    clock.done("write")
    manifest = {
        "format": FORMAT, "run_id": run_id, "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "window": {"from": start.isoformat(), "to": end.isoformat()}, "store": store_uri,
        "store_counts": store.stats().to_dict(), "inputs": inputs, "config": config.to_dict(),
        "rules_yaml": rules_text, "code": code_version(), "counts": counts, "timings": clock.timings,
        "outputs": {p.name: sha256_file(p) for p in [*files, out_dir / "rules.yaml"]},
    }
    write_json(out_dir / "manifest.json", manifest)
    return RunResult(run_id, out_dir, ranked, len(alerts), manifest, clock.timings, clock.cpu)


def repeat_run(manifest_path: Path, store: GraphStore, *, out_dir: Path | None = None, runs_dir: Path = Path("runs"),
               progress: Progress | None = None) -> RunResult:
    """Run again exactly what ``manifest_path`` describes (window, configuration, rules, model), refusing when
    the model file is no longer the one the run used."""
    m = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    if m.get("format") != FORMAT:
        raise ConfigError(f"not a {FORMAT} manifest", file=str(manifest_path), field="format", value=m.get("format"))
    config = batch_config_from_dict(m["config"], file=str(manifest_path))
    model = m["inputs"].get("model")
    if model and sha256_file(Path(model["path"])) != model["sha256"]:
        raise ConfigError("the model file changed since the run", file=model["path"], field="sha256")
    return run_batch(store, start=date.fromisoformat(m["window"]["from"]), end=date.fromisoformat(m["window"]["to"]),
                     config=config, out_dir=out_dir, runs_dir=runs_dir, store_uri=m.get("store", ""),
                     rules_text=m["rules_yaml"],
                     progress=progress)
