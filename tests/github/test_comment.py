"""One pull-request comment, kept in place through GitHub's API (a recorded exchange)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest

from seam.errors import GitHubError, GitHubUnreachable
from seam.github import upsert_comment

NEW = "<!-- seam-report -->\nnew"


def _upsert(url: str, body: str | None) -> str:
    return upsert_comment(api_url=url, repository="acme/shop", number=42, token="t0ken", body=body)


def test_creates_after_reading_every_page(replay: Callable[[str], Any]) -> None:
    """With no marked comment on any page (Link rel=next followed), one comment is created."""
    server = replay("create")
    assert _upsert(server.url, NEW) == "created"
    assert server.done, server.mismatches
    assert server.received[-1]["body"] == {"body": NEW}
    assert {r["authorization"] for r in server.received} == {"Bearer t0ken"}


def test_updates_the_marked_comment_in_place(replay: Callable[[str], Any]) -> None:
    """The comment carrying the marker is edited, not a second one posted."""
    server = replay("update")
    assert _upsert(server.url, NEW) == "updated"
    assert server.done, server.mismatches
    assert server.received[-1]["method"] == "PATCH"


def test_same_body_is_left_alone(replay: Callable[[str], Any]) -> None:
    """An identical body sends no edit (no notification, no 'edited' mark)."""
    server = replay("unchanged")
    body = "<!-- seam-report -->\n### ❌ Seam diff\n\nold findings"
    assert _upsert(server.url, body) == "unchanged"
    assert server.done, server.mismatches


def test_removed_when_findings_are_gone(replay: Callable[[str], Any]) -> None:
    """No body means nothing left to say: the marked comment is deleted."""
    server = replay("delete")
    assert _upsert(server.url, None) == "deleted"
    assert server.done, server.mismatches


def test_nothing_to_remove(replay: Callable[[str], Any]) -> None:
    """No body and no marked comment: only the listing is read."""
    server = replay("absent")
    assert _upsert(server.url, None) == "absent"
    assert server.done, server.mismatches


def test_refused_token_says_which_permission(replay: Callable[[str], Any]) -> None:
    """A 403 becomes a GitHubError naming the status, GitHub's message and the permission."""
    server = replay("forbidden")
    expected = r"HTTP 403 Resource not accessible.*pull-requests: write"
    with pytest.raises(GitHubError, match=expected):
        _upsert(server.url, NEW)


def test_unreachable_api() -> None:
    """Nothing listening is GitHubUnreachable (exit 3), not a traceback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(GitHubUnreachable, match="did not answer"):
        _upsert(f"http://127.0.0.1:{port}", NEW)


def test_body_must_carry_the_marker() -> None:
    """A body without the marker could never be found again, so it is refused up front."""
    with pytest.raises(ValueError, match="marker"):
        _upsert("http://127.0.0.1:9", "no marker")
