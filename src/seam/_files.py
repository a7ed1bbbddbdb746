"""File helpers every layer may use: atomic writes (one file, or several all or nothing) and
bounded reads.

A bounded read refuses, with one clear line, what would otherwise crash or hang a
reader: a file too large (``SEAM_MAX_DOCUMENT_BYTES``), text that is not UTF-8, data
nested too deep (``SEAM_MAX_DOCUMENT_DEPTH``), and integers too long for Python to
convert. Every reader of pacts and OpenAPI documents goes through these.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import json
import math
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from seam.errors import InputError

__all__ = [
    "atomic_write_files",
    "atomic_write_text",
    "check_bounds",
    "decode_text",
    "load_json",
    "parse_bounds",
    "read_bounded",
    "write_if_changed",
    "yaml_key",
]


# Real specs top out around 5 MB (Stripe, GitHub); anything far past that is a mistake or an attack.
DEFAULT_MAX_BYTES = int(os.environ.get("SEAM_MAX_DOCUMENT_BYTES", 64 * 1024 * 1024))
# Nesting depth, counted in objects and arrays from the root. Real documents stay under 30
# (Stripe 23, GitHub 17). The Rust verifier (serde_json's default limit) reads no pact nested
# deeper than 127, and every recursive walker (compat, diff, snapshot, jsonschema-rs,
# openapi-spec-validator) handles that with room to spare at Python's default recursion limit
# (the first of them fails past 250: tests/hostile/test_input_documents.py holds the margin).
MAX_DEPTH = int(os.environ.get("SEAM_MAX_DOCUMENT_DEPTH", 127))

# Byte-order marks of the encodings Seam does not read, longest first (UTF-32 LE starts
# with UTF-16 LE's mark).
_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


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


def decode_text(
    raw: bytes,
    *,
    what: str = "file",
    location: str | None = None,
    error: type[InputError] = InputError,
) -> str:
    """Decode UTF-8 text, with or without a byte-order mark.

    JSON exchanged between systems must be UTF-8 (RFC 8259, section 8.1), and the Rust
    verifier and the broker read nothing else: UTF-16 and UTF-32 are named and refused
    rather than guessed at.

    Raises:
        InputError: ``error``, when the bytes are not UTF-8.
    """
    for bom, name in _OTHER_BOMS:
        if raw.startswith(bom):
            raise error(
                f"{what} is {name} text; Seam reads UTF-8: convert it "
                f"(e.g. iconv -f {name} -t UTF-8)",
                location=location,
            )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            f"{what} is not UTF-8 text (byte {exc.start} is {raw[exc.start]:#04x}); "
            "save it as UTF-8",
            location=location,
        ) from None


def check_bounds(
    data: Any,
    *,
    what: str = "document",
    location: str | None = None,
    error: type[InputError] = InputError,
    max_depth: int = MAX_DEPTH,
    string_keys: bool = False,
) -> None:
    """Refuse parsed data nested too deep, or holding an integer too long to print.

    The analyses walk documents recursively; bounding the depth once, on read, keeps
    every one of them far from Python's recursion limit. A YAML parser hands over
    integers of any length, which ``str()`` then refuses (``sys.set_int_max_str_digits``).
    The walk here is iterative, one level at a time (about 25 ms for a 4 MB document),
    and a cycle (a recursive YAML alias) counts as too deep.

    With ``string_keys``, the same walk also turns YAML's non-string mapping keys into the
    strings JSON would hold (``200:`` is the status ``"200"``, ``true:`` is ``"true"``),
    in place: a second walk copying the whole document cost more than parsing it.

    Raises:
        InputError: ``error``, when the data is out of bounds.
    """
    max_bits = _max_int_bits()
    join = "".join
    level = [data]
    for _ in range(max_depth):
        below: list[Any] = []
        extend = below.extend
        for node in level:
            kind = type(node)
            if kind is dict or isinstance(node, dict):
                if string_keys:
                    try:
                        join(node)  # in C: fails on the first key that is not a string
                    except TypeError:
                        _stringify_keys(node, max_bits, what, location, error)
                extend(node.values())
            elif kind is list or isinstance(node, list):
                extend(node)
            elif kind is int and node.bit_length() > max_bits:
                raise error(_long_integer(what), location=location)
        if not below:
            return
        level = below
    if any(isinstance(node, (dict, list)) for node in level):
        raise error(_too_deep(what, max_depth), location=location)


def _stringify_keys(
    node: dict[Any, Any],
    max_bits: int,
    what: str,
    location: str | None,
    error: type[InputError],
) -> None:
    """Rewrite ``node``'s keys as strings, in place and in order (a later duplicate wins)."""
    items = []
    for key, value in node.items():
        if type(key) is int and key.bit_length() > max_bits:
            raise error(_long_integer(what), location=location)
        items.append((yaml_key(key), value))
    node.clear()
    node.update(items)


