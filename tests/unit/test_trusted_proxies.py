"""Which client address the sign-in throttle sees: ``X-Forwarded-For`` is
believed only from the reverse proxies named in ``TRACKER_TRUSTED_PROXIES``,
which ``funding-tracker serve`` hands to Streamlit's server (uvicorn) as
``FORWARDED_ALLOW_IPS``. Checked through uvicorn's own middleware."""

from __future__ import annotations

import pytest
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from tracker.serve import TRUSTED_PROXIES_ENV, trusted_proxies


def client_seen(allowed: str, peer: str, forwarded_for: str) -> str:
    """The client address an app behind uvicorn's middleware sees."""
    seen: list[str] = []

    async def app(scope, receive, send) -> None:
        seen.append(scope["client"][0])

    scope = {
        "type": "http",
        "client": (peer, 50000),
        "headers": [(b"x-forwarded-for", forwarded_for.encode())],
    }
    # Driven by hand, not asyncio.run: nothing in it waits, and another test's event loop
    # (Playwright's, in the same process) may still be running in this thread.
    call = ProxyHeadersMiddleware(app, trusted_hosts=allowed)(scope, None, None)
    with pytest.raises(StopIteration):
        call.send(None)
    return seen[0]


def test_no_setting_trusts_no_proxy_not_even_this_machine():
    allowed = trusted_proxies({})
    assert allowed == ""
    # uvicorn's own default would believe 127.0.0.1; with the tracker's setting the header is ignored.
    assert client_seen(allowed, "127.0.0.1", "203.0.113.9") == "127.0.0.1"


def test_a_named_proxy_is_believed_and_nobody_else():
    allowed = trusted_proxies({TRUSTED_PROXIES_ENV: " 127.0.0.1, 10.0.0.0/24 "})
    assert allowed == "127.0.0.1,10.0.0.0/24"
    assert client_seen(allowed, "127.0.0.1", "203.0.113.9") == "203.0.113.9"
    assert client_seen(allowed, "10.0.0.7", "198.51.100.1, 10.0.0.9") == "198.51.100.1"
    # A client that writes the header itself, connecting directly, is not believed.
    assert client_seen(allowed, "192.0.2.50", "203.0.113.9") == "192.0.2.50"


@pytest.mark.parametrize("value", ["proxy.internal", "*", "127.0.0.1, nginx"])
def test_anything_but_addresses_and_networks_is_refused(value):
    with pytest.raises(ValueError, match=TRUSTED_PROXIES_ENV) as err:
        trusted_proxies({TRUSTED_PROXIES_ENV: value})
    assert "not an IP address or network" in str(err.value)
