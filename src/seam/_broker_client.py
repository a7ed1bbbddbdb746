"""An httpx client for the Pact Broker HTTP API: auth, HAL links and one error map.

Every broker call goes through :class:`BrokerClient`, so every command reports the
same failures the same way. It sits below ``seam.broker`` and ``seam.verify`` (siblings
that may not import each other): the broker commands and the verifier's own fetch of
pacts for verification and publication of results share this one client, and
:func:`publish_verification`, the one way a verification result is posted::

    connection refused, unknown host, timeout, 502/503/504   BrokerUnreachable (exit 3)
    401, 403, 404, 4xx, other 5xx, a non-JSON answer          BrokerError       (exit 2)
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx

from seam import __version__
from seam.errors import BrokerError, BrokerUnreachable, UsageError

__all__ = ["BrokerClient", "Link", "expand", "links", "publish_verification"]

HAL_JSON = "application/hal+json, application/json"
_TEMPLATE_VAR = re.compile(r"\{([A-Za-z0-9_]+)\}")
QueryParams = list[tuple[str, str]]

Link = dict[str, Any]


def links(resource: Mapping[str, Any], rel: str) -> list[Link]:
    """Return the HAL links of ``resource`` under ``rel`` as a list (a single link becomes one)."""
    found = resource.get("_links", {}).get(rel)
    if found is None:
        return []
    if isinstance(found, Mapping):
        return [dict(found)]
    return [dict(link) for link in found if isinstance(link, Mapping)]


class BrokerClient:
    """A session with one Pact Broker (or PactFlow).

    Args:
        base_url: the broker's base URL, e.g. ``http://127.0.0.1:9292``.
        token: a bearer token (``--broker-token``/``PACT_BROKER_TOKEN``).
        username: basic-auth user name (``--broker-username``).
        password: basic-auth password (``--broker-password``).
        transport: an httpx transport, to talk to an in-process broker in tests.
        timeout: seconds to wait for a connection or an answer.
        retries: how many times to repeat a request the broker answered 429 or 503 with a
            short ``Retry-After`` (a busy database); connection failures are not retried.
        sleep: how to wait between those attempts.

    Raises:
        UsageError: no URL, a URL that is not http(s), or both a token and basic auth.
    """

    def __init__(
        self,
        base_url: str | None,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = _check_base_url(base_url)
        self.retries = max(0, retries)
        self._sleep = sleep
        headers = {"Accept": HAL_JSON, "User-Agent": f"seam/{__version__}"}
        auth: tuple[str, str] | None = None
        if token and (username or password):
            raise UsageError(
                "give either a broker token (-k) or a username and password (-u/-p), not both"
            )
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif username or password:
            if not username:
                raise UsageError("a broker password (-p) needs a username (-u) too")
            auth = (username, password or "")
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            auth=auth,
            transport=transport,
            timeout=timeout,
            follow_redirects=True,
        )
        self._index: dict[str, Any] | None = None

    def __enter__(self) -> BrokerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying connections."""
        self._http.close()

    # -- HAL -------------------------------------------------------------------------------

    def index(self) -> dict[str, Any]:
        """Fetch (once) and return the broker's index resource."""
        if self._index is None:
            self._index = self.get("/")
        return self._index

    def has_relation(self, rel: str) -> bool:
        """True when the index offers the link relation ``rel``."""
        return bool(links(self.index(), rel))

    def relation(self, rel: str, what: str, **params: str) -> str:
        """Return the index link ``rel`` expanded with ``params``.

        Args:
            rel: a link relation such as ``pb:pacticipant-version``.
            what: what the caller wants to do, for the error message.
            params: values for the link template's variables (URL-encoded here).

        Raises:
            BrokerError: the broker's index does not offer ``rel``.
        """
        found = links(self.index(), rel)
        if not found:
            raise BrokerError(
                f"the Pact Broker at {self.base_url} does not offer {rel!r} in its index, so it "
                f"cannot {what}: upgrade the broker (Pact Broker 2.80+ or PactFlow)"
            )
        return expand(str(found[0]["href"]), params)

    # -- HTTP ------------------------------------------------------------------------------

    def get(self, url: str, params: QueryParams | None = None) -> dict[str, Any]:
        """GET ``url`` (absolute or relative to the base URL) and return its JSON body."""
        return self._json(self._send("GET", url, params=params))

    def get_or_none(self, url: str, params: QueryParams | None = None) -> dict[str, Any] | None:
        """Like :meth:`get`, but a 404 answer is ``None`` instead of an error."""
        response = self._send("GET", url, params=params, allow_404=True)
        return None if response.status_code == 404 else self._json(response)

    def post(self, url: str, body: Any) -> dict[str, Any]:
        """POST ``body`` as JSON and return the answer's JSON body (``{}`` when empty)."""
        return self._json(self._send("POST", url, body=body), empty_ok=True)

    def put(self, url: str, body: Any) -> dict[str, Any]:
        """PUT ``body`` as JSON and return the answer's JSON body (``{}`` when empty)."""
        return self._json(self._send("PUT", url, body=body), empty_ok=True)

    def patch(self, url: str, body: Any, content_type: str = "application/json") -> dict[str, Any]:
        """PATCH ``body`` as JSON and return the answer's JSON body (``{}`` when empty)."""
        return self._json(
            self._send("PATCH", url, body=body, content_type=content_type), empty_ok=True
        )

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: QueryParams | None = None,
        body: Any = None,
        content_type: str = "application/json",
        allow_404: bool = False,
    ) -> httpx.Response:
        headers = {}
        content = None
        if body is not None:
            content = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        try:
            response = self._request(method, url, params, content, headers)
        except httpx.TimeoutException as exc:
            raise BrokerUnreachable(
                f"the Pact Broker at {self.base_url} did not answer in time "
                f"({type(exc).__name__}): check that it is running and that "
                "--broker-base-url is right"
            ) from None
        except httpx.TransportError as exc:
            raise BrokerUnreachable(
                f"cannot reach the Pact Broker at {self.base_url} ({_reason(exc)}): check "
                "--broker-base-url / PACT_BROKER_BASE_URL and that the broker is running"
            ) from None
        if response.status_code == 404 and allow_404:
            return response
        if response.status_code >= 400:
            raise _status_error(self.base_url, response)
        return response

    def _request(
        self,
        method: str,
        url: str,
        params: QueryParams | None,
        content: bytes | None,
        headers: dict[str, str],
    ) -> httpx.Response:
        # A busy broker (503, e.g. a locked database) or a rate limit (429) says when to
        # come back; honour a short Retry-After a few times. The request is safe to repeat:
        # the broker refused it before changing anything.
        for attempt in range(self.retries + 1):
            response = self._http.request(
                method,
                url,
                params=httpx.QueryParams(tuple(params or ())),
                content=content,
                headers=headers,
            )
            wait = _retry_after(response)
            if wait is None or attempt == self.retries:
                return response
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns

    def _json(self, response: httpx.Response, *, empty_ok: bool = False) -> dict[str, Any]:
        if empty_ok and not response.content.strip():
            return {}
        try:
            data = response.json()
        except ValueError:
            kind = response.headers.get("content-type", "no content type")
            raise BrokerError(
                f"{response.request.method} {response.request.url} answered {kind}, not JSON: "
                "is --broker-base-url the Pact Broker's base URL?"
            ) from None
        if not isinstance(data, dict):
            raise BrokerError(
                f"{response.request.method} {response.request.url} answered a JSON "
                f"{type(data).__name__}, expected an object: is this a Pact Broker?"
            )
        return data


