"""The ``pact`` fixture's object: pact-python's own ``Pact``, watched a little.

pact-python is imported here, inside functions, so that a pytest run that never asks
for the fixture never loads pact_ffi.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

from seam._files import load_json, read_bounded
from seam.errors import PactError

__all__ = ["ExerciseError", "new_pact", "pact_document", "unexercised"]


class ExerciseError(AssertionError):
    """A test declared interactions and never exercised them."""


@functools.cache
def _seam_pact_class() -> type[Any]:
    from pact import Pact

    class SeamPact(Pact):
        """A ``pact.Pact`` that remembers whether it was served, and which messages it verified."""

        def __init__(self, consumer: str, provider: str) -> None:
            super().__init__(consumer, provider)
            self.seam_served = False
            # Descriptions of the messages handed to a handler by verify(): a message
            # declared after the last verify() never reached the consumer's handler.
            self.seam_verified: set[str] = set()

        def serve(self, *args: Any, **kwargs: Any) -> Any:
            # pact_ffi's mock server panics (a Rust unwrap) on a pact that also holds
            # message interactions; say so before it does.
            if any(True for _ in self.interactions("Async")):
                raise ExerciseError(
                    "seam: this Pact has message interactions, which pact_ffi's mock server "
                    "cannot serve; declare messages in their own test and check them with "
                    "pact.verify(handler, 'Async')"
                )
            self.seam_served = True
            if not args:
                # Loopback only, and by address: "localhost" may resolve to ::1 first.
                kwargs.setdefault("addr", "127.0.0.1")
            return super().serve(*args, **kwargs)

        def verify(self, *args: Any, **kwargs: Any) -> Any:
            kind = args[1] if len(args) > 1 else kwargs.get("kind", "Async")
            # Recorded before the handler runs: a handler that raises fails the test anyway.
            self.seam_verified.update(str(m.description) for m in self.interactions(kind))
            return super().verify(*args, **kwargs)

    return SeamPact


def new_pact(consumer: str, provider: str, specification: str) -> Any:
    """A fresh pact-python ``Pact`` for one test."""
    pact = _seam_pact_class()(consumer, provider)
    pact.with_specification(specification)
    return pact


@functools.cache
def _scratch() -> Path:
    # One private folder per process (each xdist worker has its own), removed at exit.
    folder = tempfile.mkdtemp(prefix="seam-pacts-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(folder)


def pact_document(pact: Any) -> dict[str, Any] | None:
    """The pact as pact_ffi would write it, or ``None`` when nothing was declared.

    pact_ffi has no call that returns a pact as JSON, so it writes one, overwriting, into
    this process's private folder: nobody else writes there, so its file lock never
    contends, and the folder is reused because creating and removing one per test costs
    more than the write itself.
    """
    if not any(True for _ in pact.interactions("All")):
        return None
    folder = _scratch()
    for stale in folder.iterdir():
        stale.unlink()
    pact.write_file(folder, overwrite=True)
    (written,) = (p for p in folder.iterdir() if p.suffix == ".json")
    where = str(written)
    doc: dict[str, Any] = load_json(
        read_bounded(written, what="pact file"), what="pact file", location=where, error=PactError
    )
    return doc


def unexercised(pact: Any, doc: dict[str, Any]) -> str | None:
    """Why the test's declared interactions were never exercised, or ``None``."""
    interactions = doc.get("interactions", []) + doc.get("messages", [])
    http = [i for i in interactions if "request" in i]
    messages = [i for i in interactions if "request" not in i]
    problems = []
    if http and not pact.seam_served:
        names = ", ".join(repr(i.get("description")) for i in http)
        problems.append(
            f"declared {len(http)} HTTP interaction(s) but never started the mock server "
            f"(with pact.serve() as server: ...): {names}"
        )
    unchecked = [i for i in messages if i.get("description") not in pact.seam_verified]
    if unchecked:
        names = ", ".join(repr(i.get("description")) for i in unchecked)
        problems.append(
            f"declared {len(unchecked)} message interaction(s) but never handed them to the "
            f"consumer's handler (pact.verify(handler, 'Async') after declaring them): {names}"
        )
    return "seam: " + "; ".join(problems) if problems else None
