"""Provider-state handlers: matching, parameters, values, teardown, and the served endpoint."""

from __future__ import annotations

import sys
import types
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from seam.errors import SeamError, UsageError
from seam.verify import ProviderStates, StateError, StateServer, load_states


def test_capture_is_converted_to_the_annotated_type() -> None:
    """`{id}` captured from the state name arrives as the handler's annotated int."""
    states = ProviderStates()
    seen: list[Any] = []

    @states.given("task {id} exists")
    def task(id: int) -> None:
        seen.append(id)

    states.setup("task 17 exists")
    assert seen == [17]


def test_pact_params_are_passed_and_win_over_captures() -> None:
    """The pact's state parameters reach the handler and override a capture of the same name."""
    states = ProviderStates()

    @states.given("task {id} exists")
    def task(id: int, **params: Any) -> dict[str, Any]:
        return {"id": id, **params}

    assert states.setup("task 3 exists", {"id": 4, "title": "x"}) == {"id": 4, "title": "x"}


def test_literal_state_wins_over_a_pattern() -> None:
    """A state registered literally is chosen over a placeholder pattern that also matches."""
    states = ProviderStates()

    @states.given("task {id} exists")
    def any_task(id: int) -> dict[str, Any]:
        return {"which": "pattern"}

    @states.given("task 1 exists")
    def first_task() -> dict[str, Any]:
        return {"which": "literal"}

    assert states.setup("task 1 exists") == {"which": "literal"}


def test_generator_handler_yields_values_and_tears_down_after() -> None:
    """A generator's yielded dict is the values; the code after `yield` runs at teardown."""
    states = ProviderStates()
    events: list[str] = []

    @states.given("a user")
    def user() -> Iterator[dict[str, Any]]:
        events.append("setup")
        yield {"name": "ada"}
        events.append("teardown")

    assert states.setup("a user") == {"name": "ada"}
    assert events == ["setup"]
    states.teardown_state("a user")
    assert events == ["setup", "teardown"]


def test_separate_teardown_function_gets_the_same_arguments() -> None:
    """`@states.teardown(pattern)` is called with the captures and params of the state."""
    states = ProviderStates()
    torn: list[Any] = []

    @states.given("task {id} exists")
    def setup(id: int) -> None:
        return None

    @states.teardown("task {id} exists")
    def teardown(id: int, **params: Any) -> None:
        torn.append((id, params))

    states.teardown_state("task 5 exists", {"title": "t"})
    assert torn == [(5, {"title": "t"})]


def test_unknown_state_names_the_known_ones() -> None:
    """A state no handler knows raises StateError listing the registered patterns."""
    states = ProviderStates()
    states.given("no tasks")(lambda: None)
    with pytest.raises(StateError, match=r"no handler for provider state 'a cat'.*'no tasks'"):
        states.setup("a cat")


def test_handler_error_is_wrapped_with_its_message() -> None:
    """An exception inside a handler becomes a StateError with the state, type and message."""
    states = ProviderStates()

    @states.given("broken")
    def broken() -> None:
        raise RuntimeError("database is locked")

    with pytest.raises(
        StateError, match=r"'broken': setup raised RuntimeError: database is locked"
    ):
        states.setup("broken")


def test_state_error_is_a_seam_error_that_hides_passwords() -> None:
    """StateError sits in the SeamError tree, so a handler's database URL shows no password."""
    states = ProviderStates()

    @states.given("no database")
    def down() -> None:
        raise RuntimeError("cannot reach postgresql://app:s3cret@127.0.0.1/tasks")

    with pytest.raises(SeamError) as caught:
        states.setup("no database")
    assert isinstance(caught.value, StateError)
    assert "s3cret" not in str(caught.value)
    assert "postgresql://app:***@127.0.0.1/tasks" in str(caught.value)


def test_setup_must_return_a_dict_or_none() -> None:
    """A handler returning something other than a dict is reported, not sent to the verifier."""
    states = ProviderStates()
    states.given("odd")(lambda: 42)
    with pytest.raises(StateError, match="expected a dict of values or None"):
        states.setup("odd")


