"""The API's request and response bodies, as the OpenAPI document declares them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

__all__ = ["ErrorBody", "Status", "Task", "TaskCreate", "TaskUpdate"]


class Status(StrEnum):
    """Where a task is in its life."""

    open = "open"
    in_progress = "in_progress"
    done = "done"


# No NUL characters: PostgreSQL text cannot hold them, and the contract is the same whichever
# database the service runs on.
_NO_NUL = r"^[^\x00]*$"
Title = Annotated[str, Field(min_length=1, max_length=200, pattern=_NO_NUL)]
Assignee = Annotated[str, Field(min_length=1, max_length=100, pattern=_NO_NUL)]


class TaskCreate(BaseModel):
    """The body of ``POST /tasks``."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"title": "Write the docs"}]})

    title: Title
    assignee: Assignee | None = None


class TaskUpdate(BaseModel):
    """The body of ``PATCH /tasks/{id}``: only the fields given change."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "in_progress", "assignee": "ada"}]}
    )

    # SkipJsonSchema: the document says "a status or nothing"; an explicit null is refused
    # below, so the schema and the server agree.
    status: Status | SkipJsonSchema[None] = None
    assignee: Assignee | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _status_not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("status cannot be null; leave it out to keep the current status")
        return value


class Task(BaseModel):
    """A stored task."""

    id: int = Field(description="Assigned by the service; never reused.")
    title: str
    status: Status
    assignee: str | None


class ErrorBody(BaseModel):
    """The body of every error response except validation errors (422)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"detail": "task 7 not found"}]})

    detail: str