def publish_verification(
    client: BrokerClient,
    pact_url: str,
    provider_version: str,
    *,
    success: bool,
    branch: str | None = None,
    build_url: str | None = None,
    tags: Sequence[str] = (),
    verified_by: Mapping[str, str] | None = None,
) -> str:
    """Record a provider's verification result for the pact at ``pact_url``.

    Follows the pact's ``pb:publish-verification-results`` link, as every verifier does;
    ``tags`` are put on the provider version first, as pact_verifier does, and
    ``verified_by`` (``{"implementation": ..., "version": ...}``) says which tool verified.

    Returns:
        the URL of the stored verification result (``""`` if the broker gave none).

    Raises:
        BrokerError: the pact is unknown, or the broker offers no link to publish results.
    """
    if not provider_version or not provider_version.strip():
        raise UsageError("the provider version must not be empty")
    pact = client.get_or_none(pact_url)
    if pact is None:
        raise BrokerError(f"no pact at {pact_url}: publish the consumer's pact first")
    target = links(pact, "pb:publish-verification-results")
    if not target:
        raise BrokerError(
            f"the pact at {pact_url} has no pb:publish-verification-results link: the broker "
            "cannot take verification results"
        )
    provider = str((pact.get("provider") or {}).get("name") or "")
    for tag in tags:
        params = {"pacticipant": provider, "version": provider_version.strip(), "tag": tag}
        client.put(expand("/pacticipants/{pacticipant}/versions/{version}/tags/{tag}", params), {})
    body: dict[str, Any] = {
        "success": success,
        "providerApplicationVersion": provider_version.strip(),
    }
    if branch:
        body["providerVersionBranch"] = branch
    if build_url:
        body["buildUrl"] = build_url
    if verified_by:
        body["verifiedBy"] = dict(verified_by)
    answer = client.post(str(target[0]["href"]), body)
    self_links = links(answer, "self")
    return str(self_links[0].get("href", "")) if self_links else ""


