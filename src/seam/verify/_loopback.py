"""The small HTTP servers verify runs on 127.0.0.1 for the Rust verifier to call.

Provider states (``_states``) and message producers (``_messages``) are both answered
from a thread beside the verifier: one JSON ``POST`` per interaction, on keep-alive
connections, with nothing logged.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

__all__ = ["JsonPostHandler", "LoopbackServer"]


class JsonPostHandler(BaseHTTPRequestHandler):
    """A quiet keep-alive handler whose requests carry a JSON body."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the verifier's delayed ACK
    # would stall every keep-alive call by ~40 ms.
    disable_nagle_algorithm = True

    def read_json(self) -> tuple[bool, Any]:
        """``(ok, document)``: the request body as JSON (an empty body is ``{}``)."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return True, json.loads(raw or b"{}")
        except ValueError:
            return False, None

    def send(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        """Answer with ``body`` and ``headers`` (Content-Length added)."""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        # The verifier calls once per interaction; stay quiet.
        return


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 (or ``host``), served while in a ``with`` block."""

    def __init__(
        self,
        handler: type[BaseHTTPRequestHandler],
        *,
        name: str,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._name = name
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=self._name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
