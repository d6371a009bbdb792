"""Why a write was refused. Every refusal changes nothing.

``ServiceError`` is the family: the CLI catches it and shows ``str(err)``,
which is written for people; a page shows ``err.said()``, in the reader's
language. ``ValidationFailed`` lists every
``FieldProblem`` in a form at once (field, value typed, what was expected);
``NotFound``, ``Conflict`` and ``StaleEdit`` are about the stored record.
``PermissionDenied`` (tracker.records.permissions) is one too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

from tracker.i18n import N_, _

# What is said of a blank field that must be filled in. Compared (dashboard.error_sentences says it its own
# way): kept English here, marked for the catalogue.
MUST_NOT_BE_BLANK = N_("required: must not be blank")

# "This commitment": a record named at the start of a sentence, by its kind (``StaleEdit.entity``).
THIS_RECORD = MappingProxyType(
    {
        "announcement": N_("This announcement"),
        "commitment": N_("This commitment"),
        "delivery": N_("This delivery"),
        "milestone": N_("This milestone"),
        "organisation": N_("This organisation"),
    }
)
# What is said of a record by its kind (a key of ``tracker.records.unit_of_work.ENTITIES``) and its ref:
# whole sentences, one for each kind (a translation inflects each its own way). Said by ``about``.
NO_SUCH = MappingProxyType(
    {
        "announcement": N_("there is no announcement with ref {ref}"),
        "commitment": N_("there is no commitment with ref {ref}"),
        "delivery": N_("there is no delivery with ref {ref}"),
        "milestone": N_("there is no milestone with ref {ref}"),
    }
)
IS_DELETED = MappingProxyType(
    {
        "announcement": N_("announcement {ref} is deleted: an admin can restore it"),
        "commitment": N_("commitment {ref} is deleted: an admin can restore it"),
        "delivery": N_("delivery {ref} is deleted: an admin can restore it"),
        "milestone": N_("milestone {ref} is deleted: an admin can restore it"),
    }
)
ALREADY_DELETED = MappingProxyType(
    {
        "announcement": N_("announcement {ref} is already deleted"),
        "commitment": N_("commitment {ref} is already deleted"),
        "delivery": N_("delivery {ref} is already deleted"),
        "milestone": N_("milestone {ref} is already deleted"),
    }
)
NOT_DELETED = MappingProxyType(
    {
        "announcement": N_("announcement {ref} is not deleted: there is nothing to restore"),
        "commitment": N_("commitment {ref} is not deleted: there is nothing to restore"),
        "delivery": N_("delivery {ref} is not deleted: there is nothing to restore"),
        "milestone": N_("milestone {ref} is not deleted: there is nothing to restore"),
    }
)
REF_TAKEN = MappingProxyType(
    {
        "announcement": N_("an announcement with this ref already exists: give a new ref"),
        "commitment": N_("a commitment with this ref already exists: give a new ref"),
        "delivery": N_("a delivery with this ref already exists: give a new ref"),
        "milestone": N_("a milestone with this ref already exists: give a new ref"),
    }
)
REF_TAKEN_BY_DELETED = MappingProxyType(
    {
        "announcement": N_(
            "an announcement with this ref already exists: give a new ref "
            "(that announcement is deleted; an admin can restore it)"
        ),
        "commitment": N_(
            "a commitment with this ref already exists: give a new ref (that commitment is deleted; an admin can "
            "restore it)"
        ),
        "delivery": N_(
            "a delivery with this ref already exists: give a new ref (that delivery is deleted; an admin can "
            "restore it)"
        ),
        "milestone": N_(
            "a milestone with this ref already exists: give a new ref (that milestone is deleted; an admin can "
            "restore it)"
        ),
    }
)


def about(sentences: Mapping[str, str], entity: str, ref: str) -> str:
    """The sentence of ``sentences`` for a record of kind ``entity``, naming ``ref`` as quoted
    text (``'W8'``), in the language in use."""
    return _(sentences[entity], ref=repr(ref))


# Why a save was refused: someone saved the record in between. By what they did, and whether the
# audit trail says who and when (its time in UTC, as stored).
_STALE = MappingProxyType(
    {
        ("update", True): N_(
            "{record} was changed by {name} at {time} after you opened it; reload to see their change"
        ),
        ("delete", True): N_(
            "{record} was deleted by {name} at {time} after you opened it; reload to see their change"
        ),
        ("restore", True): N_(
            "{record} was restored by {name} at {time} after you opened it; reload to see their change"
        ),
        ("update", False): N_("{record} was changed by someone else after you opened it; reload to see their change"),
        ("delete", False): N_("{record} was deleted by someone else after you opened it; reload to see their change"),
        ("restore", False): N_("{record} was restored by someone else after you opened it; reload to see their change"),
    }
)


class ServiceError(Exception):
    """A write was refused; nothing was changed. ``str(err)`` is for people, in
    the language in use when it was raised; ``said()`` is what a page shows (a
    refusal that keeps its English for the CLI, the API and the logs, as
    ``PermissionDenied`` does, says itself in the language in use when asked)."""

    def said(self) -> str:
        """The refusal as a page shows it, in the language in use."""
        return str(self)


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
        known = changed_by is not None and changed_at is not None
        record = THIS_RECORD.get(entity)
        super().__init__(
            _(
                _STALE[(action if action in ("delete", "restore") else "update", known)],
                record=_(record) if record else f"This {entity}",
                name=changed_by,
                time=f"{changed_at.astimezone(UTC):%H:%M}" if changed_at is not None else "",
            )
        )
