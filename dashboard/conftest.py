"""Page modules register themselves with Dash Pages when an app imports them; they cannot be imported on
their own, so the doctest collector leaves them to ``tests/dashboard`` (which builds an app)."""

collect_ignore_glob = ["pages/*.py"]
