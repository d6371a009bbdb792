"""Sign-in throttling: failed attempts slow down whoever makes them, not the
person they are aimed at (OWASP Authentication Cheat Sheet).

Each failed sign-in is one row of ``sign_in_failures``: the username as
typed (known or not: the same work either way) and the client address.

- **The pair** (username, address): the first ``PAIR_FREE`` failures cost
  nothing; after that each one makes the next attempt from that address for
  that username wait, doubling from 1 second up to ``LONGEST_WAIT``. The
  owner signing in from another address is not slowed at all.
- **The address**: past ``ADDRESS_FREE`` failures from one address across any
  usernames (one password tried against many accounts), the same growing
  wait applies to every attempt from it.
- **The hard lock**: only when a username has had ``LOCK_FAILURES`` failures
  from at least ``LOCK_ADDRESSES`` different addresses within a day (an
  attack from many machines) is the account locked, for ``LOCK_FOR``, right
  password or not. It is audited; an admin can lift it sooner
  (``funding-tracker users unlock``, or the Users page).

A wait is not a lock: while it lasts the password is not even checked (so
guessing is no faster), and the message says how long to wait. It reads the
same for a username that exists and one that does not.

Failures count within ``WINDOW``; older rows are removed as new ones are
written. A success clears its own pair's failures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.models import SignInFailure
from tracker.core.limits import LIMITS

PAIR_FREE = 3
ADDRESS_FREE = 20
LONGEST_WAIT = timedelta(minutes=15)
LOCK_FAILURES = 50
LOCK_ADDRESSES = 5
LOCK_FOR = timedelta(hours=1)
WINDOW = timedelta(days=1)
# Where the attempt came from when the app cannot tell (a browser on the same machine).
LOCAL = "local"


@dataclass(frozen=True)
class Failures:
    """What the failures table says about one attempt before it is checked."""

    pair: int  # failures for this username from this address, within the window
    pair_last: datetime | None
    address: int  # failures from this address for any username
    address_last: datetime | None


def client_key(address: str | None) -> str:
    """The address as stored: as given, ``LOCAL`` when unknown, cut to the column."""
    text = (address or "").strip()
    return (text or LOCAL)[: LIMITS["client_address"]]


def username_key(username: str) -> str:
    """The username as stored in the failures table (cut to the column)."""
    return username[: LIMITS["username"]]


def wait_after(failures: int, free: int) -> timedelta:
    """How long the next attempt must wait after ``failures`` (0 within the free ones)."""
    if failures <= free:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - free - 1, 20)), LONGEST_WAIT)


def retry_after(failures: Failures, now: datetime) -> int:
    """Whole seconds before this username may be tried from this address (0: now)."""
    waits = [
        (failures.pair_last + wait_after(failures.pair, PAIR_FREE)) if failures.pair_last else None,
        (failures.address_last + wait_after(failures.address, ADDRESS_FREE)) if failures.address_last else None,
    ]
    until = max((w for w in waits if w is not None), default=now)
    return max(0, math.ceil((until - now).total_seconds()))


def failures_so_far(session: Session, username: str, client: str, now: datetime) -> Failures:
    since = now - WINDOW
    pair = session.execute(
        select(func.count(SignInFailure.id), func.max(SignInFailure.failed_at)).where(
            SignInFailure.username == username, SignInFailure.client == client, SignInFailure.failed_at > since
        )
    ).one()
    address = session.execute(
        select(func.count(SignInFailure.id), func.max(SignInFailure.failed_at)).where(
            SignInFailure.client == client, SignInFailure.failed_at > since
        )
    ).one()
    return Failures(pair[0], pair[1], address[0], address[1])


def record_failure(session: Session, username: str, client: str, now: datetime) -> bool:
    """Count one failure (and forget those older than the window); whether the
    username has now had enough failures from enough addresses to be locked."""
    session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= now - WINDOW))
    session.add(SignInFailure(username=username, client=client, failed_at=now))
    session.flush()
    total, addresses = session.execute(
        select(func.count(SignInFailure.id), func.count(SignInFailure.client.distinct())).where(
            SignInFailure.username == username, SignInFailure.failed_at > now - WINDOW
        )
    ).one()
    return total >= LOCK_FAILURES and addresses >= LOCK_ADDRESSES


def forget_pair(session: Session, username: str, client: str) -> None:
    """A success from this address: its failures for this username no longer count."""
    session.execute(delete(SignInFailure).where(SignInFailure.username == username, SignInFailure.client == client))


def forget_username(session: Session, username: str) -> int:
    """An admin unlocked the account: start its count again from every address.
    How many failures were forgotten."""
    result = session.execute(delete(SignInFailure).where(SignInFailure.username == username))
    return int(getattr(result, "rowcount", 0) or 0)  # a DML result (CursorResult) has a rowcount
