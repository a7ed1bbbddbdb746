"""Load OpenAPI and Swagger documents safely.

- JSON or YAML (YAML read as close to YAML 1.2 / JSON as PyYAML allows: ``on``/``yes``
  stay strings, dates stay strings, numeric keys such as status codes become strings).
- Limits: file size (``SEAM_MAX_DOCUMENT_BYTES``), UTF-8 text, nesting depth
  (``SEAM_MAX_DOCUMENT_DEPTH``, see :mod:`seam._files`), and YAML alias expansion — a
  "billion laughs" document is refused before anything walks it.
- ``$ref``: relative-file references are bundled into the document under ``x-seam-files``
  and rewritten to local pointers, so every consumer of a :class:`Document` deals with
  local ``$ref`` only. Files outside the root document's folder and remote URLs are
  refused unless ``allow_remote_refs``. Every local reference is then resolved once
  (:mod:`seam.openapi._refs`): a dangling one, or a loop of references, is refused on load.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import yaml
import yaml_rs

from seam._files import (
    DEFAULT_MAX_BYTES,
    MAX_DEPTH,
    check_bounds,
    decode_text,
    load_json,
    parse_bounds,
    read_bounded,
)
from seam.errors import OpenAPIError, RefError
from seam.openapi._refs import BUNDLE_KEY, check_refs, walk_structure

__all__ = ["Document", "bundle_file_refs", "load_document", "parse_document_text"]

# A real 5 MB spec expands to well under a million nodes; an alias bomb to billions.
MAX_EXPANDED_NODES = 5_000_000
_ALIAS_LIMITS = yaml_rs.AliasLimits(max_total_replayed_events=MAX_EXPANDED_NODES)
_REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
# Non-local $ref values in raw text: a fast way to skip the bundling walk for most documents.
# (A property *named* "$ref" is followed by "{" and is not a reference: GitHub has one.)
# Starting at the literal `$ref` (not at an optional quote before it) lets the regex engine
# skip ahead: 7 ms instead of 130 ms on Stripe's 4 MB document, the same matches. A YAML block
# scalar (``$ref: >-`` and the value on the next line, as Stripe writes every one) is looked
# through, so a document of local refs only is not walked for nothing.
_NON_LOCAL_REF = re.compile(r"""\$ref["']?\s*:\s*(?:[>|][-+0-9]*\s+)?["']?(?!#)[^\s"'#{\[>|]""")
# yaml-rs recurses without a bound on block nesting (a segmentation fault at some 15,000
# levels; flow nesting it stops at 256 itself). Each column of a line's indentation, counting
# compact "- " and "? " entries, holds at most two levels, so documents indented wider than
# this go to libyaml, which stops at 1,000 levels.
_YAML_RS_MAX_INDENT = 1000
_FLOW_BRACKETS = re.compile(r"[\[\]{}]")
# Maps indentation characters to a space, newlines to themselves, anything else to "x".
_INDENT_CHARS = bytes(
    b if b in (0x20, 0x0A) else 0x20 if b in (ord("-"), ord("?")) else ord("x") for b in range(256)
)


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader without YAML 1.1's surprising implicit types (yes/no/on/off, dates)."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class Document:
    """A loaded OpenAPI/Swagger document with local ``$ref`` resolution.

    Attributes:
        data: the root document (bundled: every ``$ref`` in it is local).
        version: ``"2.0"``, ``"3.0"`` or ``"3.1"``.
        source: where it came from (a path, or ``"<text>"``).
    """

    __slots__ = ("_cache", "data", "source", "version")

    def __init__(self, data: dict[str, Any], version: str, source: str) -> None:
        self.data = data
        self.version = version
        self.source = source
        self._cache: dict[str, Any] = {}

    def resolve(self, ref: str) -> Any:
        """The value a local ``$ref`` (``#/components/schemas/Task``) points at.

        Raises:
            RefError: the reference is not local, or points at nothing.
        """
        cached = self._cache.get(ref, _MISSING)
        if cached is not _MISSING:
            return cached
        if not ref.startswith("#"):
            raise RefError(f"$ref {ref!r} is not local to the document", location=self.source)
        node: Any = self.data
        for raw in _pointer_tokens(ref):
            if isinstance(node, dict) and raw in node:
                node = node[raw]
            elif isinstance(node, list) and raw.isdigit() and int(raw) < len(node):
                node = node[int(raw)]
            else:
                raise RefError(
                    f"$ref {ref!r} points at nothing (no {raw!r}); fix the reference or add "
                    "the missing component",
                    location=self.source,
                )
        self._cache[ref] = node
        return node

    def deref(self, node: Any) -> Any:
        """Follow ``$ref`` chains from ``node`` to a value that is not a bare reference.

        A recursive schema (a property referring to its own schema) is fine; a chain
        of references that loops back on itself (``A → B → A``) is an error.

        Raises:
            RefError: unresolvable or cyclic reference chain.
        """
        seen: list[str] = []
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                chain = " → ".join([*seen, ref])
                raise RefError(f"cyclic $ref chain {chain}", location=self.source)
            seen.append(ref)
            node = self.resolve(ref)
        return node


_MISSING = object()


def _pointer_tokens(ref: str) -> list[str]:
    fragment = urllib.parse.unquote(ref[1:])
    if fragment in ("", "/"):
        return []
    if not fragment.startswith("/"):
        raise RefError(f"$ref {ref!r} is not a JSON pointer (expected '#/...')")
    return [t.replace("~1", "/").replace("~0", "~") for t in fragment[1:].split("/")]


def load_document(
    path: str | Path,
    *,
    allow_remote_refs: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Load an OpenAPI 3.x or Swagger 2.0 document from a JSON or YAML file.

    Args:
        path: the document's file.
        allow_remote_refs: fetch ``http(s)://`` references and files outside the
            document's folder (off by default: a document should not make Seam
            reach out to the network or read arbitrary files).
        max_bytes: refuse files larger than this.

    Raises:
        OpenAPIError: not JSON/YAML, not an OpenAPI document, or an alias bomb.
        RefError: a dangling, looping, remote or out-of-tree file ``$ref``.
        InputError: the file is missing, unreadable or too large.
    """
    p = Path(path)
    raw = read_bounded(p, max_bytes=max_bytes, what="OpenAPI document")
    data = parse_document_text(raw, source=str(p))
    version = document_version(data, str(p))
    bundle_file_refs(data, p, raw, allow_remote_refs=allow_remote_refs, max_bytes=max_bytes)
    document = Document(data, version, str(p))
    check_refs(document, text_size=len(raw))
    return document


def bundle_file_refs(
    data: dict[str, Any],
    path: Path,
    raw: bytes,
    *,
    allow_remote_refs: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> None:
    """Bundle the relative-file (and, when allowed, remote) ``$ref``s of a parsed document.

    The one place OpenAPI and AsyncAPI documents get their non-local refs bundled under
    ``x-seam-files`` and rewritten to local pointers; a document whose text holds only local
    refs (``raw`` is scanned first) is not walked at all.

    Args:
        data: the parsed document, changed in place.
        path: the file it was read from (relative refs resolve against its folder).
        raw: the file's bytes, as read.
        allow_remote_refs: fetch ``http(s)://`` refs and files outside the folder.
        max_bytes: the size limit for each referenced file.

    Raises:
        RefError: a remote or out-of-tree ref without ``allow_remote_refs``, or a missing file.
    """
    if _NON_LOCAL_REF.search(raw.decode("utf-8", errors="replace")):
        _Bundler(path, allow_remote_refs, max_bytes).bundle(data)


def parse_document_text(raw: bytes | str, *, source: str = "<text>") -> dict[str, Any]:
    """Parse JSON or YAML text into a mapping with string keys.

    Raises:
        OpenAPIError: the text is neither, is not a mapping, or expands too far.
    """
    text = (
        decode_text(raw, what="document", location=source, error=OpenAPIError)
        if isinstance(raw, bytes)
        else raw
    )
    stripped = text.lstrip()
    data: Any
    if stripped.startswith("{"):
        try:
            data = load_json(text, location=source, error=OpenAPIError)
        except json.JSONDecodeError as exc:
            raise OpenAPIError(
                f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                location=source,
            ) from None
    else:
        data = _parse_yaml(text, source)
        check_bounds(data, location=source, error=OpenAPIError, string_keys=True)
    if not isinstance(data, dict):
        raise OpenAPIError(
            f"expected a mapping at the top level, found {type(data).__name__}", location=source
        )
    return data


def _parse_yaml(text: str, source: str) -> Any:
    """YAML 1.2 through yaml-rs (10x PyYAML on a 4 MB spec, with alias-replay limits).

    Merge keys (``<<``) are YAML 1.1 only; documents that use them go through PyYAML,
    with the alias expansion counted before anything walks the result. So do documents
    indented wider than :data:`_YAML_RS_MAX_INDENT` columns (nesting yaml-rs may not survive).
    Keys stay as YAML typed them: ``check_bounds(..., string_keys=True)`` turns them into
    strings in the walk that bounds the result.
    """
    if "<<" not in text and not _indented_wider(text, _YAML_RS_MAX_INDENT):
        try:
            data = yaml_rs.loads(text, parse_datetime=False, alias_limits=_ALIAS_LIMITS)
        except yaml_rs.YAMLDecodeError as exc:
            lines = [
                ln
                for ln in str(exc).splitlines()
                if ln.strip() and not ln.lstrip().startswith(("|", "^"))
            ]
            # The source line is quoted whole: keep a line of it, not 100,000 brackets.
            detail = "; ".join(_shortened(ln.strip(), 120) for ln in lines)
            if "alias" in detail and "limit" in detail:
                detail += " (an alias bomb?)"
            elif _flow_depth(text) > MAX_DEPTH:  # yaml-rs stops at 256 levels and says only where
                detail += f" (nested more than {MAX_DEPTH} levels deep)"
            raise OpenAPIError(f"invalid YAML: {detail}", location=source) from None
        return data
    try:
        with parse_bounds(location=source, error=OpenAPIError):
            data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise OpenAPIError(f"invalid YAML{where}: {problem}", location=source) from None
    _check_expansion(data, source)
    return data


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _flow_depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest in ``text`` (brackets in strings count too: a hint only)."""
    depth = deepest = 0
    for bracket in _FLOW_BRACKETS.findall(text):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _indented_wider(text: str, columns: int) -> bool:
    # A superset of block indentation (a line of 1,000 dashes counts too), in C: about
    # 30 ms on a 4 MB document where a regular expression over the lines takes 90.
    marks = b"\n" + text.encode("utf-8", "surrogatepass").translate(_INDENT_CHARS)
    return b"\n" + b" " * (columns + 1) in marks


def _check_expansion(data: Any, source: str) -> None:
    """Refuse documents whose aliases expand past :data:`MAX_EXPANDED_NODES`."""
    sizes: dict[int, int] = {}

    def size(node: Any) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        total = 1
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            return 1
        sizes[key] = 0  # an alias cycle counts as nothing more
        for child in children:
            total += size(child)
            if total > MAX_EXPANDED_NODES:
                break
        sizes[key] = total
        return total

    if size(data) > MAX_EXPANDED_NODES:
        raise OpenAPIError(
            f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?); "
            "refusing to read it",
            location=source,
        )


