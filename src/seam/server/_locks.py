"""The keys each write of the broker locks, and why they are enough (PostgreSQL).

On PostgreSQL several instances write to one database at once. ``Storage.write(keys)``
takes an exclusive lock on each key (in one sorted order, so no two writers wait on each
other in a cycle) under a shared write lock; a write that names no key takes the write lock
exclusively and runs alone. SQLite runs one writer at a time anyway and ignores the keys.
Within a write, every statement (READ COMMITTED) sees whatever committed before it ran.

**The rule.** A pacticipant *owns* its row's mutable columns (main branch, display name,
repository), its versions and what hangs off them: their branches and tags, the pacts its
versions published as a consumer (publications, their pact content, the integration rows of
its pairs), the verification results its versions published as a provider (and their
numbers), its deployments and releases. Every write that reads, then writes, anything a
pacticipant owns holds :func:`pacticipant` of that owner. So each read-modify-write below
runs alone among the writes that could change what it read:

- **publish** (``POST /contracts/publish``) and **pact PUT/PATCH**: the consumer's key.
  Its version (find or create), branch, tags, the publication for each provider (read the
  existing one, merge or refuse, insert or update its revision), the pact content and the
  integration row all belong to the consumer. The provider is only *named*: its row is
  created with ``INSERT ... ON CONFLICT DO NOTHING`` on the unique name and read back, so
  two consumers naming a new provider at once both end with the one row; every pacticipant
  a request names is created in name order, so two such inserts never wait on each other
  in a cycle. Its webhook events read the provider's state (main-branch head, deployments,
  verifications) and insert new outbox rows (random UUIDs, nothing shared).
- **verification results**: the provider's key. The number is ``COUNT + 1`` over the results
  of one pact content, and every result for content with that provider is recorded under
  that key, so no two results get one number; the provider version, its branch and tags are
  the provider's too. The pact content is read only: content is never changed, and removed
  only by clean or by deleting a pacticipant, which run alone.
- **versions, branches, tags** (save, tag, put on a branch, delete any of them): the
  pacticipant's key. Deleting a version cascades to rows the pacticipant owns through it
  (its publications, its results as a provider, its deployments and releases) and to
  nothing another key protects.
- **deployments and releases**: the pacticipant's key, so two deployments to one
  application instance cannot both see the previous one current and both insert a new
  current one, and two releases to one environment cannot both insert. Ending a record
  (``currentlyDeployed: false``) is one ``UPDATE`` of one row: row locks order it with the
  others; its key (:func:`record`) only keeps it off the exclusive path.
- **pacticipant create/update**: the pacticipant's key (its row's columns).
- **webhook outbox** (the delivery workers claiming, releasing and recording deliveries):
  :data:`OUTBOX`, so claims on two instances take turns as they did; publications only
  insert new rows into it.
- **runs alone** (no key): clean (removes versions and content other writes refer to),
  environments (unique names; deleting one cascades to every owner's deployments),
  webhook definitions, deleting a pacticipant (cascades into other pacticipants' pacts and
  results). They are rare, and alone they need no argument.
"""

from __future__ import annotations

__all__ = ["OUTBOX", "pacticipant", "record"]

#: The webhook outbox's claims (``seam.server._webhook_delivery``).
OUTBOX = "webhook-outbox"


def pacticipant(name: str) -> str:
    """The key of everything the pacticipant called ``name`` owns (see the module docstring)."""
    return f"pacticipant:{name}"


def record(uuid: str) -> str:
    """The key of one deployment or release record, by its UUID."""
    return f"record:{uuid}"
