"""Reasons as words: every score in cluegraph carries reasons, stored in the shape of the analytics that gave
them (a worklist row's JSON list of ``{part, text}``, a screening hit's ``{field, verdict, detail}``, a
cluster's ``{feature, text}``, a person's ``risk_reasons`` object with ``seed`` and ``links``, or plain
text). The pages show them as sentences, never as raw JSON."""

from __future__ import annotations

import json
from typing import Any


def _item(item: Any) -> str:
    if isinstance(item, dict):
        if item.get("text"):
            part = item.get("part")
            return f"{part}: {item['text']}" if part else str(item["text"])
        if item.get("field"):
            detail = f" ({item['detail']})" if item.get("detail") else ""
            return f"{str(item['field']).replace('_', ' ')} {item.get('verdict', '')}{detail}".strip()
        if item.get("feature"):
            return f"{item['feature']}: {item.get('value', '')}"
        return ", ".join(f"{k} {v}" for k, v in item.items())
    return str(item)


def _risk_object(value: dict[str, Any]) -> list[str]:
    lines = [str(s) for s in value.get("seed") or []]
    for link in value.get("links") or []:
        share = link.get("share")
        how = f" ({share:.0%} of the risk)" if isinstance(share, int | float) else ""
        lines.append(f"risk through {link.get('label', 'a link')} {link.get('via', '')}{how}".replace("  ", " "))
    return lines or ([f"score {value['score']}"] if "score" in value else [])


def reason_lines(value: Any) -> list[str]:
    """Any stored form of reasons as a list of sentences.

    >>> reason_lines('[{"part": "screening", "text": "watchlist entry W-1"}]')
    ['screening: watchlist entry W-1']
    >>> reason_lines('{"score": 0.8, "seed": ["case subject"], '
    ...              '"links": [{"label": "Phone", "via": "Phone:1", "share": 0.5}]}')
    ['case subject', 'risk through Phone Phone:1 (50% of the risk)']
    >>> reason_lines([{"field": "birth_date", "verdict": "partial", "detail": "1970-00-00 vs 1970-02-03"}])
    ['birth date partial (1970-00-00 vs 1970-02-03)']
    >>> reason_lines("plain words"), reason_lines(None)
    (['plain words'], [])
    """
    if value is None:
        return []
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if text[0] in "[{":
            try:
                value = json.loads(text)
            except ValueError:
                return [text]
        else:
            return [text]
    if isinstance(value, dict):
        return [value["text"]] if value.get("text") else _risk_object(value)
    if isinstance(value, list | tuple):
        return [line for item in value for line in ([_item(item)] if not isinstance(item, str) else [item])]
    return [str(value)]


def reasons_text(value: Any, *, limit: int | None = None) -> str:
    """Reasons as one line (``; `` between them), the first ``limit`` of them when given.

    >>> reasons_text(["name match 0.96", "birth date equal"])
    'name match 0.96; birth date equal'
    """
    lines = reason_lines(value)
    if limit is not None and len(lines) > limit:
        lines = [*lines[:limit], f"+{len(lines) - limit} more"]
    return "; ".join(lines)
