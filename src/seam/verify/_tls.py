"""The CA store the Rust verifier reads: once per run, not once per request.

pact_ffi builds a new HTTP client (rustls with the platform's roots) for every request
it makes — each provider request and each state change — and each build reads
``SSL_CERT_FILE`` and *every file* in ``SSL_CERT_DIR`` again: with ``/etc/ssl/certs``
(about 300 files) that was half of a verify run's time. So, for the verifier only:

* every target plain ``http://`` (provider, state-change URL, broker): no CA store is
  needed at all; ``SSL_CERT_FILE`` points at one placeholder certificate (rustls refuses
  to build a client from an empty store) and ``SSL_CERT_DIR`` is unset;
* an ``https://`` target with ``SSL_CERT_DIR`` set: the user's certificates (that file
  and every file in those folders, as the verifier would read them) go into one bundle
  file, read once per request instead of some 300;
* otherwise nothing changes (the verifier reads the one system bundle file).

The state handlers served in the same process keep the user's own values
(:class:`~seam.verify._states.StateServer` puts them back while a handler runs).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["TLS_VARIABLES", "environment", "verifier_tls_env"]

TLS_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR")
_MAX_CERT_FILE = 8 * 1024 * 1024  # bytes; a CA file larger than this is not a CA file
_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----\r?\n.+?-----END CERTIFICATE-----", re.DOTALL)

# A self-signed certificate whose private key was deleted as soon as it was made: it can
# vouch for no server. It only exists because the verifier needs a non-empty CA store
# even when it never opens a TLS connection (every target is http://).
_PLACEHOLDER = b"""\
-----BEGIN CERTIFICATE-----
MIIBvDCCAWOgAwIBAgIUfHowfaL7BpJRQ8w1ZzA4uRAea9MwCgYIKoZIzj0EAwIw
MzExMC8GA1UEAwwoc2VhbSB2ZXJpZnkgLSBubyBDQSBzdG9yZSBmb3IgcGxhaW4g
aHR0cDAgFw0yNjExMjgxMDIxMThaGA8yMTI2MTEwNDEwMjExOFowMzExMC8GA1UE
Awwoc2VhbSB2ZXJpZnkgLSBubyBDQSBzdG9yZSBmb3IgcGxhaW4gaHR0cDBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABBga/tenq6NsSCwBCZlryuNa8AcnE72yqIL4
fKDNnLWe5kg3GOiffYtSMhl/cSdTVixPfAvhkSOZ9yGG/b3wPNyjUzBRMB0GA1Ud
DgQWBBRvvrhzd+eOS443qy2eZfxpPejHbTAfBgNVHSMEGDAWgBRvvrhzd+eOS443
qy2eZfxpPejHbTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIEHK
JB3TaAQz/H3lb9OxKUkHcHFJ5+e7MlhxkysDqVzpAiAm7qCXBiPLGGqQWInowWeG
YD2qv7wFvS2aldhffIPZ2w==
-----END CERTIFICATE-----
"""


def _certificates(path: Path) -> list[bytes]:
    """The PEM certificates in one file (unreadable or oversized files hold none)."""
    try:
        if not path.is_file() or path.stat().st_size > _MAX_CERT_FILE:
            return []
        return _PEM.findall(path.read_bytes())
    except OSError:
        return []


def _user_certificates(environ: Mapping[str, str]) -> list[bytes]:
    """What the verifier itself would load: ``SSL_CERT_FILE``, then each ``SSL_CERT_DIR`` file."""
    found: dict[bytes, None] = {}
    if environ.get("SSL_CERT_FILE"):
        found.update(dict.fromkeys(_certificates(Path(environ["SSL_CERT_FILE"]))))
    for folder in (environ.get("SSL_CERT_DIR") or "").split(os.pathsep):
        if not folder:
            continue
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            found.update(dict.fromkeys(_certificates(Path(folder) / name)))
    return list(found)


def verifier_tls_env(
    targets: Iterable[str | None], root: Path, environ: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    """The TLS variables the verifier should run with (``None``: unset), files under ``root``.

    Args:
        targets: every URL the verifier will call (provider, state change, broker).
        root: a folder that lives as long as the run, for the bundle file.
        environ: the user's environment (default ``os.environ``).

    Returns:
        Overrides for :func:`environment`; empty when the user's settings are cheap already.
    """
    env = os.environ if environ is None else environ
    if all(urlsplit(t).scheme == "http" for t in targets if t):
        path = root / "seam-no-ca.pem"
        path.write_bytes(_PLACEHOLDER)
        return {"SSL_CERT_FILE": str(path), "SSL_CERT_DIR": None}
    if not env.get("SSL_CERT_DIR"):
        return {}
    path = root / "seam-ca-bundle.pem"
    path.write_bytes(b"\n".join(_user_certificates(env)) + b"\n")
    return {"SSL_CERT_FILE": str(path), "SSL_CERT_DIR": None}


@contextmanager
def environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, for ``None``, unset) environment variables; restore the old values after."""
    saved = {k: os.environ.get(k) for k in values}
    _apply(values)
    try:
        yield
    finally:
        _apply(saved)


def _apply(values: Mapping[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
