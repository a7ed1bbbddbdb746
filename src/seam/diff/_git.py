"""PR mode: the contracts as they were at a git revision, read with ``git show``."""

from __future__ import annotations

import subprocess
from pathlib import Path

from seam.errors import InputError, UsageError

__all__ = ["checkout_tree"]


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("--base needs git, and git is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise InputError(f"git {' '.join(args)}: {message[0] if message else 'failed'}")
    return done.stdout


def checkout_tree(ref: str, path: Path, into: Path) -> Path:
    """Write ``path`` (a file or folder) as it is at git ``ref`` under ``into``.

    Only ``git ls-tree`` and ``git show REF:file`` are used: the work tree, the
    index and HEAD are never touched.

    Returns:
        The copy of ``path`` under ``into``.

    A folder that does not exist at ``ref`` comes back empty (the change adds it).

    Raises:
        InputError: not a git repository, an unknown ref, or a file absent at ``ref``.
    """
    here = path.resolve() if path.exists() else (Path.cwd() / path).resolve()
    top = Path(
        _git(["rev-parse", "--show-toplevel"], here if here.is_dir() else here.parent)
        .decode()
        .strip()
    )
    rel = here.relative_to(top).as_posix() if here != top else "."
    names = _git(["ls-tree", "-r", "--name-only", "-z", ref, "--", rel], top).decode().split("\0")
    names = [n for n in names if n]
    if not names:
        if here.is_dir():
            # A pull request that adds the contracts folder: everything in it is new.
            (into / rel).mkdir(parents=True, exist_ok=True)
            return into / rel
        raise InputError(f"{rel} does not exist at {ref}; nothing to compare against")
    for name in names:
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_git(["show", f"{ref}:{name}"], top))
    return into / rel
