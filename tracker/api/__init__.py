"""The read-only JSON API (``funding-tracker api``).

- ``app``: the FastAPI application (``create_app(engine)``), routes, access and errors;
- ``access``: bearer tokens per user and public mode (the CLI and the Users page use it too);
- ``params``: the query parameters, checked, with the errors they give;
- ``views``: what the routes read, from the tracker's own read models, kept per data version;
- ``changes``: the audit trail as a feed of changes;
- ``server``: ``funding-tracker api``, the application alone on uvicorn.

Importing this package imports no FastAPI (the Users page uses ``access``):
``create_app`` loads it when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy import Engine


def create_app(engine: Engine, *, prefix: str = "/api") -> FastAPI:
    """The API application on ``engine``, its routes under ``prefix`` (``tracker.api.app.create_app``)."""
    from tracker.api.app import create_app as create

    return create(engine, prefix=prefix)
