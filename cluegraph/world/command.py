"""``cluegraph world``: generate a world and write its source files, ground truth and ``world.json``."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from cluegraph.world.advance import manifest
from cluegraph.world.associated import write_associated
from cluegraph.world.build import World, build_world
from cluegraph.world.config import NoiseRates, WorldConfig, iso_days, rng_for
from cluegraph.world.confounders import confounder_counts
from cluegraph.world.noise import log_rows
from cluegraph.world.paxlst import write_paxlst
from cluegraph.world.pnrgov import write_pnrgov
from cluegraph.world.records import write_crossings
from cluegraph.world.schemes import scheme_counts
from cluegraph.world.truth import write_truth

OWNED = ("crossings.csv", "advance", "associated", "truth", "world.json")


def run_world(
    out_dir: Path, *, persons: int, days: int, seed: int, console: Console, noise: NoiseRates | None = None
) -> None:
    """Generate the world of these parameters into ``out_dir`` (files it owns are replaced)."""
    cfg = WorldConfig(persons=persons, days=days, seed=seed, noise=noise or NoiseRates())
    generate(cfg, out_dir, console=console)


def generate(cfg: WorldConfig, out_dir: Path, *, console: Console | None = None) -> dict[str, object]:
    """Write the whole world for ``cfg``; returns the summary also written to ``world.json``."""
    console = console or Console(quiet=True)
    t0 = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in OWNED:
        target = out_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    cols = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*cols, console=console, transient=True) as progress:
        step = progress.add_task("world: people, trips, schemes", total=None)
        world = build_world(cfg)
        progress.update(step, description="world: crossings.csv")
        n_crossings, x_noise = write_crossings(cfg, world.crossings, world.persons, world.docs, out_dir)
        world.crossings = world.crossings.iloc[:0]  # written: free the memory
        rng = rng_for(cfg, "advance")
        pax = manifest(world, rng)
        n_flights = int((pax["day"] * 1000 + pax["flight"]).nunique())
        progress.update(step, total=2 * n_flights, completed=0, description="world: advance PAXLST, PNRGOV")
        api_truth, api_events = write_paxlst(world, out_dir, pax, rng, lambda: progress.advance(step))
        pnr_truth, pnr_noise = write_pnrgov(world, out_dir, pax, rng, lambda: progress.advance(step))
        progress.update(step, description="world: associated and truth", total=None)
        assoc_truth, assoc_noise = write_associated(world, out_dir)
        api_noise = _api_noise(world, pax)
        noise_log = pd.concat([x_noise, api_noise, api_events, pnr_noise, assoc_noise], ignore_index=True)
        tables = {
            "api_entries": api_truth,
            "pnr_passengers": pnr_truth,
            "associated_rows": assoc_truth,
            "noise": noise_log,
            "api_manifest": _api_manifest(world, pax),
        }
        counts = write_truth(world, out_dir, tables)
    summary: dict[str, object] = {
        "seed": cfg.seed,
        "parameters": cfg.to_dict(),
        "counts": {
            "persons": len(world.persons),
            "documents": len(world.docs),
            "crossings": n_crossings,
            "paxlst_files": len(list((out_dir / "advance" / "paxlst").glob("*.edi"))),
            "pnrgov_files": len(list((out_dir / "advance" / "pnrgov").glob("*.edi"))),
            "api_passenger_entries": int((api_truth["role"] == "PAX").sum()) if len(api_truth) else 0,
            "noise_events": len(noise_log),
            **counts,
        },
        "schemes": scheme_counts(cfg),
        "confounders": confounder_counts(cfg),
    }
    (out_dir / "world.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    c = summary["counts"]
    assert isinstance(c, dict)
    console.print(
        f"[green]world[/] {out_dir}: {c['persons']:,} people, {c['crossings']:,} crossings, "
        f"{c['paxlst_files']:,} PAXLST and {c['pnrgov_files']:,} PNRGOV files, "
        f"{c['scheme_members']:,} scheme members, {c['upcoming']:,} upcoming arrivals "
        f"({c['upcoming_risky']:,} risky) in {time.perf_counter() - t0:.1f} s"
    )
    return summary


def _pax_keys(pax: pd.DataFrame) -> np.ndarray:
    return (
        pax["day"].astype(str)
        + "/"
        + pax["flight"].astype(str)
        + "/"
        + pax["party"].astype(str)
        + "/"
        + pax["person"].astype(str)
    ).to_numpy(dtype=object)


def _api_noise(world: World, pax: pd.DataFrame) -> pd.DataFrame:
    """Noise events of API passenger entries (key = day/flight/party/person, as in api_manifest.csv)."""
    keys = _pax_keys(pax)
    d = pax["doc"].to_numpy()
    true = world.docs["surname"].to_numpy()[d] + "/" + world.docs["given_names"].to_numpy()[d]
    sent = (pax["surname"] + "/" + pax["given_names"]).to_numpy(dtype=object)
    names = log_rows("paxlst", keys, pax["name_noise"].to_numpy(), "name", true, sent)
    missing = pax["missing"].to_numpy()
    kind = np.where(missing != "", "missing", "").astype(object)
    miss = log_rows(
        "paxlst",
        keys,
        kind,
        missing,
        np.full(len(pax), "", dtype=object),
        np.full(len(pax), "", dtype=object),
    )
    return pd.concat([names, miss], ignore_index=True)


def _api_manifest(world: World, pax: pd.DataFrame) -> pd.DataFrame:
    """The advance passengers with their true person and document."""
    return pd.DataFrame(
        {
            "key": _pax_keys(pax),
            "arrival_date": iso_days(pax["day"].to_numpy()),
            "flight": world.sched.flights["in_no"].to_numpy()[pax["flight"].to_numpy()],
            "party": pax["party"],
            "person_id": world.persons["person_id"].to_numpy()[pax["person"].to_numpy()],
            "doc_id": world.docs["doc_id"].to_numpy()[pax["doc"].to_numpy()],
            "surname_sent": pax["surname"],
            "given_names_sent": pax["given_names"],
            "missing": pax["missing"],
        }
    )
