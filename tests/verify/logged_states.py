"""The Tasks provider's states, each setup logged to ``$SEAM_STATES_LOG``: who set up what.

``--states logged_states:states`` (with ``tests/verify`` on ``PYTHONPATH``). With
``SEAM_STATES_LOG=.../states-{worker}.log`` each worker process logs to its own file, so a
test sees which worker replayed which interactions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tasks_api.states import states as tasks_states

from seam.verify import ProviderStates

__all__ = ["states"]

states = ProviderStates()


@states.given("{name}")
def logged(name: str, **params: Any) -> dict[str, Any]:
    """Log the state's name, then set it up as the Tasks provider does."""
    with Path(os.environ["SEAM_STATES_LOG"]).open("a", encoding="utf-8") as log:
        log.write(name + "\n")
    return tasks_states.setup(name, params)