def expand(template: str, params: Mapping[str, str]) -> str:
    """Fill a HAL link template's ``{var}`` slots with URL-encoded values.

    Every character outside RFC 3986's unreserved set is escaped, as the official
    clients do, so a name with ``/`` or spaces stays one path segment.
    """

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            return match.group(0)
        return quote(params[name], safe="")

    return _TEMPLATE_VAR.sub(fill, template)


def _check_base_url(base_url: str | None) -> str:
    if not base_url or not base_url.strip():
        raise UsageError(
            "no Pact Broker URL: pass --broker-base-url (-b) or set PACT_BROKER_BASE_URL"
        )
    url = base_url.strip()
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise UsageError(f"broker URL {url!r} is not a valid URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise UsageError(f"broker URL {url!r} must start with http:// or https:// and name a host")
    return url.rstrip("/")


MAX_RETRY_AFTER = 10.0


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait before repeating a 429/503 answer, or None to give up now."""
    if response.status_code not in (429, 503):
        return None
    try:
        wait = float(response.headers.get("Retry-After", "1"))
    except ValueError:
        return None  # an HTTP date: a long outage, not a busy moment
    return wait if 0 <= wait <= MAX_RETRY_AFTER else None


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return "unknown host"
    if "temporary failure in name resolution" in lowered:
        return "unknown host"
    return text.splitlines()[0]


def _broker_message(response: httpx.Response) -> str:
    """The broker's own explanation, flattened to one line (``errors`` may be a list or a map)."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    errors = data.get("errors")
    parts: list[str] = []
    if isinstance(errors, list):
        parts = [str(e) for e in errors]
    elif isinstance(errors, dict):
        for key, value in errors.items():
            values = value if isinstance(value, list) else [value]
            parts += [f"{key}: {v}" for v in values]
    elif isinstance(data.get("error"), dict | str):
        error = data["error"]
        parts = [str(error.get("message", error) if isinstance(error, dict) else error)]
    elif isinstance(data.get("message"), str):
        parts = [data["message"]]
    return "; ".join(parts).replace("\n", " ")


def _status_error(base_url: str, response: httpx.Response) -> BrokerError | BrokerUnreachable:
    status = response.status_code
    what = f"{response.request.method} {response.request.url.path}"
    said = _broker_message(response)
    detail = f": {said}" if said else ""
    if status == 401:
        return BrokerError(
            f"the Pact Broker at {base_url} refused the credentials (401 Unauthorized) for "
            f"{what}: set --broker-token/PACT_BROKER_TOKEN (or -u/-p) to a valid token"
        )
    if status == 403:
        return BrokerError(
            f"the Pact Broker at {base_url} does not allow {what} with these credentials "
            "(403 Forbidden): use a token with write access (the write token, not the read token)"
        )
    if status in (502, 503, 504):
        return BrokerUnreachable(
            f"the Pact Broker at {base_url} is unavailable ({status}) for {what}: try again later"
        )
    if status >= 500:
        return BrokerError(
            f"the Pact Broker at {base_url} failed on {what} ({status}){detail}: see the "
            "broker's log"
        )
    if status == 404:
        return BrokerError(f"not found on the Pact Broker: {what} (404){detail}")
    return BrokerError(f"the Pact Broker refused {what} ({status}){detail}")
