"""File helpers every layer may use: atomic writes and bounded reads."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from seam.errors import InputError

__all__ = ["SAFE_NAME", "SAFE_NAME_HINT", "atomic_write_text", "read_bounded"]

# What a consumer or provider name may hold to become part of a file name: no separator, no
# leading dot (``..``, a hidden file) or dash (an option), no space or control character.
# Checked before any name reaches a path (pact_ffi itself writes ``../../x`` wherever it leads).
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SAFE_NAME_HINT = "use letters, digits, '.', '_' and '-' (e.g. tasks-api)"

# Real specs top out around 5 MB (Stripe, GitHub); anything far past that is a mistake or an attack.
DEFAULT_MAX_BYTES = int(os.environ.get("SEAM_MAX_DOCUMENT_BYTES", 64 * 1024 * 1024))


def read_bounded(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "file") -> bytes:
    """Read ``path`` whole, refusing files larger than ``max_bytes``.

    Raises:
        InputError: the file is missing, unreadable, or too large.
    """
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{what} is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit; "
                "raise SEAM_MAX_DOCUMENT_BYTES if it is genuine",
                location=str(path),
            )
        with path.open("rb") as fh:
            return fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"no such {what}", location=str(path)) from None
    except IsADirectoryError:
        raise InputError(f"is a directory; expected {what}", location=str(path)) from None
    except PermissionError:
        raise InputError(f"cannot read {what}: permission denied", location=str(path)) from None


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    A reader never sees a half-written file, and on any failure the previous
    content of ``path`` stays as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