def test_two_setup_handlers_for_one_pattern_are_refused() -> None:
    """Registering a second setup handler for the same pattern is a programming error."""
    states = ProviderStates()
    states.given("x")(lambda: None)
    with pytest.raises(ValueError, match="two setup handlers"):
        states.given("x")(lambda: None)


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param("no_colon", id="no-colon"),
        pytest.param("seam_no_such_module_xyz:states", id="missing-module"),
        pytest.param("seam.verify:verify", id="not-a-registry"),
    ],
)
def test_load_states_rejects_bad_specs(spec: str) -> None:
    """`--states` must name an importable ProviderStates as MODULE:OBJ."""
    with pytest.raises(UsageError, match="--states"):
        load_states(spec)


def test_load_states_imports_the_registry() -> None:
    """`module:attr` returns the very registry object the module defines."""
    name = f"seam_test_states_{uuid.uuid4().hex}"
    module = types.ModuleType(name)
    module.states = ProviderStates()  # type: ignore[attr-defined]
    sys.modules[name] = module
    try:
        assert load_states(f"{name}:states") is module.states  # type: ignore[attr-defined]
    finally:
        del sys.modules[name]


@pytest.fixture
def served() -> Iterator[StateServer]:
    states = ProviderStates()

    @states.given("task {id} exists")
    def task(id: int, **params: Any) -> dict[str, Any]:
        return {"id": id, "title": params.get("title")}

    @states.given("broken")
    def broken() -> None:
        raise KeyError("boom")

    with StateServer(states) as server:
        yield server


def test_server_returns_the_values_as_json(served: StateServer) -> None:
    """A setup POST answers 200 with the handler's values (what provider-state generators use)."""
    body = {"state": "task 8 exists", "params": {"title": "t"}, "action": "setup"}
    response = httpx.post(served.url, json=body)
    assert response.status_code == 200
    assert response.json() == {"id": 8, "title": "t"}


def test_server_answers_a_failure_without_inviting_retries(served: StateServer) -> None:
    """A failing handler answers 422 (the verifier retries 5xx for minutes) and is recorded."""
    response = httpx.post(served.url, json={"state": "broken", "action": "setup"})
    assert response.status_code == 422
    assert "KeyError" in response.json()["error"]
    assert [(c.state, c.action) for c in served.errors] == [("broken", "setup")]


def test_server_ignores_the_empty_state(served: StateServer) -> None:
    """The verifier's generic per-interaction call (state "") is a no-op, not an error."""
    response = httpx.post(served.url, json={"state": "", "action": "setup"})
    assert response.status_code == 200
    assert served.errors == []


def test_counting_server_answers_every_state_and_counts_setups() -> None:
    """Without handlers the server answers any state with no values and counts each setup."""
    counted: list[None] = []
    with StateServer(None, on_setup=lambda: counted.append(None)) as server:
        for action in ("setup", "teardown", "setup"):
            body = {"state": f"task {uuid.uuid4().hex} exists", "action": action}
            response = httpx.post(server.url, json=body)
            assert (response.status_code, response.json()) == (200, {})
        assert len(counted) == 2 and server.errors == []


def test_load_states_imports_from_the_current_folder(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--states MODULE:OBJ` finds a module in the current folder, as `snapshot --app` does."""
    name = f"seam_cwd_states_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text(
        "from seam.verify import ProviderStates\nstates = ProviderStates()\n"
    )
    monkeypatch.chdir(tmp_path)
    try:
        assert isinstance(load_states(f"{name}:states"), ProviderStates)
        assert str(tmp_path) not in sys.path  # the folder is importable only while importing
    finally:
        sys.modules.pop(name, None)


def test_load_states_without_the_module_names_the_option_and_the_folder() -> None:
    """A module that is nowhere is one usage error naming --states and where it looked."""
    with pytest.raises(UsageError, match=r"--states: cannot import 'seam_nowhere_xyz'.*current"):
        load_states("seam_nowhere_xyz:states")
