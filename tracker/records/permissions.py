"""Who may do what: the actor of every write, and the check each write makes.

Every write use-case takes the ``actor`` it runs as (there is no default):
the dashboard passes the signed-in user (tests/unit/test_pages_name_the_actor.py
checks every page does), the CLI passes ``local_actor()``, the person at this
machine's shell. ``authorise`` checks the actor's roles against
``PERMISSIONS`` before anything is written; the audit trail names the actor.
The roles themselves are ``tracker.core.vocabulary.ROLES``.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from tracker.core.vocabulary import ROLE_LABELS, ROLES
from tracker.i18n import N_, _
from tracker.records.problems import ServiceError

# Who may do each action: any one of these roles (admin may do everything;
# every role may view). The table: a viewer sees; a reviewer records
# statuses and opens meetings; finance records, corrects and imports
# deliveries; an editor keeps announcements, commitments, deliveries,
# milestones and imports; an admin manages users and restores deletions.
EDITOR = ("editor",)
MONEY_OUT = ("finance", "editor")
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "import_commitments": EDITOR,
    "import_deliveries": MONEY_OUT,
    "load_demo": EDITOR,
    "create_announcement": EDITOR,
    "update_announcement": EDITOR,
    "delete_announcement": EDITOR,
    "create_commitment": EDITOR,
    "update_commitment": EDITOR,
    "delete_commitment": EDITOR,
    "record_delivery": MONEY_OUT,
    "update_delivery": MONEY_OUT,
    "delete_delivery": MONEY_OUT,
    "create_milestone": EDITOR,
    "update_milestone": EDITOR,
    "delete_milestone": EDITOR,
    # Bringing back what someone deleted overrides their judgement: admins only.
    "restore": ("admin",),
    # Correcting and merging organisations changes every record that names them.
    "manage_organisations": ("admin",),
    # The Digital Advisory Group's work.
    "record_status": ("reviewer",),
    "open_meeting": ("reviewer",),
    "manage_users": ("admin",),
    # Which deflator series real-terms figures use changes every such figure.
    "manage_deflators": ("admin",),
    # Reading: every role may see the figures; the audit trail and deleted
    # records are the system owner's.
    "view": ("viewer",),
    "view_audit": ("admin",),
    "view_deleted": ("admin",),
}
# Each action as a refusal says it ("test:viewer may not record status"), marked for the catalogue.
ACTION_WORDS: dict[str, str] = {
    "import_commitments": N_("import commitments"),
    "import_deliveries": N_("import deliveries"),
    "load_demo": N_("load demo"),
    "create_announcement": N_("create announcement"),
    "update_announcement": N_("update announcement"),
    "delete_announcement": N_("delete announcement"),
    "create_commitment": N_("create commitment"),
    "update_commitment": N_("update commitment"),
    "delete_commitment": N_("delete commitment"),
    "record_delivery": N_("record delivery"),
    "update_delivery": N_("update delivery"),
    "delete_delivery": N_("delete delivery"),
    "create_milestone": N_("create milestone"),
    "update_milestone": N_("update milestone"),
    "delete_milestone": N_("delete milestone"),
    "restore": N_("restore"),
    "manage_organisations": N_("manage organisations"),
    "record_status": N_("record status"),
    "open_meeting": N_("open meeting"),
    "manage_users": N_("manage users"),
    "manage_deflators": N_("manage deflators"),
    "view": N_("view"),
    "view_audit": N_("view audit"),
    "view_deleted": N_("view deleted"),
}


@dataclass(frozen=True)
class Actor:
    """Who is making a change, as the audit trail will name them, and the
    roles (from ``ROLES``) that decide what they may do."""

    name: str
    roles: frozenset[str]


class PermissionDenied(ServiceError):
    """The actor may not do this; nothing was changed. ``str(err)`` is in
    English (the CLI, the API, the logs); ``said()`` in the language in use
    when it is called, so a page that keeps the refusal (a widget callback
    runs before the run knows its language) says it when it shows it.
    ``message`` is a catalogue message, its placeholders filled from ``values``."""

    def __init__(self, message: str, /, **values: object) -> None:
        self.message, self.values = message, values
        super().__init__(message.format(**values) if values else message)

    def said(self) -> str:
        return _(self.message, **self.values)


class NotPermitted(PermissionDenied):
    """The actor's roles do not allow the action (a key of ``PERMISSIONS``)."""

    MESSAGE = N_("{actor} may not {action}: it needs the {roles} role")

    def __init__(self, actor: Actor, action: str) -> None:
        self.actor, self.action = actor, action
        english = {"actor": actor.name, "action": ACTION_WORDS[action], "roles": " or ".join(PERMISSIONS[action])}
        super().__init__(self.MESSAGE, **english)

    def said(self) -> str:
        return _(
            self.MESSAGE,
            actor=self.actor.name,
            action=_(ACTION_WORDS[self.action]),
            roles=roles_in_words(PERMISSIONS[self.action]),
        )


def role_word(role: str) -> str:
    """A role as a sentence names it, in the language in use: "finance", "cyllid" (its label in lower case)."""
    return _(ROLE_LABELS[role]).lower() if role in ROLE_LABELS else role


def roles_in_words(roles: tuple[str, ...]) -> str:
    """Roles any one of which will do, in the language in use: "finance or editor", "cyllid neu golygydd"."""
    words = [role_word(role) for role in roles]
    if len(words) < 2:
        return "".join(words)
    return _("{first} or {second}", first=", ".join(words[:-1]), second=words[-1])


def local_actor() -> Actor:
    """The person at this machine's shell, for the CLI: whoever can run
    commands on the server owns it, so they are an admin (which grants every
    action). ``TRACKER_ACTOR`` overrides the login name the audit trail shows."""
    name = os.environ.get("TRACKER_ACTOR") or f"local:{getpass.getuser()}"
    return Actor(name=name, roles=frozenset({"admin"}))


def holds(roles: frozenset[str], needed: str | tuple[str, ...]) -> bool:
    """Whether ``roles`` grant one of ``needed``: admin grants everything, and
    every role includes viewing."""
    needed = (needed,) if isinstance(needed, str) else needed
    return bool(roles & set(needed)) or "admin" in roles or ("viewer" in needed and bool(roles & set(ROLES)))


def authorise(actor: Actor, action: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may do ``action`` (a key of ``PERMISSIONS``)."""
    if not holds(actor.roles, PERMISSIONS[action]):
        raise NotPermitted(actor, action)
