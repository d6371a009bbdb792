"""Why a write was refused. Every refusal changes nothing.

``ServiceError`` is the family: a page or the CLI catches it and shows
``str(err)``, which is written for people. ``ValidationFailed`` lists every
``FieldProblem`` in a form at once (field, value typed, what was expected);
``NotFound``, ``Conflict`` and ``StaleEdit`` are about the stored record.
``PermissionDenied`` (tracker.records.permissions) is one too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

MUST_NOT_BE_BLANK = "required: must not be blank"  # what is said of a blank field that must be filled in


class ServiceError(Exception):
    """A write was refused; nothing was changed. ``str(err)`` is for people."""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with a form: the field, the value typed, what was expected."""

    field: str
    value: str | None
    expected: str

    def __str__(self) -> str:
        if not self.value:
            return f"{self.field}: {self.expected}"
        return f"{self.field} {self.value!r}: {self.expected}"


class ValidationFailed(ServiceError):
    """The input has problems (every one is listed); nothing was changed."""

    def __init__(self, problems: Iterable[FieldProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def for_field(self, name: str) -> list[FieldProblem]:
        """The problems with one field, to show beside its widget."""
        return [p for p in self.problems if p.field == name]


def raise_if_any(problems: list[FieldProblem]) -> None:
    """``ValidationFailed`` listing ``problems``, if there are any."""
    if problems:
        raise ValidationFailed(problems)


class NotFound(ServiceError):
    """No record with that ref (or it is deleted and the action needs a live one)."""


class Conflict(ServiceError):
    """The record's current state does not allow this (e.g. already deleted)."""


class StaleEdit(Conflict):
    """Someone saved the record after this user loaded it; nothing was overwritten."""

    def __init__(
        self, entity: str, ref: str, changed_by: str | None, changed_at: datetime | None, action: str = "update"
    ):
        self.entity = entity
        self.ref = ref
        self.changed_by = changed_by
        self.changed_at = changed_at
        verb = {"delete": "deleted", "restore": "restored"}.get(action, "changed")
        if changed_by is None or changed_at is None:
            who = "by someone else"
        else:
            # The audit trail's time, in UTC (as stored).
            who = f"by {changed_by} at {changed_at.astimezone(UTC):%H:%M}"
        super().__init__(f"This {entity} was {verb} {who} after you opened it; reload to see their change")
