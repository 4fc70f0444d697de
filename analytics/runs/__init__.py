"""Batch risk-model runs: rank everyone announced for a travel window (``run_batch``), and re-check all
history when new intelligence arrives (``recheck``). Both read the store through its contract, call the
analytics (screening, rules, propagation, model) and write reproducible files plus a manifest."""

from analytics.runs.batch import RunResult, repeat_run, run_batch
from analytics.runs.config import BatchConfig, load_batch_config
from analytics.runs.recheck import RecheckResult, recheck

__all__ = ["BatchConfig", "RecheckResult", "RunResult", "load_batch_config", "recheck", "repeat_run", "run_batch"]
