"""Clue packet commands: ``export-packet``, ``import-packet`` and ``packet-keygen``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cluegraph.cli import StoreOption, _fail, _store_uri, app, console
from graph.errors import ClueGraphError


@app.command("export-packet")
def export_packet_command(
    out: Annotated[Path, typer.Option("--out", help="The packet to write (.zip).")],
    cluster: Annotated[
        str | None, typer.Option("--cluster", help="A cluster id: its members and what binds them.")
    ] = None,
    person: Annotated[
        str | None, typer.Option("--person", help="A person id or ref: the person, 2 hops around, risk paths.")
    ] = None,
    nodes: Annotated[str | None, typer.Option("--nodes", help="Node ids or refs, comma-separated.")] = None,
    note: Annotated[str, typer.Option("--note", help="Why the lead is handed on (the purpose).")] = "",
    creator: Annotated[str, typer.Option("--creator", help="Who sends it (unit, officer).")] = "cluegraph",
    redact: Annotated[
        str, typer.Option("--redact", help="Fields to mask everywhere, e.g. doc_number,birth_date.")
    ] = "",
    sign_key: Annotated[Path | None, typer.Option("--sign-key", help="Ed25519 private key (PEM) to sign with.")] = None,
    source_run: Annotated[
        str | None, typer.Option("--source-run", help="The analytics run the scores came from.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Write a clue packet: a lead another unit can verify, read, open in its tools, and import."""
    from analytics.packets import Selection, export_packet
    from graph.store import open_store

    try:
        selection = Selection.parse(cluster=cluster, person=person, nodes=nodes)
        fields = [f.strip() for f in redact.split(",") if f.strip()]
        with open_store(_store_uri(store), read_only=True) as st, console.status("writing the packet"):
            path = export_packet(
                st,
                selection,
                note=note,
                creator=creator,
                redact=fields,
                sign_key=sign_key,
                out=out,
                source_run=source_run,
            )
    except ClueGraphError as err:
        raise _fail(err) from err
    console.print(f"wrote {path}" + (" (signed)" if sign_key else " (unsigned)"))


@app.command("import-packet")
def import_packet_command(
    packet: Annotated[Path, typer.Argument(help="The clue packet (.zip) to verify and load.")],
    verify_key: Annotated[
        Path | None, typer.Option("--verify-key", help="The sender's Ed25519 public key (PEM): check the signature.")
    ] = None,
    require_signature: Annotated[
        bool, typer.Option("--require-signature", help="Refuse a packet without a signature that verifies.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Verify every hash (and the signature) of a clue packet, then load it; nothing is loaded on any error."""
    from graph.store import open_store
    from ingest.readers.packet import import_packet

    try:
        with open_store(_store_uri(store)) as st, console.status("verifying and loading"):
            done = import_packet(st, packet, verify_key=verify_key, require_signature=require_signature)
    except ClueGraphError as err:
        raise _fail(err) from err
    trust = "signature verified" if done.verified_key else "hashes verified, signature NOT checked"
    console.print(
        f"loaded {done.nodes:,} nodes and {done.edges:,} edges from packet {done.packet_id} "
        f"sent by {done.sender} ({trust}); provenance {done.source}"
    )


@app.command("packet-keygen")
def packet_keygen(
    private_key: Annotated[Path, typer.Argument(help="Where to write the private key (PEM; keep it secret).")],
    public_key: Annotated[Path, typer.Argument(help="Where to write the public key (PEM; give it to receivers).")],
) -> None:
    """Make an Ed25519 key pair for signing clue packets."""
    from analytics.packets.manifest import write_keypair

    if private_key.exists() or public_key.exists():
        console.print("[bold red]error:[/] a key file exists already; not overwriting")
        raise typer.Exit(code=2)
    write_keypair(private_key, public_key)
    console.print(f"wrote {private_key} (private) and {public_key} (public)")


@app.command("verify-packet")
def verify_packet_command(
    packet: Annotated[Path, typer.Argument(help="The clue packet (.zip) to check.")],
    verify_key: Annotated[
        Path | None, typer.Option("--verify-key", help="The sender's Ed25519 public key (PEM): check the signature.")
    ] = None,
    require_signature: Annotated[
        bool, typer.Option("--require-signature", help="Fail unless a signature verifies.")
    ] = False,
) -> None:
    """Run every check import-packet runs (zip safety, hashes, signature, data model) and load nothing."""
    from graph.schema import load_schema
    from ingest.packet_verify import verify_packet
    from ingest.readers.packet import read_graph

    try:
        checked = verify_packet(packet, verify_key=verify_key, require_signature=require_signature)
        doc = read_graph(checked, load_schema(), str(packet))
    except ClueGraphError as err:
        raise _fail(err) from err
    m = checked.manifest
    trust = "signature verified" if checked.verified_key else "hashes verified, signature NOT checked"
    console.print(f"packet {m['packet_id']} from {checked.sender}, created {m.get('created')}: {trust}")
    console.print(f"{len(doc['nodes']):,} nodes, {len(doc['edges']):,} edges; purpose: {m.get('note') or '-'}")