def yaml_key(key: Any) -> str:
    """A YAML mapping key as JSON would spell it: ``200`` → ``"200"``, ``True`` → ``"true"``."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


@contextlib.contextmanager
def parse_bounds(
    *, what: str = "document", location: str | None = None, error: type[InputError] = InputError
) -> Iterator[None]:
    """Turn a parser's RecursionError and too-long-integer ValueError into ``error``.

    Both are how Python's JSON parser and PyYAML meet data out of bounds; any other
    exception (``json.JSONDecodeError`` included) passes through.
    """
    try:
        yield
    except RecursionError:
        # The parsers stop near Python's recursion limit, far past MAX_DEPTH.
        raise error(_too_deep(what, MAX_DEPTH), location=location) from None
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            raise
        raise error(_long_integer(what), location=location) from None


def load_json(
    text: str | bytes,
    *,
    what: str = "document",
    location: str | None = None,
    error: type[InputError] = InputError,
) -> Any:
    """``json.loads`` within the bounds of a read: UTF-8, nesting depth, integer length.

    Raises:
        json.JSONDecodeError: the text is not JSON (each format words that itself).
        InputError: ``error``, for text that is not UTF-8, nested too deep, or an
            integer longer than Python converts (``sys.get_int_max_str_digits()``).
    """
    if isinstance(text, bytes):
        text = decode_text(text, what=what, location=location, error=error)
    with parse_bounds(what=what, location=location, error=error):
        data = json.loads(text)
    check_bounds(data, what=what, location=location, error=error)
    return data


def _too_deep(what: str, max_depth: int) -> str:
    return (
        f"{what} is nested more than {max_depth} levels deep; "
        "raise SEAM_MAX_DOCUMENT_DEPTH if it is genuine"
    )


def _max_int_bits() -> int:
    digits = sys.get_int_max_str_digits() or 1_000_000
    return int(digits * math.log2(10))


def _long_integer(what: str) -> str:
    digits = sys.get_int_max_str_digits()
    return f"{what} has an integer of more than {digits} digits; write it as a string"


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically unless the file already holds exactly it.

    Snapshot writers use it so an unchanged snapshot keeps its file (and its mtime, which
    build tools and pre-commit look at) untouched.

    Returns:
        Whether the file was written.
    """
    try:
        if path.read_bytes() == text.encode("utf-8"):
            return False
    except FileNotFoundError:
        pass
    atomic_write_text(path, text)
    return True


def _stage(path: Path, text: str) -> str:
    """Write ``text`` to a new temporary sibling of ``path``, synced to disk; return its name."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    A reader never sees a half-written file, and on any failure the previous
    content of ``path`` stays as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _stage(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_files(files: Mapping[Path, str | None]) -> None:
    """Write several files all or nothing: each through a temporary sibling, then rename all.

    Nothing is replaced unless every temporary file could be written, so a folder that
    refuses writes leaves every existing file as it was. A file mapped to None is removed,
    once the others are in place.

    Args:
        files: Each path and its new text, or None to remove it.

    Raises:
        OSError: a folder cannot be created or written (``NotADirectoryError`` when a file
            is in the way of one); no file was replaced.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            if text is None:
                continue
            if path.parent.exists() and not path.parent.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, "a file is in the way", str(path.parent))
            path.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_stage(path, text), path))
        for tmp, path in staged:
            os.replace(tmp, path)
        for path in (p for p, text in files.items() if text is None):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
