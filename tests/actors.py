"""Who a test's writes run as. Every write names its actor (there is no
default), so a test says who: usually someone with the admin role, which
grants every action, as the person at the server's shell has
(``tracker.records.permissions.local_actor``)."""

from __future__ import annotations

from tracker.records.permissions import Actor


def admin(name: str) -> Actor:
    """``name`` with the admin role: allowed every action."""
    return Actor(name, frozenset({"admin"}))


ADMIN = admin("test:admin")
