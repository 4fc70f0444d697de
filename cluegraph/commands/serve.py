"""``cluegraph serve``: the investigator dashboard on one machine (Flask's threaded server).

For a team, serve ``dashboard.app:create_app(config_from_env()).server`` with any WSGI server behind TLS.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cluegraph.cli import StoreOption, _store_uri, app, console


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Interface to listen on (keep 127.0.0.1 unless behind a TLS proxy).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8050,
    store: StoreOption = None,
) -> None:
    """Serve the investigator dashboard (sign in with a user of `cluegraph users add`)."""
    from dashboard.app import create_app
    from dashboard.config import config_from_env
    from dashboard.users import load_users

    config = config_from_env(_store_uri(store))
    if not load_users(config.users_path):
        console.print(
            f"[yellow]no users in {config.users_path}: add one with `cluegraph users add NAME --role investigator`[/]"
        )
    audit = config.audit_path if config.audit_on else "off"
    console.print(f"dashboard on http://{host}:{port} · store {config.store} · audit {audit} · runs {config.runs_dir}")
    from dashboard.analytics_bridge import warm_paths

    app = create_app(config)
    warm_paths(config.store)  # risk paths need a projection of the graph: build it before the first visitor
    app.run(host=host, port=port, debug=False)
