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

from tracker.core.vocabulary import ROLES
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
    # Reading: every role may see the figures; the audit trail and deleted
    # records are the system owner's.
    "view": ("viewer",),
    "view_audit": ("admin",),
    "view_deleted": ("admin",),
}


@dataclass(frozen=True)
class Actor:
    """Who is making a change, as the audit trail will name them, and the
    roles (from ``ROLES``) that decide what they may do."""

    name: str
    roles: frozenset[str]


class PermissionDenied(ServiceError):
    """The actor may not do this; nothing was changed."""


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
    needed = PERMISSIONS[action]
    if not holds(actor.roles, needed):
        roles = " or ".join(needed)
        raise PermissionDenied(f"{actor.name} may not {action.replace('_', ' ')}: it needs the {roles} role")
