"""`contracts usage --format html`: one self-contained page that parses and escapes names."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from seam.pactfile import Pact, parse_pact
from seam.usage import render_usage, usage

HOSTILE = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"

# HTML elements without an end tag (WHATWG "void elements").
VOID = {"meta", "br", "hr", "img", "input", "link"}


def _document(field: str) -> dict[str, Any]:
    body = {
        "type": "object",
        "properties": {"title": {"type": "string"}, field: {"type": "string"}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "notes-api", "version": "1"},
        "paths": {
            "/notes/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": body}},
                        }
                    },
                },
                "delete": {"responses": {"204": {"description": "gone"}}},
            }
        },
    }


def _pact(consumer: str, description: str) -> Pact:
    return parse_pact(
        {
            "consumer": {"name": consumer},
            "provider": {"name": "notes-api"},
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "interactions": [
                {
                    "description": "read a note",
                    "request": {"method": "GET", "path": "/notes/7"},
                    "response": {"status": 200, "body": {"title": "t"}},
                },
                {
                    "description": description,
                    "request": {"method": "GET", "path": "/nowhere"},
                    "response": {"status": 200},
                },
            ],
        }
    )


class _Page(HTMLParser):
    """Collects tags, attributes and text, and checks every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def test_page_parses_with_every_element_closed() -> None:
    """The page is well-formed HTML: a doctype, balanced elements, nothing left open."""
    page = render_usage(usage([_pact("web", "list")], _document("body")), "html")
    parsed = _parse(page)
    assert page.startswith("<!DOCTYPE html>")
    assert parsed.errors == [] and parsed.stack == []
    assert {"html", "head", "body", "table", "style"} <= set(parsed.tags)


def test_page_needs_nothing_from_outside() -> None:
    """No script, stylesheet, image or link is loaded: the page is self-contained."""
    page = render_usage(usage([_pact("web", "list")], _document("body")), "html")
    parsed = _parse(page)
    assert not {"script", "link", "img", "iframe"} & set(parsed.tags)
    assert not [name for name, _ in parsed.attributes if name in {"src", "href"}]
    assert "url(" not in page and "@import" not in page


def test_page_shows_who_uses_what_and_what_no_one_uses() -> None:
    """Each consumer has a column; the unused operation and field are listed on their own."""
    page = render_usage(
        usage([_pact("web", "list"), _pact("mobile", "list")], _document("body")), "html"
    )
    text = " ".join(" ".join(_parse(page).text).split())
    assert "element mobile web" in text
    assert "GET /notes/{id} ✓ ✓" in text
    assert "What no consumer uses" in text
    assert "DELETE /notes/{id} (the whole operation)" in text
    assert "GET /notes/{id} response 200 body" in text


def test_hostile_names_are_text_not_markup() -> None:
    """Consumer and field names and interaction descriptions full of markup are escaped,
    shown as text."""
    consumer = '"><b>web</b>&amp;'
    page = render_usage(usage([_pact(consumer, HOSTILE)], _document(IMG)), "html")
    parsed = _parse(page)
    assert parsed.errors == [] and parsed.stack == []
    assert not {"script", "img", "b"} & set(parsed.tags)
    text = "".join(parsed.text)
    assert IMG in text and HOSTILE in text and consumer in text
    assert HOSTILE not in page and IMG not in page and consumer not in page


def test_page_is_byte_stable() -> None:
    """The same pacts in any order give the same page."""
    a, b = _pact("web", "list"), _pact("mobile", "list")
    assert render_usage(usage([a, b], _document("body")), "html") == render_usage(
        usage([b, a], _document("body")), "html"
    )
