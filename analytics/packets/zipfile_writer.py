"""A deterministic zip: the same files give the same bytes (sorted entries, fixed times and modes).

>>> import io, zipfile
>>> a, b = io.BytesIO(), io.BytesIO()
>>> write_zip({"b.txt": b"2", "a.txt": b"1"}, a); write_zip({"a.txt": b"1", "b.txt": b"2"}, b)
>>> a.getvalue() == b.getvalue(), zipfile.ZipFile(a).namelist()
(True, ['a.txt', 'b.txt'])
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import BinaryIO

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644
LEVEL = 9


def write_zip(files: dict[str, bytes], out: BinaryIO, *, comment: bytes = b"") -> None:
    """Write ``files`` (name -> bytes) as a deflated zip, entries sorted by name, to the open stream ``out``."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = FILE_MODE << 16
            zf.writestr(info, files[name], compresslevel=LEVEL)
        zf.comment = comment


def write_zip_file(files: dict[str, bytes], path: Path, *, comment: bytes = b"") -> Path:
    """Write the zip to ``path`` atomically (a temporary file beside it, then a rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        write_zip(files, fh, comment=comment)
    os.replace(tmp, path)
    return path
