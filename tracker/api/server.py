"""``funding-tracker api``: the JSON API alone, on uvicorn.

Before it listens:

1. the database must exist (a missing SQLite file is refused, as every
   command but ``serve``, ``db upgrade`` and ``demo`` refuses it); pending
   migrations are applied first, as every command that opens the database
   applies them (``docs/cli.md``); a database from a
   newer version of the tracker is refused;
2. it says where it listens, whether public mode is on, and warns when it
   listens beyond this machine over plain HTTP (tokens would cross the
   network in clear: put it behind an HTTPS reverse proxy).

One process serves both the dashboard and the API when the dashboard is
started from ``dashboard/with_api.py`` (``funding-tracker serve --with-api``).
"""

from __future__ import annotations

import sys

from tracker.cli_common import Refused

LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")


def check_database():
    """An engine on the configured database, upgraded to the newest migration; else ``Refused``."""
    from sqlalchemy.engine import make_url

    from db.session import (
        SCHEMA_HEAD,
        NoDatabase,
        database_url,
        make_engine,
        require_database,
        stored_revision,
        upgrade,
    )

    try:
        require_database()
    except NoDatabase as err:
        raise Refused(f"funding-tracker api: refusing to start: {err}") from None
    shown = make_url(database_url()).render_as_string(hide_password=True)
    engine = make_engine()
    try:
        found = stored_revision(engine)
    except Exception as err:  # a server that does not answer, a file that is not a database
        engine.dispose()
        raise Refused(f"funding-tracker api: refusing to start: cannot read the database at {shown} ({err})") from None
    if found is not None and found.isdigit() and int(found) > int(SCHEMA_HEAD):
        engine.dispose()
        raise Refused(
            f"funding-tracker api: refusing to start: the database at {shown} is at migration {found}, newer than "
            f"this version of the tracker knows ({SCHEMA_HEAD}): upgrade the tracker"
        )
    if found != SCHEMA_HEAD:
        upgrade(engine)  # pending migrations first, as every command applies them
    return engine


def base_address(address: str, port: int) -> str:
    shown = "localhost" if address in ("", "0.0.0.0", "::") else address
    host = f"[{shown}]" if ":" in shown else shown
    return f"http://{host}:{port}/api"


def run(port: int = 8502, address: str = "127.0.0.1") -> int:
    """Check the database, then serve the API until stopped."""
    import uvicorn

    from tracker.api import access, create_app

    engine = check_database()
    try:
        public = access.public_api(engine)
        url = base_address(address, port)
        if address not in LOCAL_ADDRESSES:
            print(
                f"warning: listening on {address}: other machines can reach the API over plain HTTP, so tokens "
                "would cross the network in clear text. Put it behind an HTTPS reverse proxy.",
                file=sys.stderr,
            )
        print(
            f"Public mode: {'on (anyone can read what a viewer sees)' if public else 'off (a token is needed)'}",
            flush=True,
        )
        print(f"Funding tracker API: {url}  (described at {url}/openapi.json; Ctrl+C stops it)", flush=True)
        config = uvicorn.Config(
            create_app(engine), host=address, port=port, log_level="info", server_header=False, lifespan="off"
        )
        try:
            uvicorn.Server(config).run()
        except SystemExit as stopped:  # uvicorn could not start (e.g. the port is taken): it said why
            return 1 if stopped.code else 0
    finally:
        engine.dispose()
    return 0
