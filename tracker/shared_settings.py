"""Settings every server process of one tracker shares, kept in its database.

``cookie_secret``: the key Streamlit signs its cookies with
(``server.cookieSecret``). Left to itself each Streamlit process makes a
random one, so a cookie signed by one server would not be accepted by
another behind the same proxy. ``funding-tracker serve`` asks for it at
start-up: the first server to start on a database makes it (48 random bytes,
64 URL-safe characters) and every later one reads the same.

Two servers starting at once both find none and both try to store theirs:
the setting's name is unique, so one of them is refused, reads the winner's
and uses that. The row is audited (who made it, and when) but the audit
trail never holds the value: its snapshot says only that a secret is there.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from db.models import AppSetting, AuditEvent
from db.session import read_session, write_session
from tracker.records.permissions import Actor

COOKIE_SECRET = "cookie_secret"
SECRET_BYTES = 48  # token_urlsafe: 64 characters, within the 200 a setting holds
NOT_RECORDED = "(a secret: not recorded)"


def stored(engine: Engine, setting: str) -> str | None:
    """A setting's stored value (None: no row)."""
    with read_session(engine) as session:
        return session.scalar(select(AppSetting.setting_value).where(AppSetting.setting == setting))


def _secret_snapshot(row: AppSetting) -> dict:
    """A secret setting as the audit trail keeps it: its name, never its value."""
    return {"setting": row.setting, "setting_value": NOT_RECORDED, "version": row.version}


def cookie_secret(engine: Engine, *, actor: Actor) -> str:
    """The cookie-signing secret every server of this database uses, made and
    stored (audited as ``actor``, without its value) if there is none yet."""
    found = stored(engine, COOKIE_SECRET)
    if found:
        return found
    made = secrets.token_urlsafe(SECRET_BYTES)
    try:
        with write_session(engine) as session:
            row = AppSetting(setting=COOKIE_SECRET, setting_value=made)
            session.add(row)
            session.flush()
            session.add(
                AuditEvent(
                    actor=actor.name,
                    action="create",
                    entity="app_settings",
                    entity_id=row.id,
                    before=None,
                    after=_secret_snapshot(row),
                )
            )
    except IntegrityError:  # another server stored one first: use theirs
        found = stored(engine, COOKIE_SECRET)
        if not found:
            raise
        return found
    return made
