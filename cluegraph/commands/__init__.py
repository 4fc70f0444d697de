"""Subcommands of ``cluegraph`` beyond the core ones, one module per command family (registered in cli.py)."""
