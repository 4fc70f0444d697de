"""CLUEGRAPH_DUCKDB_MEMORY_LIMIT bounds the store's DuckDB memory (a 600k-person first load spills instead of
taking the machine's memory); without it DuckDB keeps its own default."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.store.duckdb_store import DuckDBStore


def _limit(store: DuckDBStore) -> str:
    return store._con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_the_env_var_sets_the_duckdb_memory_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLUEGRAPH_DUCKDB_MEMORY_LIMIT", "300MB")
    store = DuckDBStore(tmp_path / "g.duckdb")
    try:
        assert _limit(store) in {"286.1 MiB", "300.0 MB"}
    finally:
        store.close()


def test_without_the_env_var_duckdb_keeps_its_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLUEGRAPH_DUCKDB_MEMORY_LIMIT", raising=False)
    store = DuckDBStore(tmp_path / "g.duckdb")
    try:
        assert _limit(store) not in {"286.1 MiB", "300.0 MB"}
    finally:
        store.close()
