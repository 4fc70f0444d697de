"""The run configuration validates with errors naming the file and field; data/run.yaml is the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.config import DEFAULT_PATH, ConfigError, RunConfig, config_from_dict, load_config


def test_the_committed_default_file_equals_the_built_in_defaults() -> None:
    assert load_config(DEFAULT_PATH) == RunConfig()


def test_a_saved_configuration_loads_back_equal(tmp_path: Path) -> None:
    cfg = config_from_dict({"propagation": {"restart": 0.4}, "case_roles": {"COURIER": 0.9}})
    assert load_config(cfg.save(tmp_path / "run.yaml")) == cfg


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("propagation:\n  restart: 1.5\n", "propagation.restart"),
        ("propagation:\n  restrat: 0.2\n", "propagation.restrat"),
        ("edge_weights:\n  KNOWS: 1\n", "edge_weights.KNOWS"),
        ("case_roles:\n  ORGANISER: high\n", "case_roles.ORGANISER"),
        ("paths:\n  k: 2.5\n", "paths.k"),
        ("colour: red\n", "colour"),
    ],
)
def test_a_bad_setting_names_the_file_and_the_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "run.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.field == field
    assert str(path) in str(info.value)


def test_yaml_that_does_not_parse_and_a_missing_file_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("seeds: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.yaml")
