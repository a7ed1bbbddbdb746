"""``contracts init``: Seam in an existing project, in one command.

Writes ``[tool.seam]`` into ``pyproject.toml`` (added without touching the rest of the
file), a starter consumer test using the ``pact`` fixture, and a GitHub workflow that runs
this repository's Action; then says which three commands come next. Nothing is
overwritten without ``force``, and every file is written atomically.
"""

from seam.scaffold._init import ACTION, InitResult, init

__all__ = ["ACTION", "InitResult", "init"]
