"""One pull-request comment, found by its hidden marker and updated in place.

GitHub's REST API (issues comments, version 2022-11-28)::

    GET    /repos/{repo}/issues/{number}/comments?per_page=100   (pages via the Link header)
    POST   /repos/{repo}/issues/{number}/comments                {"body"}
    PATCH  /repos/{repo}/issues/comments/{id}                    {"body"}
    DELETE /repos/{repo}/issues/comments/{id}
"""

from __future__ import annotations

from typing import Any

import httpx

from seam import __version__
from seam.errors import GitHubError, GitHubUnreachable
from seam.reporters import MARKDOWN_MARKER

__all__ = ["upsert_comment"]


def _request(client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TransportError as exc:
        raise GitHubUnreachable(f"GitHub's API did not answer {method} {url}: {exc}") from None
    if response.status_code >= 400:
        try:
            said = response.json().get("message", "")
        except ValueError:
            said = response.text[:200]
        hint = ""
        if response.status_code in (401, 403, 404):
            hint = "; the token needs `pull-requests: write` (or `issues: write`) permission"
        raise GitHubError(
            f"GitHub refused {method} {url}: HTTP {response.status_code} {said}".rstrip() + hint
        )
    return response


def upsert_comment(
    *,
    api_url: str,
    repository: str,
    number: int,
    token: str,
    body: str | None,
    marker: str = MARKDOWN_MARKER,
    timeout: float = 30.0,
) -> str:
    """Keep one comment carrying ``marker`` on pull request ``number``.

    Args:
        api_url: GitHub's REST API root (``GITHUB_API_URL``).
        repository: ``owner/name``.
        number: the pull request's number.
        token: a token allowed to write pull-request comments.
        body: the comment (it must contain ``marker``), or None to remove the comment.
        marker: the hidden text that identifies the comment.
        timeout: seconds per request.

    Returns:
        ``created``, ``updated``, ``unchanged``, ``deleted`` or ``absent`` (nothing to remove).

    Raises:
        GitHubUnreachable: the API did not answer.
        GitHubError: the API refused a request.
    """
    if body is not None and marker not in body:
        raise ValueError("the comment body must carry the marker, or it could never be updated")
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": f"seam/{__version__}",
    }
    root = api_url.rstrip("/")
    with httpx.Client(headers=headers, timeout=timeout) as client:
        existing = _find(client, f"{root}/repos/{repository}/issues/{number}/comments", marker)
        if existing is None:
            if body is None:
                return "absent"
            _request(
                client,
                "POST",
                f"{root}/repos/{repository}/issues/{number}/comments",
                json={"body": body},
            )
            return "created"
        url = f"{root}/repos/{repository}/issues/comments/{existing['id']}"
        if body is None:
            _request(client, "DELETE", url)
            return "deleted"
        if existing.get("body") == body:
            return "unchanged"
        _request(client, "PATCH", url, json={"body": body})
        return "updated"


def _find(client: httpx.Client, url: str, marker: str) -> dict[str, Any] | None:
    """The first comment whose body carries ``marker``, following every page."""
    next_url: str | None = url
    params: dict[str, Any] | None = {"per_page": 100}
    while next_url:
        response = _request(client, "GET", next_url, params=params)
        for comment in response.json():
            if isinstance(comment, dict) and marker in str(comment.get("body") or ""):
                return comment
        next_url = response.links.get("next", {}).get("url")
        params = None  # the next link carries its own query
    return None
