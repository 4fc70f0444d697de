"""The screening configuration: a section of the run configuration, validated with the field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.screening import ScreeningConfig, ScreeningConfigError


def test_read_from_the_screening_section_of_a_run_configuration(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("seeds: {watchlist: 1.0}\nscreening:\n  default_threshold: 0.9\n"
                    "  thresholds: {INTERPOL-DIFFUSION: 0.95}\n  weights: {dob_exact: 0.1}\n")
    cfg = ScreeningConfig.load(path)
    assert cfg.threshold("INTERPOL-DIFFUSION") == 0.95 and cfg.threshold("NATIONAL") == 0.9
    assert cfg.weights.dob_exact == 0.1


def test_a_run_configuration_without_the_section_gives_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("seeds: {watchlist: 1.0}\n")
    assert ScreeningConfig.load(path) == ScreeningConfig()


@pytest.mark.parametrize(("text", "field"), [
    ("screening: {default_threshold: 1.5}", "default_threshold"),
    ("screening: {thresholds: {NATIONAL: high}}", "thresholds.NATIONAL"),
    ("screening: {weights: {dob_bonus: 1}}", "weights"),
    ("screening: {treshold: 0.9}", "treshold"),
])
def test_bad_values_name_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text + "\n")
    with pytest.raises(ScreeningConfigError) as err:
        ScreeningConfig.load(path)
    assert err.value.field == field and err.value.file == str(path)
