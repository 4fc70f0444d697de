"""Machine readable zones (ICAO Doc 9303 Parts 4-7): TD1 (3 x 30), TD2 (2 x 36), TD3 (2 x 44), MRV-A
(2 x 44, code V) and MRV-B (2 x 36, code V).

Every field is read as printed (fillers removed, names split at ``<<``); every check digit is verified on its
own (7-3-1 weights, ``<`` = 0, A = 10 ... Z = 35) and the composite too. A broken check digit is a *finding*
on the record (``checks`` and ``findings``), never a reason to drop it: OCR misreads and forged documents are
both worth seeing. Only text that is not an MRZ at all (wrong line lengths or characters) raises
:class:`InvalidMRZError`.

Long document numbers (TD1 and TD2, more than 9 characters): position 15 (TD1) holds ``<`` instead of the
check digit, the rest of the number follows in the optional data, then its check digit, then ``<``. Issuers
disagree on what that check digit covers: the whole number *without* the ``<`` (ICAO; Belgian BEL-BO-11005)
or the 9 characters, the ``<`` and the rest (Belgian BEL-BO-03003). Both are accepted;
``long_docnum_convention`` says which matched (``with_filler``, ``without_filler``, ``both``, ``neither``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import pyarrow as pa

from ingest.normalise._vector import ArrayLike, map_unique
from ingest.normalise.dates import parse_date
from ingest.normalise.errors import InvalidMRZError, NormaliseError

_VALUES = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}, "<": 0}
_WEIGHTS = (7, 3, 1)
CHECKS = ("document_number", "birth_date", "expiry_date", "optional_data", "composite")


def check_digit(data: str) -> str:
    """The ICAO 9303 check digit of ``data`` (digits, A-Z and ``<``).

    >>> check_digit("L898902C3"), check_digit("740812"), check_digit("<<<<")
    ('6', '2', '0')
    """
    return str(sum(_VALUES[c] * _WEIGHTS[i % 3] for i, c in enumerate(data)) % 10)


def verify_check_digit(data: str, digit: str) -> bool:
    """Whether ``digit`` is the check digit of ``data``; ``<`` passes only for an all-filler field.

    >>> verify_check_digit("L898902C3", "6"), verify_check_digit("<<<<<<<<<<<<<<", "<"), verify_check_digit("74", "X")
    (True, True, False)
    """
    if digit == "<":
        return set(data) <= {"<"}
    return digit.isdigit() and all(c in _VALUES for c in data) and check_digit(data) == digit


@dataclass
class MRZ:
    """One parsed MRZ. Dates stay as printed (``YYMMDD``); ``birth_date_iso``/``expiry_date_iso`` carry the
    century rule of :mod:`ingest.normalise.dates` (``None`` when the printed date is not a date).
    ``checks`` maps each check of the format to its result (absent when the format has none)."""

    format: str
    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: str
    sex: str
    expiry_date: str
    optional_data: str
    optional_data_2: str
    checks: dict[str, bool] = field(default_factory=dict)
    long_docnum_convention: str | None = None
    birth_date_iso: str | None = None
    expiry_date_iso: str | None = None
    findings: list[str] = field(default_factory=list)

    @property
    def all_checks_ok(self) -> bool:
        """Every check digit of the format is right."""
        return all(self.checks.values())


def _name(text: str) -> tuple[str, str]:
    surname, _, given = text.partition("<<")
    return " ".join(surname.split("<")).strip(), " ".join(given.replace("<", " ").split())


def _lines(text: str | list[str] | tuple[str, ...], fld: str) -> list[str]:
    lines = [ln.strip().upper() for ln in (text.splitlines() if isinstance(text, str) else text)]
    lines = [ln.replace(" ", "") for ln in lines if ln.strip()]
    if len(lines) == 1 and len(lines[0]) in (90, 72, 88):
        one = lines[0]
        size = 30 if len(one) == 90 else len(one) // 2
        lines = [one[i : i + size] for i in range(0, len(one), size)]
    shape = tuple(len(ln) for ln in lines)
    if shape not in ((30, 30, 30), (36, 36), (44, 44)):
        raise InvalidMRZError(f"line lengths {shape} are none of TD1 (30x3), TD2/MRV-B (36x2), TD3/MRV-A (44x2)",
                              field=fld, value=text, rule="mrz-shape")  # fmt: skip
    bad = sorted({c for ln in lines for c in ln if c not in _VALUES})
    if bad:
        raise InvalidMRZError(f"characters {''.join(bad)!r} outside A-Z, 0-9 and <", field=fld, value=text,
                              rule="mrz-charset")  # fmt: skip
    return lines


def _long_number(head: str, opt: str) -> tuple[str, str, bool, str]:
    """Number, rest of the optional data, check result and convention of a long document number."""
    ext = opt.split("<", 1)[0]
    rest, digit = ext[:-1], ext[-1:]
    number = head.rstrip("<") + rest
    with_f = verify_check_digit(head + "<" + rest, digit) if digit else False
    without = verify_check_digit(head + rest, digit) if digit else False
    conv = {(True, True): "both", (True, False): "with_filler", (False, True): "without_filler"}.get(
        (with_f, without), "neither"
    )
    return number, opt[len(ext) :].strip("<"), with_f or without, conv


def _document(mrz: MRZ, head: str, digit: str, opt: str) -> str:
    """Fill the document number (long or short) and its check; returns the optional data left."""
    if mrz.format in ("TD1", "TD2") and digit == "<" and opt[:1] not in ("<", ""):
        number, opt, ok, conv = _long_number(head, opt)
        mrz.document_number, mrz.long_docnum_convention = number, conv
    else:
        mrz.document_number, ok = head.replace("<", ""), verify_check_digit(head, digit)
    mrz.checks["document_number"] = ok
    return opt.rstrip("<")


def parse_mrz(text: str | list[str] | tuple[str, ...], *, ref: date | None = None, field: str = "mrz") -> MRZ:
    """Parse an MRZ given as lines (a list, or one string with newlines, or the lines run together).

    >>> lines = ["I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2", "STEVENSON<<PETER<JOHN<<<<<<<<<"]
    >>> m = parse_mrz(lines)
    >>> m.format, m.document_number, m.long_docnum_convention, m.all_checks_ok, m.surname
    ('TD1', 'D23145890734', 'both', True, 'STEVENSON')
    """
    lines = _lines(text, field)
    l1, l2 = lines[0], lines[1]
    fmt = "TD1" if len(lines) == 3 else ("MRVA" if len(l1) == 44 else "MRVB") if l1[0] == "V" else (
        "TD3" if len(l1) == 44 else "TD2")  # fmt: skip
    if fmt == "TD1":
        l3 = lines[2]
        surname, given = _name(l3)
        data, opt2 = l2, l2[18:29]
        mrz = _blank(fmt, l1, surname, given, data[0:6], data[7], data[8:14], data[15:18], opt2.rstrip("<"))
        mrz.optional_data = _document(mrz, l1[5:14], l1[14], l1[15:30])
        composite, cdigit = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29]
        dates_at = l2
        birth_cd, expiry_cd = l2[6], l2[14]
    else:
        surname, given = _name(l1[5:])
        mrz = _blank(fmt, l1, surname, given, l2[13:19], l2[20], l2[21:27], l2[10:13], "")
        opt_end = 42 if fmt == "TD3" else len(l2) if fmt.startswith("MRV") else 35
        mrz.optional_data = _document(mrz, l2[0:9], l2[9], l2[28:opt_end])
        if fmt == "TD3":
            mrz.checks["optional_data"] = verify_check_digit(l2[28:42], l2[42])
        composite, cdigit = l2[0:10] + l2[13:20] + l2[21:-1], l2[-1]
        dates_at = l2[13:]
        birth_cd, expiry_cd = dates_at[6], dates_at[14]
    mrz.checks["birth_date"] = verify_check_digit(dates_at[0:6], birth_cd)
    mrz.checks["expiry_date"] = verify_check_digit(dates_at[8:14], expiry_cd)
    if not fmt.startswith("MRV"):
        mrz.checks["composite"] = verify_check_digit(composite, cdigit)
    mrz.checks = {k: mrz.checks[k] for k in CHECKS if k in mrz.checks}
    mrz.findings = [f"mrz-check: {k} check digit wrong" for k, ok in mrz.checks.items() if not ok]
    _dates(mrz, ref, field)
    return mrz


def _blank(fmt: str, l1: str, surname: str, given: str, birth: str, sex: str, expiry: str, nat: str,
           opt2: str) -> MRZ:  # fmt: skip
    return MRZ(fmt, l1[0:2].rstrip("<"), l1[2:5].rstrip("<"), surname, given, "", nat.rstrip("<"), birth,
               "X" if sex == "<" else sex, expiry, "", opt2)  # fmt: skip


def _dates(mrz: MRZ, ref: date | None, fld: str) -> None:
    for attr, kind in (("birth_date", "birth"), ("expiry_date", "expiry")):
        try:
            d = parse_date(getattr(mrz, attr), kind=kind, ref=ref, field=f"{fld}.{attr}")  # type: ignore[arg-type]
            setattr(mrz, f"{attr}_iso", d.iso if d else None)
        except NormaliseError as err:
            mrz.findings.append(str(err))


_COLUMNS = ["format", "document_code", "issuing_state", "surname", "given_names", "document_number", "nationality",
            "birth_date", "sex", "expiry_date", "optional_data", "optional_data_2", "long_docnum_convention",
            "birth_date_iso", "expiry_date_iso"]  # fmt: skip


def parse_mrzs(values: ArrayLike, *, ref: date | None = None, field: str = "mrz") -> pd.DataFrame | pa.Table:
    """Vectorised :func:`parse_mrz` over MRZ texts (lines separated by newlines): one column per field, one
    ``<check>_check_ok`` per check (``None`` where the format has none), ``all_check_digits_ok``,
    ``findings`` and ``error``.

    >>> df = parse_mrzs(pd.Series(["I<UTOD231458907<<<<<<<<<<<<<<<\\n7408122F1204159UTO<<<<<<<<<<<6\\n"
    ...                            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<", "garbage"]))
    >>> df["document_number"].tolist(), df["error"].isna().tolist()
    (['D23145890', None], [True, False])
    """

    def one(v: object) -> tuple[object, ...]:
        m = parse_mrz(str(v), ref=ref, field=field)
        checks = tuple(m.checks.get(k) for k in CHECKS)
        return (*(getattr(m, c) for c in _COLUMNS), *checks, m.all_checks_ok, "; ".join(m.findings) or None)

    columns = [*_COLUMNS, *(f"{k}_check_ok" for k in CHECKS), "all_check_digits_ok", "findings"]
    return map_unique(values, one, columns)
