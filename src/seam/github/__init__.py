"""Seam in a pull request on GitHub: the work behind the repository's ``action.yml``.

``pull_request`` runs ``diff`` against the pull request's base (fetched when the checkout is
shallow) and ``check``, then renders what GitHub shows: workflow-command annotations, the
job summary, and one comment body. ``upsert_comment`` keeps exactly one Seam comment on the
pull request, found by its hidden marker: created, updated in place, or removed once there
is nothing left to say. Side effects (git, GitHub's REST API over httpx) live here, never in
the pure layers.
"""

from seam.github._base import ensure_base_ref
from seam.github._comment import upsert_comment
from seam.github._pull_request import PullRequestResult, comment_body, pull_request

__all__ = [
    "PullRequestResult",
    "comment_body",
    "ensure_base_ref",
    "pull_request",
    "upsert_comment",
]
