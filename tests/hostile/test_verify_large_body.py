"""A provider answering with a huge body: the verify report keeps 64 KiB of it and its size."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from seam.cli import main
from seam.verify._results import MAX_KEPT_CHARS, cap_text

BODY_CHARS = 3 * 1024 * 1024

PROVIDER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY = b'{"data": "' + b"x" * int(sys.argv[2]) + b'"}'


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""


def _pact(interactions: int) -> dict[str, object]:
    return {
        "consumer": {"name": "web"},
        "provider": {"name": "big"},
        "interactions": [
            {
                "description": f"reads the big document {n}",
                "request": {"method": "GET", "path": f"/{n}"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"data": "small"},
                },
            }
            for n in range(interactions)
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


@pytest.mark.parametrize("workers", [1, 2])
def test_report_keeps_a_capped_body_and_its_size(tmp_path: Path, workers: int) -> None:
    """A 3 MB mismatched body leaves 64 KiB per value in the report, with the size said."""
    provider = tmp_path / "big_provider.py"
    provider.write_text(PROVIDER)
    pact = tmp_path / "web-big.json"
    pact.write_text(json.dumps(_pact(workers)))
    report = tmp_path / "report.json"
    start = f"{shlex.quote(sys.executable)} {shlex.quote(str(provider))} {{port}} {BODY_CHARS}"
    result = CliRunner().invoke(
        main,
        [
            "verify",
            str(pact),
            "--start",
            start,
            "--base-url",
            "http://127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--format",
            "json",
            "-o",
            str(report),
            "-q",
        ],
    )
    assert result.exit_code == 1, (result.output[-2000:], result.exception)
    assert report.stat().st_size < 20 * MAX_KEPT_CHARS * workers
    findings = json.loads(report.read_text())["findings"]
    assert len(findings) == workers
    in_all = f"({BODY_CHARS + 2} bytes in all)"  # the value is the JSON string, quoted
    for finding in findings:
        assert finding["rule"] == "response-body-mismatch"
        actual = finding["details"]["actual"]
        assert actual.endswith(in_all)
        assert len(actual) <= MAX_KEPT_CHARS + len(f"… {in_all}")
        assert in_all in finding["message"], finding["message"][-200:]


def test_cap_text_counts_bytes_not_characters() -> None:
    """The size said is in UTF-8 bytes, and short text is left as it is."""
    assert cap_text("é" * 10, limit=10) == "é" * 10
    assert cap_text("é" * 11, limit=10) == "é" * 10 + "… (22 bytes in all)"
