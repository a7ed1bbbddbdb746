"""``MODULE:OBJ`` options: the user's Python object, imported as ``python -m`` would.

``contracts snapshot --app`` and ``contracts verify --states`` name an object in the
user's code. The current folder is importable while it is imported (as ``python -m``
makes it), so ``tasks_api.app:app`` works from the project's folder without a
``PYTHONPATH``; any failure is one usage-error line naming the option.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

from seam.errors import UsageError

__all__ = ["import_object"]


def import_object(reference: str, *, option: str, example: str) -> Any:
    """Import ``MODULE:ATTR`` (``ATTR`` may be dotted) with the current folder importable.

    Args:
        reference: what the user wrote.
        option: the option it came from, named in every error (``--states``).
        example: a well-formed reference to show when it is malformed.

    Raises:
        UsageError: the reference is malformed, the import fails (whatever the user's
            module raises, ``SystemExit`` included) or the attribute is missing.
    """
    module_name, _, attr_path = reference.partition(":")
    if not module_name or not attr_path:
        raise UsageError(f"{option} expects MODULE:ATTR (e.g. {example}), not {reference!r}")
    target = _import(module_name, option)
    for part in attr_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise UsageError(
                f"{option}: module {module_name!r} has no attribute {attr_path!r}"
            ) from None
    return target


def _import(module_name: str, option: str) -> Any:
    cwd = os.getcwd()
    added = cwd not in sys.path
    if added:
        sys.path.insert(0, cwd)
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise UsageError(
                f"{option}: cannot import {module_name!r}: no module named {exc.name!r}; "
                "is it on PYTHONPATH (or in the current directory)?"
            ) from None
        raise UsageError(
            f"{option}: importing {module_name!r} failed: {type(exc).__name__}: {_first_line(exc)}"
        ) from None
    except (Exception, SystemExit) as exc:  # the user's module may do anything while importing
        raise UsageError(
            f"{option}: importing {module_name!r} failed: {type(exc).__name__}: {_first_line(exc)}"
        ) from None
    finally:
        if added:
            sys.path.remove(cwd)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "(no message)"
