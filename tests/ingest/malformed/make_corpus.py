"""Write the malformed-input corpus (acceptance 5 of issue 4) into a folder: each file breaks one thing,
beside good records that must still load. Generated, not committed, so the repository stays small; the
50 MB single line is written only when asked (``big=True``).

    python tests/ingest/malformed/make_corpus.py OUT_DIR [--big]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

HEAD = ("crossing_id,crossing_time,port,direction,mode,conveyance,surname,given_names,native_name,sex,birth_date,"
        "nationality,doc_type,doc_number,doc_issuer,doc_expiry,outcome")


def crossing(i: int, *, surname: str = "LIU", native: str = "", birth: str = "1975-09-08", mode: str = "AIR",
             time: str = "2024-03-02T07:36:58+08:00") -> str:
    """One crossings row (document number from ``i``, so every row is another person's)."""
    return (f"{i},{time},HKG,IN,{mode},CX101,{surname},FANG,{native},M,{birth},CHN,P,E{i:08d},CHN,2030-01-01,"
            "CLEARED")


def traveller(surname: str, number: str) -> list[str]:
    """The segments of one PAXLST passenger."""
    return [f"NAD+FL+++{surname}:ANN", "ATT+2++F", "DTM+329:730407", f"DOC+P+{number}", "DTM+36:300101",
            "LOC+91+USA"]


def message(ref: int, travellers: list[list[str]], *, unt: int | None = None, cnt: int | None = None,
            flight: str = "AA123", extra: str = "") -> str:
    """One PAXLST message UNH..UNT (``unt``/``cnt`` override the control counts)."""
    body = [f"UNH+{ref}+PAXLST:D:05B:UN:IATA", "BGM+745", f"TDT+20+{flight}+++AA", "LOC+125+ATL",
            "DTM+189:2402191540:201", "LOC+87+HKG", "DTM+232:2402191740:201"]
    for t in travellers:
        body += t
    if extra:
        body.append(extra)
    body.append(f"CNT+42:{len(travellers) if cnt is None else cnt}")
    body.append(f"UNT+{len(body) + 1 if unt is None else unt}+{ref}")
    return "'".join(body) + "'"


def interchange(*messages: str) -> str:
    return "UNA:+.? 'UNB+UNOA:4+AIR+GOV+240218:1545+1'" + "".join(messages) + f"UNZ+{len(messages)}+1'"


def write(out: Path, *, big: bool = False) -> dict[str, Path]:
    """Write the corpus; returns the paths by case name."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(4)
    p: dict[str, Path] = {}

    def put(name: str, data: bytes | str) -> None:
        path = out / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        p[name] = path

    good = [crossing(i) for i in range(1, 6)]
    put("crossings_truncated.csv", "\n".join([HEAD, *good, crossing(6)[:40]]))
    gb = [crossing(10 + i, surname="ZHANG", native="张伟") for i in range(3)]
    put("crossings_gb18030.csv", "\n".join([HEAD, *good[:2], *gb]).encode("gb18030") + b"\n")
    bad = [crossing(20, birth="1990-02-31"), crossing(21, time="2024-13-01T07:00:00+08:00"),
           crossing(22, birth="1990-00-45")]
    put("crossings_dates.csv", "\n".join([HEAD, *good[:3], *bad]) + "\n")
    garbage = bytes(rng.randrange(256) for _ in range(300)).replace(b"\n", b"")
    put("crossings_binary.csv", "\n".join([HEAD, *good[:2]]).encode() + b"\n" + garbage + b"\n" +
        crossing(30).encode() + b"\n")
    one = message(1, [traveller("OBRIEN", "X100"), traveller("SMITH", "X101")])
    put("PAXLST_duplicated.edi", interchange(one, one))
    put("PAXLST_resend.edi", interchange(one))
    put("PAXLST_counts.edi", interchange(message(2, [traveller("JONES", "X200")], unt=99, cnt=7, flight="AA124")))
    two = message(4, [traveller("BROWN", "X401"), traveller("GREEN", "X402")], flight="AA126")
    first = interchange(message(3, [traveller("WHITE", "X300")], flight="AA125")).removesuffix("UNZ+1+1'")
    put("PAXLST_truncated.edi", first + two[: two.index("GREEN") + 3])
    put("PAXLST_garbage.edi", b"UNA:+.? 'UNB+UNOA:4+AIR+GOV+240218:1545+1'UNH+1+PAXLST:D:05B:UN:IATA'" +
        bytes(rng.randrange(256) for _ in range(2000)))
    put("blob.bin", bytes(rng.randrange(256) for _ in range(4096)))
    if big:
        huge = "X" * (50 * 1024 * 1024)
        put("PAXLST_big_line.edi", interchange(message(5, [traveller("LONG", "X500")], flight="AA127",
                                                      extra=f"FTX+AAI+++{huge}")))
        put("crossings_big_line.csv", "\n".join([HEAD, good[0], crossing(40, mode=huge)]) + "\n")
    return p


if __name__ == "__main__":
    write(Path(sys.argv[1]), big="--big" in sys.argv)
