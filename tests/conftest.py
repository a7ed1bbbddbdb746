"""Fixtures shared by the toolkit's own tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ServeHTTP = Callable[[type[BaseHTTPRequestHandler]], str]


@contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def serve_http() -> Iterator[ServeHTTP]:
    """Serve a request-handler class on a free 127.0.0.1 port, in a thread; returns its URL.

    Every server started through it is stopped when the test ends.
    """
    with ExitStack() as stack:
        yield lambda handler: stack.enter_context(_serving(handler))
