"""The structural diff of two documents: operations, parameters, bodies, responses.

Everything is paired up (present in base, revision or both) and schema pairs are
handed to :class:`SchemaDiffer`; no judgement happens here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from seam.diff._schemas_diff import SchemaDiff, SchemaDiffer
from seam.openapi import Api, Operation, Parameter, pointer_join

__all__ = ["DocumentDiff", "MediaDiff", "OperationDiff", "ParameterDiff", "ResponseDiff", "build"]


@dataclass(slots=True)
class MediaDiff:
    """One media type of a body: its entry on each side and the schema pair."""

    media: str
    base: Mapping[str, Any] | None
    revision: Mapping[str, Any] | None
    schema: SchemaDiff | None = None
    location: str = ""


@dataclass(slots=True)
class HeaderDiff:
    """One response header on each side."""

    name: str
    base: Mapping[str, Any] | None
    revision: Mapping[str, Any] | None
    schema: SchemaDiff | None = None
    location: str = ""


@dataclass(slots=True)
class ParameterDiff:
    """One parameter (by location and name) on each side."""

    key: tuple[str, str]
    base: Parameter | None
    revision: Parameter | None
    schema: SchemaDiff | None = None


@dataclass(slots=True)
class ResponseDiff:
    """One response status on each side."""

    status: str
    base: Mapping[str, Any] | None
    revision: Mapping[str, Any] | None
    location: str = ""
    media: list[MediaDiff] = field(default_factory=list)
    headers: list[HeaderDiff] = field(default_factory=list)


@dataclass(slots=True)
class OperationDiff:
    """One operation on each side, with everything inside it paired up."""

    base: Operation | None
    revision: Operation | None
    path_removed: bool = False  # the whole path item is gone, not just this method
    path_added: bool = False
    parameters: list[ParameterDiff] = field(default_factory=list)
    body: list[MediaDiff] = field(default_factory=list)
    responses: list[ResponseDiff] = field(default_factory=list)

    @property
    def either(self) -> Operation:
        op = self.revision or self.base
        assert op is not None
        return op

    @property
    def path(self) -> str:
        # oasdiff names an endpoint by its base path; so do we, for a stable key.
        return (self.base or self.either).path

    @property
    def method(self) -> str:
        return self.either.method.upper()

    @property
    def both(self) -> bool:
        return self.base is not None and self.revision is not None


@dataclass(slots=True)
class DocumentDiff:
    """All operations of both documents, paired, plus the schema graph."""

    base: Api
    revision: Api
    operations: list[OperationDiff]
    schemas: SchemaDiffer


def build(base: Api, revision: Api) -> DocumentDiff:
    """Pair everything up and compare every schema pair reachable from an operation."""
    differ = SchemaDiffer(base, revision)
    bops, rops = base.operations(), revision.operations()
    bpaths = {k[1] for k in bops}
    rpaths = {k[1] for k in rops}
    ops: list[OperationDiff] = []
    for key in sorted(set(bops) | set(rops), key=lambda k: (k[1], k[0])):
        od = OperationDiff(bops.get(key), rops.get(key))
        od.path_removed = key[1] not in rpaths
        od.path_added = key[1] not in bpaths
        if od.base is not None and od.revision is not None:
            _pair_operation(od, od.base, od.revision, differ)
        ops.append(od)
    differ.finish()
    return DocumentDiff(base, revision, ops, differ)


def _pair_operation(od: OperationDiff, b: Operation, r: Operation, differ: SchemaDiffer) -> None:
    for key in sorted(set(b.parameters) | set(r.parameters)):
        bp, rp = b.parameters.get(key), r.parameters.get(key)
        pd = ParameterDiff(key, bp, rp)
        if bp is not None and rp is not None and bp.schema is not None and rp.schema is not None:
            pd.schema = differ.pair(bp.schema, bp.schema_pointer, rp.schema, rp.schema_pointer)
        od.parameters.append(pd)
    od.body = _pair_content(
        _content(b.body), b.body_pointer, _content(r.body), r.body_pointer, differ
    )
    for status in sorted(set(b.responses) | set(r.responses)):
        bres, rres = b.responses.get(status), r.responses.get(status)
        rd = ResponseDiff(status, bres, rres, r.response_pointers.get(status, ""))
        if bres is not None and rres is not None:
            rd.media = _pair_content(
                _content(bres), b.response_pointers[status], _content(rres), rd.location, differ
            )
            rd.headers = _pair_headers(bres, b.response_pointers[status], rres, rd.location, differ)
        od.responses.append(rd)


def _content(node: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if node is None:
        return {}
    content = node.get("content")
    return content if isinstance(content, Mapping) else {}


def _pair_content(
    bc: Mapping[str, Any], b_at: str, rc: Mapping[str, Any], r_at: str, differ: SchemaDiffer
) -> list[MediaDiff]:
    out = []
    for media in sorted(set(bc) | set(rc)):
        be, re_ = bc.get(media), rc.get(media)
        md = MediaDiff(
            media,
            be if isinstance(be, Mapping) else None,
            re_ if isinstance(re_, Mapping) else None,
        )
        md.location = pointer_join(r_at, "content", media)
        if md.base is not None and md.revision is not None:
            bs, rs = md.base.get("schema"), md.revision.get("schema")
            if bs is not None and rs is not None:
                md.schema = differ.pair(
                    bs, pointer_join(b_at, "content", media, "schema"), rs, md.location + "/schema"
                )
        out.append(md)
    return out


def _pair_headers(
    b: Mapping[str, Any], b_at: str, r: Mapping[str, Any], r_at: str, differ: SchemaDiffer
) -> list[HeaderDiff]:
    bh = b.get("headers") if isinstance(b.get("headers"), Mapping) else {}
    rh = r.get("headers") if isinstance(r.get("headers"), Mapping) else {}
    assert isinstance(bh, Mapping) and isinstance(rh, Mapping)
    blower = {k.lower(): k for k in bh}
    rlower = {k.lower(): k for k in rh}
    out = []
    for name in sorted(set(blower) | set(rlower)):
        b_name, r_name = blower.get(name), rlower.get(name)
        bv = differ.resolve_base(bh[b_name], "")[0] if b_name else None
        rv = differ.resolve_revision(rh[r_name], "")[0] if r_name else None
        hd = HeaderDiff(r_name or b_name or name, bv, rv)
        hd.location = pointer_join(r_at, "headers", hd.name)
        if isinstance(bv, Mapping) and isinstance(rv, Mapping):
            # 3.x headers carry a schema; 2.0 headers are schema-like themselves.
            hd.schema = differ.pair(
                bv.get("schema", bv),
                pointer_join(b_at, "headers", hd.name, "schema"),
                rv.get("schema", rv),
                hd.location + "/schema",
            )
        out.append(hd)
    return out
