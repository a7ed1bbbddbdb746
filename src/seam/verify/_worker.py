"""A verifier worker process: ``python -m seam.verify._worker`` (``--workers N``).

Reads one :class:`~seam.verify._replay.Shard` as JSON on standard input and writes
its :class:`~seam.verify._replay.ShardResult` as JSON on standard output. Each
worker is its own process so that the Rust verifier, the state handlers and the
environment they read (``DATABASE_URL`` of this worker's provider) are its own.
"""

from __future__ import annotations

import json
import sys

from seam.errors import SeamError
from seam.verify._replay import Shard, run_shard


def main() -> int:
    shard = Shard.from_dict(json.load(sys.stdin))
    try:
        result = run_shard(shard)
    except SeamError as exc:
        json.dump({"error": str(exc), "exit_code": exc.exit_code}, sys.stdout)
        return 0
    json.dump(result.to_dict(), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
