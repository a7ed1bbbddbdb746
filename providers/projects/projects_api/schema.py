"""The Projects GraphQL schema (strawberry), resolved over :mod:`projects_api.db`.

Importing it touches nothing: ``contracts snapshot --app projects_api.schema:schema``
prints the schema without a database or a server. Resolvers find the database URL in
the request context, which :mod:`projects_api.app` fills in.
"""

from __future__ import annotations

import enum
from typing import Any

import strawberry
from graphql import GraphQLError

from projects_api import db

__all__ = ["NewProject", "Project", "ProjectStatus", "schema"]


@strawberry.enum(description="Where a project is in its life.")
class ProjectStatus(enum.Enum):
    ACTIVE = "active"
    ARCHIVED = "archived"


@strawberry.type(description="A project: a name, a status and an owner.")
class Project:
    id: strawberry.ID
    name: str
    status: ProjectStatus
    owner: str | None = strawberry.field(description="Who runs the project, if anyone.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Project:
        """The project a database row holds."""
        return cls(
            id=strawberry.ID(str(row["id"])),
            name=row["name"],
            status=ProjectStatus(row["status"]),
            owner=row["owner"],
        )


@strawberry.input(description="What a new project needs.")
class NewProject:
    name: str
    owner: str | None = None


def _url(info: strawberry.Info) -> str:
    url: str = info.context["database_url"]
    return url


def _id(value: strawberry.ID) -> int:
    try:
        return int(value)
    except ValueError:
        raise GraphQLError(f"project ids are numbers, not {value!r}") from None


@strawberry.type
class Query:
    @strawberry.field(description="The project with this id, or null.")
    def project(self, info: strawberry.Info, id: strawberry.ID) -> Project | None:
        row = db.get_project(_url(info), _id(id))
        return Project.from_row(row) if row else None

    @strawberry.field(description="Every project, oldest first; only those of `status` if given.")
    def projects(
        self, info: strawberry.Info, status: ProjectStatus | None = None
    ) -> list[Project]:
        rows = db.list_projects(_url(info), status.value if status else None)
        return [Project.from_row(row) for row in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create an active project.")
    def create_project(self, info: strawberry.Info, input: NewProject) -> Project:
        try:
            row = db.insert_project(_url(info), name=input.name, owner=input.owner)
        except ValueError as exc:
            raise GraphQLError(str(exc)) from None
        return Project.from_row(row)

    @strawberry.mutation(description="Archive a project; null when there is none.")
    def archive_project(self, info: strawberry.Info, id: strawberry.ID) -> Project | None:
        row = db.archive_project(_url(info), _id(id))
        return Project.from_row(row) if row else None


schema = strawberry.Schema(query=Query, mutation=Mutation)
