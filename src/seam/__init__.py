"""Seam: consumer-driven contract testing for Python.

The package root stays light on purpose: the pytest plugin imports it in every
pytest run where Seam is installed, so nothing heavy (pact, httpx, schemathesis)
may be imported here. The public API lives in the subpackages.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
