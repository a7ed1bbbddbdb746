"""Pacticipant labels: the Pact Broker's way to group pacticipants (and scope webhooks)."""

from __future__ import annotations

from seam.server._errors import NotFound
from seam.server._queries import labels as labels_q
from seam.server._queries import pacticipants as pacticipants_q
from seam.server._queries.rows import LabelRow
from seam.server._requests import check_name
from seam.server._service._core import ServiceCore
from seam.server._service._results import PacticipantDetails
from seam.server._storage import utcnow

__all__ = ["LabelsService"]


class LabelsService(ServiceCore):
    """Labels of pacticipants."""

    def add_label(self, pacticipant_name: str, name: str) -> tuple[LabelRow, bool]:
        """Label a pacticipant, creating it when missing (as a tag does); (label, created)."""
        check_name("label", name)
        with self.storage.write() as conn:
            pacticipant = self._ensure_pacticipant(conn, pacticipant_name)
            created = labels_q.insert_label(conn, pacticipant["id"], name, utcnow())
            found = labels_q.label(conn, pacticipant["id"], name)
            assert found is not None  # just inserted, or there already
            return found, created

    def get_label(self, pacticipant_name: str, name: str) -> LabelRow:
        """Return a label of a pacticipant, or raise :class:`NotFound`."""
        with self.storage.read() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            found = labels_q.label(conn, pacticipant["id"], name)
            if found is None:
                raise NotFound(f"pacticipant {pacticipant_name!r} has no label {name!r}")
            return found

    def remove_label(self, pacticipant_name: str, name: str) -> None:
        """Remove a label from a pacticipant, or raise :class:`NotFound`."""
        with self.storage.write() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            if labels_q.label(conn, pacticipant["id"], name) is None:
                raise NotFound(f"pacticipant {pacticipant_name!r} has no label {name!r}")
            labels_q.delete_label(conn, pacticipant["id"], name)

    def labels_of(self, pacticipant_name: str) -> list[LabelRow]:
        """Return a pacticipant's labels (sorted by name), or raise :class:`NotFound`."""
        with self.storage.read() as conn:
            pacticipant = self._require_pacticipant(conn, pacticipant_name)
            return labels_q.labels_of(conn, pacticipant["id"])

    def pacticipants_with_label(self, name: str) -> list[PacticipantDetails]:
        """Return every pacticipant carrying the label, with its latest version."""
        with self.storage.read() as conn:
            return [
                {**row, "latest_version": pacticipants_q.latest_version(conn, row["id"])}
                for row in labels_q.pacticipants_with_label(conn, name)
            ]
