"""Provider states: a registry of Python handlers, and the HTTP endpoint that serves them.

pact-python's own callable state handlers cannot hand values back to the verifier, so
provider-state generators (``generate.provider_state("${id}")``) never see them. Seam
serves the handlers itself on 127.0.0.1 and speaks the standard state-change protocol
the Rust verifier uses: ``POST {"state", "params", "action"}``; a JSON object in the
response body becomes the values the verifier injects.
"""

from __future__ import annotations

import inspect
import json
import re
import threading
import traceback
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, TypeVar

from seam._imports import import_object
from seam.errors import StateError, UsageError
from seam.verify._loopback import JsonPostHandler, LoopbackServer
from seam.verify._tls import environment

__all__ = ["ProviderStates", "StateError", "StateServer", "call_with", "load_states"]

F = TypeVar("F", bound=Callable[..., Any])

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(slots=True)
class _Entry:
    pattern: str
    regex: re.Pattern[str]
    captures: tuple[str, ...]
    setup: Callable[..., Any] | None = None
    teardown: Callable[..., Any] | None = None


def _compile(pattern: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    parts: list[str] = []
    names: list[str] = []
    last = 0
    for m in _PLACEHOLDER.finditer(pattern):
        parts.append(re.escape(pattern[last : m.start()]))
        parts.append(f"(?P<{m.group(1)}>.+?)")
        names.append(m.group(1))
        last = m.end()
    parts.append(re.escape(pattern[last:]))
    return re.compile("^" + "".join(parts) + "$"), tuple(names)


def _convert(value: str, annotation: Any) -> Any:
    """Turn a captured string into the handler's annotated type (int, float, bool, str)."""
    kinds = {"int": int, "float": float, "bool": bool, "str": str}
    kind = kinds.get(annotation, annotation) if isinstance(annotation, str) else annotation
    if kind is int:
        return int(value)
    if kind is float:
        return float(value)
    if kind is bool:
        return value.strip().lower() in {"1", "true", "yes"}
    return value


def call_with(func: Callable[..., Any], values: Mapping[str, Any]) -> Any:
    """Call ``func`` with the values its signature accepts (all of them if it takes ``**``)."""
    sig = inspect.signature(func)
    params = sig.parameters
    takes_all = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        if name in params:
            annotation = params[name].annotation
            kwargs[name] = _convert(value, annotation) if isinstance(value, str) else value
        elif takes_all:
            kwargs[name] = value
    return func(**kwargs)


def _key(name: str, params: Mapping[str, Any]) -> str:
    return name + "\0" + json.dumps(params, sort_keys=True, default=str)


class ProviderStates:
    """A registry of provider-state handlers.

    Example::

        states = ProviderStates()

        @states.given("task {id} exists")
        def task_exists(id: int, **params):
            insert_task(url, id=id, title=params.get("title", "A task"))
            return {"id": id}            # reaches generate.provider_state("${id}")

    ``{name}`` captures from the state name, converted to the parameter's annotated
    type; the pact's own state parameters are passed too (they win over captures).
    A handler may return a dict of values, or be a generator: what it yields are the
    values and the code after ``yield`` is the teardown. ``@states.teardown(pattern)``
    registers a separate teardown function instead.
    """

    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self._open: dict[str, Generator[Any, Any, Any]] = {}
        self._values: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def _entry(self, pattern: str) -> _Entry:
        for entry in self._entries:
            if entry.pattern == pattern:
                return entry
        regex, captures = _compile(pattern)
        entry = _Entry(pattern, regex, captures)
        self._entries.append(entry)
        return entry

    def given(self, pattern: str) -> Callable[[F], F]:
        """Register the setup handler for states matching ``pattern``."""

        def register(func: F) -> F:
            entry = self._entry(pattern)
            if entry.setup is not None:
                raise ValueError(f"provider state {pattern!r} has two setup handlers")
            entry.setup = func
            return func

        return register

    def teardown(self, pattern: str) -> Callable[[F], F]:
        """Register a teardown function for states matching ``pattern``."""

        def register(func: F) -> F:
            entry = self._entry(pattern)
            if entry.teardown is not None:
                raise ValueError(f"provider state {pattern!r} has two teardown handlers")
            entry.teardown = func
            return func

        return register

    @property
    def patterns(self) -> list[str]:
        """Every registered state pattern, in registration order."""
        return [e.pattern for e in self._entries]

    def _match(self, name: str) -> tuple[_Entry, dict[str, str]]:
        # A literal pattern wins over one with placeholders ("task 1 exists" over
        # "task {id} exists"); otherwise the first registered match wins.
        ordered = sorted(self._entries, key=lambda e: bool(e.captures))
        for entry in ordered:
            m = entry.regex.match(name)
            if m:
                return entry, m.groupdict()
        known = ", ".join(repr(p) for p in self.patterns) or "none"
        raise StateError(f"no handler for provider state {name!r} (known: {known})")

    def setup(self, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Set up state ``name`` and return the values it provides (kept for :meth:`values`).

        Raises:
            StateError: no handler matches, or the handler raised.
        """
        entry, captured = self._match(name)
        values: dict[str, Any] = {**captured, **(params or {})}
        if entry.setup is None:
            return {}
        try:
            result = call_with(entry.setup, values)
            if inspect.isgenerator(result):
                yielded = next(result, None)
                with self._lock:
                    self._open[_key(name, params or {})] = result
                result = yielded
        except StateError:
            raise
        except Exception as exc:
            raise StateError(_describe(name, "setup", exc)) from exc
        if result is None:
            result = {}
        if not isinstance(result, Mapping):
            raise StateError(
                f"provider state {name!r}: setup returned {type(result).__name__}, "
                "expected a dict of values or None"
            )
        with self._lock:
            self._values[_key(name, params or {})] = dict(result)
        return dict(result)

    def values(self, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The values the last setup of ``name`` with ``params`` returned, or an empty dict."""
        with self._lock:
            return dict(self._values.get(_key(name, params or {}), {}))

    def teardown_state(self, name: str, params: Mapping[str, Any] | None = None) -> None:
        """Tear down state ``name`` (the generator's rest, or the teardown function).

        Raises:
            StateError: no handler matches, or the teardown raised.
        """
        entry, captured = self._match(name)
        with self._lock:
            gen = self._open.pop(_key(name, params or {}), None)
        try:
            if gen is not None:
                for _ in gen:
                    raise StateError(f"provider state {name!r}: a handler may yield only once")
            if entry.teardown is not None:
                call_with(entry.teardown, {**captured, **(params or {})})
        except StateError:
            raise
        except Exception as exc:
            raise StateError(_describe(name, "teardown", exc)) from exc


def _describe(name: str, action: str, exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"provider state {name!r}: {action} raised {type(exc).__name__}: {exc}{where}"


def load_states(spec: str) -> ProviderStates:
    """Import ``module:attr`` and return the :class:`ProviderStates` it names.

    The current folder is importable, as ``snapshot --app`` makes it (one helper,
    :func:`seam._imports.import_object`).

    Raises:
        UsageError: the spec is malformed, the module cannot be imported or the
            attribute is not a ProviderStates.
    """
    obj = import_object(spec, option="--states", example="tasks_api.states:states")
    if not isinstance(obj, ProviderStates):
        found = type(obj).__name__
        raise UsageError(f"--states {spec!r}: expected a seam.verify.ProviderStates, found {found}")
    return obj


@dataclass(slots=True)
class StateCall:
    """One state-change request the verifier made, and what came of it."""

    state: str
    params: dict[str, Any]
    action: str
    error: str | None = None


@dataclass(slots=True)
class _Journal:
    calls: list[StateCall] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, call: StateCall) -> None:
        with self.lock:
            self.calls.append(call)


class StateServer:
    """Serves a :class:`ProviderStates` as a state-change URL on 127.0.0.1.

    Use as a context manager; ``url`` is where the verifier posts. Every failed call
    is kept in ``errors`` so the report can show the handler's own message. With
    ``states=None`` it only counts (``on_setup``) and answers every call with no values,
    as if there were no state-change URL: how a run without handlers shows progress.
    """

    def __init__(
        self,
        states: ProviderStates | None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        on_setup: Callable[[], None] | None = None,
        handler_env: Mapping[str, str | None] | None = None,
    ) -> None:
        self.states = states
        self._journal = _Journal()
        handler = _handler_class(states, self._journal, on_setup, handler_env or {})
        self._server = LoopbackServer(handler, name="seam-state-server", host=host, port=port)

    @property
    def url(self) -> str:
        host, port = self._server.address
        return f"http://{host}:{port}/_seam/provider-states"

    @property
    def errors(self) -> list[StateCall]:
        """The calls that failed, in the order they happened."""
        with self._journal.lock:
            return [c for c in self._journal.calls if c.error]

    def start(self) -> StateServer:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> StateServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler_class(
    states: ProviderStates | None,
    journal: _Journal,
    on_setup: Callable[[], None] | None,
    handler_env: Mapping[str, str | None],
) -> type[BaseHTTPRequestHandler]:
    # One handler at a time while its environment is in place (the verifier waits for
    # each state change, so it reads no variables meanwhile).
    env_lock = threading.Lock()

    class Handler(JsonPostHandler):
        def do_POST(self) -> None:
            ok, doc = self.read_json()
            if not ok:
                self._send(400, {"error": "state-change body is not JSON"})
                return
            state = str(doc.get("state") or "")
            params = doc.get("params") or {}
            action = str(doc.get("action") or "setup")
            call = StateCall(state, dict(params), action)
            if on_setup is not None and action != "teardown":
                on_setup()  # the verifier sets up states as it starts each interaction
            try:
                if handler_env and state:
                    with env_lock, environment(handler_env):
                        values = _run(states, state, params, action)
                else:
                    values = _run(states, state, params, action)
            except StateError as exc:
                call.error = str(exc)
                journal.add(call)
                self._send(422, {"error": str(exc)})
                return
            journal.add(call)
            self._send(200, values)

        def _send(self, status: int, body: Mapping[str, Any]) -> None:
            data = json.dumps(body, default=str).encode()
            self.send(status, data, {"Content-Type": "application/json"})

    return Handler


def _run(states: ProviderStates | None, state: str, params: Mapping[str, Any], action: str) -> Any:
    # The empty state is the verifier's generic per-interaction hook: nothing to do.
    if not state or states is None:
        return {}
    if action == "teardown":
        states.teardown_state(state, params)
        return {}
    return states.setup(state, params)


@contextmanager
def serve_states(states: ProviderStates, *, port: int = 0) -> Iterator[StateServer]:
    """Serve ``states`` on 127.0.0.1 for the duration of the ``with`` block."""
    with StateServer(states, port=port) as server:
        yield server


__all__ += ["StateCall", "serve_states"]
