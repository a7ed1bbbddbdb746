"""The pull request's base in the checkout, fetched when a shallow clone lacks it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from seam.errors import InputError, UsageError

__all__ = ["ensure_base_ref"]


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UsageError("the pull-request diff needs git, and git is not installed") from None


def _resolves(ref: str, cwd: Path) -> bool:
    return _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd).returncode == 0


def ensure_base_ref(ref: str, cwd: Path, *, remote: str = "origin") -> tuple[str, str | None]:
    """A ref for the base that resolves in ``cwd``, fetching it from ``remote`` if needed.

    ``actions/checkout`` clones one commit deep by default, so the base branch of a pull
    request (``GITHUB_BASE_REF``, a branch name) is usually not there. Only the base's tip
    is fetched (``--depth=1``): ``diff --base`` reads files at that commit, never history.

    Args:
        ref: a branch name, ``remote/branch``, a tag or a commit.
        cwd: a folder inside the git checkout.
        remote: where to fetch a missing base from.

    Returns:
        The ref to pass to ``diff --base`` and, when it had to be fetched, a note saying so.

    Raises:
        InputError: the base is not in the checkout and cannot be fetched (the message says
            whether the checkout is shallow and what to do).
    """
    for candidate in (ref, f"{remote}/{ref}"):
        if _resolves(candidate, cwd):
            return candidate, None
    shallow = _git(["rev-parse", "--is-shallow-repository"], cwd).stdout.strip() == "true"
    branch = ref.removeprefix(f"{remote}/")
    fetched = _git(
        [
            "fetch",
            "--no-tags",
            "--depth=1",
            remote,
            f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}",
        ],
        cwd,
    )
    kind = "shallow checkout" if shallow else "checkout"
    if fetched.returncode == 0 and _resolves(f"{remote}/{branch}", cwd):
        note = f"fetched the base {branch!r} from {remote} (it was not in the {kind})"
        return f"{remote}/{branch}", note
    lines = (fetched.stderr or fetched.stdout).strip().splitlines()
    reason = lines[-1] if lines else f"exit {fetched.returncode}"
    raise InputError(
        f"the base {ref!r} is not in this {kind} and fetching it from {remote} failed "
        f"({reason}); check out with `fetch-depth: 0` or pass the base ref explicitly"
    )