def document_version(data: dict[str, Any], source: str) -> str:
    """``"2.0"``, ``"3.0"`` or ``"3.1"`` for a document held as data.

    Raises:
        OpenAPIError: no supported ``openapi``/``swagger`` version at the top level.
    """
    if "openapi" in data:
        text = str(data["openapi"])
        if text.startswith("3.0"):
            return "3.0"
        if text.startswith("3.1"):
            return "3.1"
        raise OpenAPIError(
            f"unsupported OpenAPI version {text!r}; Seam reads Swagger 2.0, OpenAPI 3.0 and 3.1",
            location=source,
        )
    if "swagger" in data:
        if str(data["swagger"]) == "2.0":
            return "2.0"
        raise OpenAPIError(
            f"unsupported Swagger version {data['swagger']!r}; expected 2.0", location=source
        )
    raise OpenAPIError(
        "not an OpenAPI document: no 'openapi' or 'swagger' field at the top level",
        location=source,
    )


class _Bundler:
    """Inline relative-file ``$ref`` targets under ``x-seam-files`` and make refs local."""

    def __init__(self, root: Path, allow_remote: bool, max_bytes: int) -> None:
        self.root = root.resolve()
        self.base_dir = self.root.parent
        self.allow_remote = allow_remote
        self.max_bytes = max_bytes
        self.files: dict[str, Any] = {}  # bundle key -> document

    def bundle(self, data: dict[str, Any]) -> None:
        self._rewrite(data, self.root, "#")
        if self.files:
            data[BUNDLE_KEY] = self.files

    def _rewrite(self, node: Any, current: Path, prefix: str) -> None:
        for _, mapping in walk_structure(node, pointers=False):
            ref = mapping.get("$ref")
            if isinstance(ref, str):
                mapping["$ref"] = self._local(ref, current, prefix)

    def _local(self, ref: str, current: Path, prefix: str) -> str:
        target, _, fragment = ref.partition("#")
        if not target:  # local to the file it is written in
            return prefix + fragment if prefix != "#" else ref
        if _REMOTE.match(target):
            if not self.allow_remote:
                raise RefError(
                    f"remote $ref {ref!r} is not fetched; pass --allow-remote-refs to fetch it, "
                    "or bundle the document first",
                    location=str(current),
                )
            key = target
            if key not in self.files:
                self.files[key] = {}
                self.files[key] = self._fetch(target, current)
                self._rewrite(self.files[key], current, self._prefix(key))
            return self._prefix(key) + fragment
        file = (current.parent / urllib.parse.unquote(target)).resolve()
        if file == self.root:
            return "#" + fragment
        if not self.allow_remote and not file.is_relative_to(self.base_dir):
            raise RefError(
                f"$ref {ref!r} reaches outside the document's folder; refusing to read it",
                location=str(current),
            )
        key = (
            file.relative_to(self.base_dir).as_posix()
            if file.is_relative_to(self.base_dir)
            else file.as_posix()
        )
        if key not in self.files:
            self.files[key] = {}  # placeholder first: files may refer to each other
            raw = read_bounded(file, max_bytes=self.max_bytes, what="referenced file")
            self.files[key] = parse_any(raw, str(file))
            self._rewrite(self.files[key], file, self._prefix(key))
        return self._prefix(key) + fragment

    @staticmethod
    def _prefix(key: str) -> str:
        escaped = key.replace("~", "~0").replace("/", "~1")
        return f"#/{BUNDLE_KEY}/{urllib.parse.quote(escaped, safe='~')}"

    def _fetch(self, url: str, current: Path) -> Any:
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:  # the user asked for remote refs
                raw = resp.read(self.max_bytes + 1)
        except OSError as exc:
            raise RefError(
                f"cannot fetch remote $ref {url!r}: {exc}", location=str(current)
            ) from None
        return parse_any(raw, url)


def parse_any(raw: bytes, source: str) -> Any:
    """Parse a referenced file: unlike a root document it may be any JSON/YAML value."""
    text = decode_text(raw, what="referenced file", location=source, error=OpenAPIError)
    if not text.lstrip().startswith(("{", "[")):
        data = _parse_yaml(text, source)
        check_bounds(
            data, what="referenced file", location=source, error=OpenAPIError, string_keys=True
        )
        return data
    try:
        return load_json(text, what="referenced file", location=source, error=OpenAPIError)
    except json.JSONDecodeError as exc:
        raise OpenAPIError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", location=source
        ) from None
