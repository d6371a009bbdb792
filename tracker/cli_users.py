"""``funding-tracker users``: add, change, disable, enable, reset, unlock and list users;
issue and revoke their JSON API tokens; turn the API's public mode on or off.

They run as the local administrator (``cli_actor``): whoever has a shell on
the server owns the tracker.
"""

from __future__ import annotations

import sys

from tracker.cli_common import open_database, print_problems


def cli_actor():
    """Who the ``users`` commands run as: whoever has a shell on the server owns it."""
    import getpass

    from tracker.records.permissions import Actor

    return Actor(f"cli:{getpass.getuser()}", frozenset({"admin"}))


def _read_password() -> str | None:
    """One line of standard input without its line ending (a terminal asks without echoing)."""
    import getpass

    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    line = sys.stdin.readline()
    if not line:
        return None
    return line.removesuffix("\n").removesuffix("\r")


def _when(moment) -> str:
    import pandas as pd

    if moment is None or pd.isna(moment):
        return "-"
    return pd.Timestamp(moment).strftime("%Y-%m-%d %H:%M UTC")


def _users_table(frame) -> str:
    from datetime import UTC, datetime

    from tracker import accounts

    now = datetime.now(UTC)
    header = ["username", "email", "roles", "disabled", "locked until", "last sign-in", "must change password"]
    rows = [header]
    for user in frame.itertuples(index=False):
        locked = user.locked_until if accounts.locked_now(user.locked_until, now) else None
        email = user.email if isinstance(user.email, str) and user.email else "-"
        rows.append(
            [
                user.username,
                email,
                user.roles,
                "yes" if user.disabled else "no",
                _when(locked),
                _when(user.last_sign_in_at),
                "yes" if user.must_change_password else "no",
            ]
        )
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _one_time(username: str, password: str, when: str) -> None:
    print(f"one-time password for {username}: {password}")
    print(f"It is shown only now. {username} must change it at {when} sign-in.")


def _api_access(args, name: str, engine, actor) -> int:
    """``users token NAME [--revoke]`` and ``users public-api on|off|status`` (tracker.api.access)."""
    from tracker.api import access

    if args.users_command == "public-api":
        if args.setting == "status":
            print(f"public mode is {'on' if access.public_api(engine) else 'off'}")
            return 0
        changed = access.set_public_api(args.setting == "on", engine=engine, actor=actor)
        state = (
            "on: anyone may read the JSON API without a token, as a viewer"
            if args.setting == "on"
            else "off: the JSON API needs a token"
        )
        print(f"public mode is {state}" + ("" if changed else " (it already was)"))
        return 0
    if args.revoke:
        if access.revoke_token(name, engine=engine, actor=actor):
            print(f"revoked the API token of {name.strip()}: it no longer works")
        else:
            print(f"{name.strip()} has no API token: nothing to revoke")
        return 0
    token = access.issue_token(name, engine=engine, actor=actor)
    print(f"New JSON API token for {name.strip()} (any earlier one is revoked). It is shown only now:")
    print(token)
    return 0


def cmd_users(args) -> int:
    from tracker import accounts
    from tracker.records.permissions import PermissionDenied
    from tracker.records.problems import ValidationFailed

    actor = cli_actor()
    name: str = getattr(args, "username", "")
    password = None
    if args.users_command == "add" and args.password_stdin:
        password = _read_password()
        if password is None:
            print(
                "--password-stdin: expected the password on one line of standard input; nothing was changed.",
                file=sys.stderr,
            )
            return 1
    engine = open_database()
    try:
        command = args.users_command
        if command == "list":
            frame = accounts.list_users(engine)
            sys.stdout.write(_users_table(frame) if len(frame) else "no users yet\n")
        elif command == "add":
            generated = accounts.add_user(
                name, args.role, engine=engine, password=password, email=args.email, actor=actor, sso_only=args.sso_only
            )
            user = accounts.list_users(engine).set_index("username").loc[name.strip()]
            print(f"added {name.strip()} (roles: {user['roles']})")
            if generated:
                _one_time(name.strip(), generated, "their first")
            elif args.sso_only:
                print(f"{name.strip()} has no password: they sign in through single sign-on as {user['email']}.")
        elif command == "set-roles":
            accounts.set_roles(name, args.role, engine=engine, actor=actor)
            roles = accounts.list_users(engine).set_index("username").loc[name, "roles"]
            print(f"{name} now has the roles: {roles}")
        elif command == "disable":
            accounts.disable_user(name, engine=engine, actor=actor)
            print(f"disabled {name}: they can no longer sign in (the account and its history are kept)")
        elif command == "enable":
            accounts.enable_user(name, engine=engine, actor=actor)
            print(f"enabled {name}: they can sign in again")
        elif command == "reset-password":
            _one_time(name, accounts.reset_password(name, engine=engine, actor=actor), "the next")
            print("Any lockout is lifted.")
        elif command == "unlock":
            if accounts.unlock_user(name, engine=engine, actor=actor):
                print(f"unlocked {name}: they can sign in again, and earlier failed sign-ins no longer count")
            else:
                print(f"{name} was not locked and had no failed sign-ins: nothing changed")
        elif command in ("token", "public-api"):
            return _api_access(args, name, engine, actor)
    except ValidationFailed as err:
        return print_problems(err.problems)
    except PermissionDenied as err:
        print(str(err), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0
