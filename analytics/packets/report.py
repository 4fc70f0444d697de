"""``report.html``: one self-contained page a person can read without cluegraph or a network.

It shows who sent the lead and why, a picture of the subgraph (inline SVG), every score and every reason,
every risk path and every link in words, the nodes with their properties, and the source records behind
each item. No script runs and nothing is fetched: a Content-Security-Policy forbids it.

>>> describe_edge({"type": "USES", "props": {}}, "ANNA MÜLLER", "+441632960001")
'ANNA MÜLLER uses +441632960001'
"""

from __future__ import annotations

from html import escape
from typing import Any

from analytics.packets.picture import svg_picture
from graph.schema import load_schema

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
VERBS = {
    "HOLDS": "holds",
    "MADE": "made",
    "USED": "was made on document",
    "AT": "took place at",
    "ON": "is on",
    "BOOKED": "is a passenger of",
    "CONTACT": "gives as contact",
    "PAID_BY": "was paid with",
    "VIA": "was booked through",
    "ANNOUNCED": "was announced on",
    "USES": "uses",
    "LIVES_AT": "lives at",
    "WORKS_FOR": "works for",
    "INVOLVED_IN": "is involved in",
    "LISTED_AS": "matches watchlist entry",
    "POSSIBLY_SAME_AS": "may be the same person as",
    "CO_TRAVELLED": "travelled together with",
    "IN_CLUSTER": "belongs to",
}
STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;
vertical-align:top;font-size:13px}th{background:#f0f0f0}h2{border-bottom:2px solid #ddd;padding-bottom:.2em}
.meta td:first-child{font-weight:bold}.reason{margin:.2em 0}code{font-size:12px}"""


def caption(node: dict[str, Any]) -> str:
    """A short name for a node: a person's name, else its key values (or its id)."""
    p = node["props"]
    if node["label"] == "Person":
        name = " ".join(str(p[k]) for k in ("given_names", "surname") if p.get(k))
        if name:
            return name
    schema = load_schema()
    keys = schema.nodes[node["label"]].key if node["label"] in schema.nodes else ()
    text = " ".join(str(p[k]) for k in keys if p.get(k) is not None)
    return text or node["id"]


def describe_edge(edge: dict[str, Any], src: str, dst: str) -> str:
    """One link in words: ``source verb target`` and its role, count or score when it has one."""
    verb = VERBS.get(edge["type"], edge["type"].lower().replace("_", " "))
    extra = [f"as {edge['props']['role']}" for _ in [0] if edge["props"].get("role")]
    extra += [f"{edge['props']['count']} times" for _ in [0] if edge["props"].get("count")]
    return " ".join([src, verb, dst, *extra])


def _table(header: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><tr>{head}</tr>{body}</table>'


def _when(item: dict[str, Any]) -> str:
    first, last = (str(item.get(k) or "")[:10] for k in ("first_seen", "last_seen"))
    return first if first == last else f"{first} to {last}".strip()


def _path_text(path: dict[str, Any], names: dict[str, str]) -> str:
    if path.get("text"):
        return str(path["text"])
    steps = path.get("steps", path.get("links", []))
    words = [str(s.get("text") or s.get("explanation") or "") for s in steps if isinstance(s, dict)]
    return "; then ".join(w for w in words if w) or " to ".join(names.get(n, str(n)) for n in path.get("nodes", []))


def _path_item(path: dict[str, Any], names: dict[str, str]) -> str:
    """One risk path: the sentence, its score, and each link with the source records behind it."""
    e = escape
    score = f" (score {float(path['score']):.4g})" if isinstance(path.get("score"), int | float) else ""
    links = [
        f"<li>{e(str(link.get('text', '')))}: <code>{e('; '.join(link.get('sources', [])) or 'no record')}</code></li>"
        for link in path.get("links", path.get("steps", []))
        if isinstance(link, dict)
    ]
    seed = path.get("seed_sources") or []
    if seed:
        links.append(f"<li>{e(str(path.get('seed_reason', 'known risk')))}: <code>{e('; '.join(seed))}</code></li>")
    return f"<li>{e(_path_text(path, names))}{score}" + (f"<ul>{''.join(links)}</ul>" if links else "") + "</li>"


def _sections(doc: dict[str, Any], names: dict[str, str]) -> list[str]:
    e = escape
    scores = [
        [e(names.get(s["item"], s["item"])), e(s["kind"]), e(s["name"]), e(f"{s['value']:.4g}")] for s in doc["scores"]
    ]
    reasons = [
        f'<p class="reason"><b>{e(names.get(r["item"], r["item"]))}</b> ({e(r["kind"])}): {e(r["text"])}</p>'
        for r in doc["reasons"]
    ]
    paths = [_path_item(p, names) for p in doc["paths"]]
    links = [
        [e(describe_edge(x, names[x["src"]], names[x["dst"]])), e(_when(x)), e("; ".join(x["sources"]))]
        for x in doc["edges"]
    ]
    nodes = [
        [
            f"<code>{e(n['id'])}</code>",
            e(n["label"]),
            e(", ".join(f"{k}: {v}" for k, v in sorted(n["props"].items()))),
            e(_when(n)),
            e("; ".join(n["sources"])),
        ]
        for n in doc["nodes"]
    ]
    sources = [
        [f"<code>{e(p['source'])}</code>", e(", ".join(names.get(i, i) for i in p["items"]))] for p in doc["provenance"]
    ]
    return [
        '<h2 id="scores">Scores</h2>'
        + (
            _table(["item", "kind", "score", "value"], scores)
            if scores
            else "<p>No scores were recorded on these items.</p>"
        ),
        '<h2 id="reasons">Reasons</h2>' + ("".join(reasons) or "<p>No reasons were recorded.</p>"),
        '<h2 id="paths">Risk paths</h2>' + (f"<ol>{''.join(paths)}</ol>" if paths else "<p>No risk paths.</p>"),
        '<h2 id="links">Every link in words</h2>' + _table(["link", "seen", "source records"], links),
        '<h2 id="nodes">Nodes</h2>' + _table(["id", "label", "properties", "seen", "source records"], nodes),
        '<h2 id="sources">Source records</h2>' + _table(["record", "stands behind"], sources),
    ]


def report_html(doc: dict[str, Any], meta: dict[str, Any]) -> bytes:
    """The report page for the packet document; ``meta`` holds creator, note, source run and version."""
    names = {n["id"]: caption(n) for n in doc["nodes"]}
    names |= {e["id"]: describe_edge(e, names[e["src"]], names[e["dst"]]) for e in doc["edges"]}
    rows = [[escape(k), escape(str(v))] for k, v in meta.items() if v not in (None, "", [])]
    rows.append(["selection", escape(f"{doc['selection']['kind']}: {', '.join(doc['selection']['ids'])}")])
    if doc.get("truncated"):
        rows.append(["note", "the neighbourhood was cut at its cap; more links exist in the sender's graph"])
    picture = svg_picture(doc, captions=names, focus=frozenset(doc["focus"]))
    body = "".join(
        [
            "<h1>Clue packet</h1>",
            _table(["", ""], rows, "meta"),
            f'<h2 id="picture">Picture of the subgraph</h2><figure>{picture}<figcaption>{len(doc["nodes"])} nodes, '
            f"{len(doc['edges'])} links; ringed: the lead</figcaption></figure>",
            *_sections(doc, names),
        ]
    )
    page = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>Clue packet</title><style>{STYLE}</style></head><body>{body}</body></html>\n"
    )
    return page.encode("utf-8")
