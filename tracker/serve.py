"""``funding-tracker serve``: start the dashboard with Streamlit.

The launcher, not ``app.py``, is where anything that must be true before the
server starts belongs (``app.py`` only runs when a browser connects):

1. the security settings are checked: it refuses to start with XSRF
   protection off (unless ``--allow-insecure-xsrf-off``) and warns about any
   other setting weaker than the project's ``.streamlit/config.toml``; a bad
   ``TRACKER_IDLE_MINUTES`` is refused too;
2. single sign-on settings (an ``[auth]`` section in ``.streamlit/secrets.toml``)
   are checked: all the keys ``st.login`` needs, an https redirect address
   ending in ``/oauth2callback``, a cookie secret long enough not to be
   guessed; otherwise it refuses to start rather than fail at the first
   sign-in;
3. pending migrations are applied, so the first page view never races a
   half-built schema;
4. on a database with no users, an administrator is created and its one-time
   password printed here, in the terminal of whoever started the server;
5. Streamlit is given the cookie-signing secret kept in the database
   (``tracker.shared_settings``), so that every server on one database signs
   alike, unless the operator set ``server.cookieSecret`` themselves;
6. Streamlit runs ``dashboard/app.py`` (``--with-api``:
   ``dashboard/with_api.py``), which it serves as an ``st.App`` with the
   tracker's own routes, which give a browser its sign-in cookie
   (``dashboard/session_routes.py``).

The settings are read the way Streamlit reads them, later sources winning:
its defaults, ``~/.streamlit/config.toml``, ``.streamlit/config.toml`` in the
working directory, ``.streamlit/config.toml`` beside ``dashboard/app.py``,
``STREAMLIT_...`` environment variables, then options passed through on the
command line (``funding-tracker serve -- --server.enableXsrfProtection=false``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

PROJECT = Path(__file__).resolve().parent.parent
# The dashboard; Streamlit serves it as the st.App it holds, with the tracker's own routes (the sign-in cookie).
APP = PROJECT / "dashboard" / "app.py"
# The same with the JSON API mounted at /api (serve --with-api).
WITH_API = PROJECT / "dashboard" / "with_api.py"
PROJECT_CONFIG = PROJECT / ".streamlit" / "config.toml"

XSRF = "server.enableXsrfProtection"
OVERRIDE_FLAG = "--allow-insecure-xsrf-off"

# What the tracker expects (README, "Deploying on a shared server") and what
# Streamlit 1.67 does when nothing is set. ``client.showErrorDetails`` must be
# "none": the legacy ``false`` means "stacktrace" (tracebacks in the browser).
MAX_UPLOAD_MB = 200  # server.maxUploadSize the import page expects, at most
EXPECTED: dict[str, object] = {
    XSRF: True,
    "server.enableCORS": True,
    "server.maxUploadSize": MAX_UPLOAD_MB,
    "client.showErrorDetails": "none",
    "client.toolbarMode": "viewer",
}
STREAMLIT_DEFAULTS: dict[str, object] = {
    XSRF: True,
    "server.enableCORS": True,
    "server.maxUploadSize": 200,
    "client.showErrorDetails": "full",
    "client.toolbarMode": "auto",
}
# Streamlit's names for them (ConfigOption.env_var; a test checks they agree).
ENV_VARS = {
    XSRF: "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION",
    "server.enableCORS": "STREAMLIT_SERVER_ENABLE_CORS",
    "server.maxUploadSize": "STREAMLIT_SERVER_MAX_UPLOAD_SIZE",
    "client.showErrorDetails": "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS",
    "client.toolbarMode": "STREAMLIT_CLIENT_TOOLBAR_MODE",
}
BOOLEAN = frozenset({XSRF, "server.enableCORS"})
# Click's spellings, which Streamlit's command line and environment variables use.
TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "off"})

DEFAULT_SOURCE = "Streamlit's default"


class SettingsError(ValueError):
    """A settings source cannot be read (e.g. a config.toml that is not valid TOML)."""


@dataclass(frozen=True)
class Setting:
    """One setting's effective value and where it came from (for messages)."""

    key: str
    value: object
    source: str

    def said(self) -> str:
        shown = str(self.value).lower() if isinstance(self.value, bool) else repr(self.value)
        return f"{self.key} = {shown}, from {self.source}"


@dataclass(frozen=True)
class SecurityCheck:
    """The result of ``check_settings``: start or not, and what to warn about."""

    refusal: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.refusal is None


def streamlit_args(extra: Sequence[str] | None) -> list[str]:
    """The options passed through to ``streamlit run`` (without argparse's ``--``)."""
    args = list(extra or [])
    return args[1:] if args[:1] == ["--"] else args


def config_files(cwd: Path, home: Path, name: str = "config.toml") -> list[Path]:
    """The config.toml (or secrets.toml) files Streamlit reads for
    ``dashboard/app.py``, in order, later ones winning."""
    files: list[Path] = []
    for path in (home / ".streamlit" / name, cwd / ".streamlit" / name, APP.parent / ".streamlit" / name):
        if path.resolve() not in [f.resolve() for f in files]:
            files.append(path)
    return files


def _as_bool(key: str, raw: object, source: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int):
        return raw != 0
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{key} = {raw!r}, from {source}: expected true or false")


def _typed(key: str, raw: object, source: str) -> object:
    if key in BOOLEAN:
        return _as_bool(key, raw, source)
    if key == "server.maxUploadSize" and isinstance(raw, str):
        try:
            return int(raw.strip())
        except ValueError:
            return raw
    if key == "client.showErrorDetails" and isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"  # the legacy spellings
    return raw


def _from_file(path: Path, env: Mapping[str, str], keys: Collection[str] = EXPECTED) -> dict[str, object]:
    try:
        parsed = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise SettingsError(f"{path}: cannot read it as TOML ({err})") from None
    found = {}
    for key in keys:
        section, option = key.split(".")
        table = parsed.get(section)
        if isinstance(table, dict) and option in table:
            value = table[option]
            if isinstance(value, str) and value.startswith("env:"):  # Streamlit's "env:NAME" indirection
                value = env.get(value[4:], value)
            found[key] = value
    return found


def _flag_values(args: Sequence[str], names: Collection[str]) -> list[tuple[str, str]]:
    """``(name, value)`` for each option in ``names`` passed as ``--name=value``
    or ``--name value``, in order."""
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--"):
            name, has_value, value = arg[2:].partition("=")
            if name in names:
                if not has_value:
                    if i + 1 >= len(args):
                        raise SettingsError(f"--{name}: expected a value, e.g. --{name}=true")
                    value = args[i + 1]
                    i += 1
                found.append((name, value))
        i += 1
    return found


def _from_flags(args: Sequence[str]) -> dict[str, object]:
    """``--server.enableXsrfProtection=false`` or ``--server.enableXsrfProtection false``."""
    return dict(_flag_values(args, EXPECTED))


def click_env_var(key: str) -> str:
    """The variable Click reads for ``streamlit run --KEY`` (its ``auto_envvar_prefix``)."""
    return "STREAMLIT_RUN_" + key.replace(".", "_").upper()


def effective_settings(
    extra: Sequence[str] = (),
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> dict[str, Setting]:
    """The security settings ``streamlit run`` would use, each with its source."""
    cwd = cwd if cwd is not None else Path.cwd()
    env = env if env is not None else os.environ
    home = home if home is not None else Path.home()
    settings = {key: Setting(key, value, DEFAULT_SOURCE) for key, value in STREAMLIT_DEFAULTS.items()}

    def apply(values: Mapping[str, object], source: str) -> None:
        for key, raw in values.items():
            settings[key] = Setting(key, _typed(key, raw, source), source)

    for path in config_files(cwd, home):
        if path.is_file():
            apply(_from_file(path, env), str(path))
    for key, name in ENV_VARS.items():
        # Streamlit's own name, else the one Click derives for `streamlit run`'s option
        # (STREAMLIT_RUN_SERVER_ENABLEXSRFPROTECTION), which Click reads when the first is unset.
        found = next((each for each in (name, click_env_var(key)) if each in env), None)
        if found is not None:
            apply({key: env[found]}, f"environment variable {found}")
    apply(_from_flags(extra), "the command line")
    return settings


def _weaker(setting: Setting) -> str | None:
    """Why a setting is weaker than the project expects (None: it is fine)."""
    key, value = setting.key, setting.value
    if key == "server.enableCORS" and value is not True:
        return "other web sites may connect to the dashboard; expected enableCORS = true under [server]"
    limit = MAX_UPLOAD_MB
    if key == "server.maxUploadSize" and not (isinstance(value, int) and 0 < value <= limit):
        return (
            f"uploads larger than the {limit} MB the import page expects are accepted; "
            f"expected maxUploadSize = {limit} or less"
        )
    if key == "client.showErrorDetails" and value != "none":
        return (
            "error details (tracebacks, file paths, parts of queries) are shown to users; "
            'expected showErrorDetails = "none" under [client]'
        )
    if key == "client.toolbarMode" and value != "viewer":
        return 'developer options (rerun, clear cache) may be offered to users; expected toolbarMode = "viewer"'
    return None


def check_settings(
    extra: Sequence[str] = (),
    *,
    allow_insecure_xsrf_off: bool = False,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> SecurityCheck:
    """Whether the dashboard may start with these settings: refused when XSRF
    protection is off (unless overridden); warnings for weaker settings."""
    cwd = cwd if cwd is not None else Path.cwd()
    try:
        settings = effective_settings(extra, cwd=cwd, env=env, home=home)
    except SettingsError as err:
        return SecurityCheck(refusal=f"funding-tracker serve: refusing to start: {err}")
    warnings: list[str] = []
    xsrf = settings[XSRF]
    if xsrf.value is not True:
        if not allow_insecure_xsrf_off:
            return SecurityCheck(
                refusal=(
                    f"funding-tracker serve: refusing to start: XSRF protection is off ({xsrf.said()}). "
                    "Without it another web site can make a signed-in person's browser send uploads and "
                    "form submissions to the dashboard. Turn it back on (enableXsrfProtection = true under "
                    f"[server] in {PROJECT_CONFIG}, and remove any setting that turns it off), or, only on a "
                    f"machine nobody else can reach, start with {OVERRIDE_FLAG}."
                )
            )
        warnings.append(
            f"warning: XSRF protection is off ({xsrf.said()}); starting anyway because of "
            f"{OVERRIDE_FLAG}. Never do this on a server other people can reach."
        )
    weaker = [
        f"warning: {settings[key].said()}: {why}" for key in EXPECTED if key != XSRF and (why := _weaker(settings[key]))
    ]
    warnings += weaker
    read = [p.resolve() for p in config_files(cwd, home if home is not None else Path.home())]
    if weaker and PROJECT_CONFIG.resolve() not in read:
        warnings.append(
            f"note: Streamlit reads {PROJECT_CONFIG} only when started from {PROJECT}; "
            "run funding-tracker serve from there (make run does)."
        )
    return SecurityCheck(warnings=tuple(warnings))


# Single sign-on (README, "Single sign-on"): the [auth] keys st.login() needs
# for the default provider, which is the one the sign-in page uses.
SSO_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
MIN_COOKIE_SECRET = 32
SECRETS_FLAG = "--secrets.files"


@dataclass(frozen=True)
class SsoCheck:
    """The result of ``check_sso``: whether single sign-on is on, and a
    refusal when its settings could not work or would be unsafe."""

    on: bool = False
    source: str = ""
    metadata_url: str = ""
    refusal: str | None = None


def secrets_files(extra: Sequence[str], cwd: Path, home: Path) -> list[Path]:
    """The secrets.toml files Streamlit would read: those passed with
    ``--secrets.files``, else the usual places."""
    passed = [Path(value) for _, value in _flag_values(extra, {SECRETS_FLAG[2:]})]
    return passed or config_files(cwd, home, "secrets.toml")


def check_sso(extra: Sequence[str] = (), *, cwd: Path | None = None, home: Path | None = None) -> SsoCheck:
    """Whether single sign-on is set up (an ``[auth]`` section in the
    secrets), and refuse settings that ``st.login`` would fail on at the
    first sign-in, or that would let anyone forge the identity cookie."""
    cwd = cwd if cwd is not None else Path.cwd()
    home = home if home is not None else Path.home()
    auth: dict[str, object] = {}
    sources: list[str] = []
    try:
        files = secrets_files(extra, cwd, home)
    except SettingsError as err:
        return SsoCheck(refusal=f"funding-tracker serve: refusing to start: {err}")
    for path in files:
        if not path.is_file():
            continue
        try:
            parsed = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            return SsoCheck(refusal=f"funding-tracker serve: refusing to start: {path}: cannot read it as TOML ({err})")
        section = parsed.get("auth")
        if isinstance(section, dict):
            auth.update(section)
            sources.append(str(path))
    if not sources:
        return SsoCheck()
    source = " and ".join(sources)

    def refuse(why: str) -> SsoCheck:
        return SsoCheck(
            True,
            source,
            refusal=(
                f"funding-tracker serve: refusing to start: single sign-on is set up in {source} ([auth]) but {why}. "
                'See the README, "Single sign-on".'
            ),
        )

    missing = [key for key in SSO_KEYS if not str(auth.get(key) or "").strip()]
    if missing:
        return refuse(f"lacks {', '.join(missing)}: expected all of {', '.join(SSO_KEYS)}")
    redirect = str(auth["redirect_uri"])
    if not redirect.startswith(("https://", "http://localhost")) or not redirect.rstrip("/").endswith(
        "/oauth2callback"
    ):
        return refuse(
            f"redirect_uri = {redirect!r}: expected the dashboard's own https:// address ending in "
            "/oauth2callback (plain http only for localhost), e.g. "
            "https://tracker.example.gov.uk/oauth2callback"
        )
    metadata = str(auth["server_metadata_url"])
    if not metadata.startswith(("https://", "http://localhost")):
        return refuse(
            f"server_metadata_url = {metadata!r}: expected the identity provider's https:// address of "
            "its OpenID configuration, e.g. "
            "https://login.microsoftonline.com/TENANT-ID/v2.0/.well-known/openid-configuration"
        )
    if len(str(auth["cookie_secret"])) < MIN_COOKIE_SECRET:
        return refuse(
            f"its cookie_secret is shorter than {MIN_COOKIE_SECRET} characters, so the identity cookie "
            "could be forged: expected a long random value, e.g. the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return SsoCheck(True, source, metadata)


def browser_address(address: str, port: int) -> str:
    shown = "localhost" if address in ("", "0.0.0.0", "::") else address
    return f"http://{shown}:{port}"


def announce_first_admin(engine, url: str, out: TextIO | None = None) -> str | None:
    """On a database with no users, create the administrator and print its
    one-time password; returns it (None: there were users already)."""
    from sqlalchemy.exc import IntegrityError

    from tracker import accounts
    from tracker.records.problems import ValidationFailed

    try:
        password = accounts.bootstrap_admin(engine)
    except (IntegrityError, ValidationFailed):  # another server, started at the same moment, made it (and said so)
        return None
    if password is None:
        return None
    out = out or sys.stdout
    rule = "=" * 78
    print(
        "\n".join(
            [
                rule,
                "An administrator account was created (the database had no users):",
                "  username:           admin",
                f"  one-time password:  {password}",
                f"Sign in at {url} and you will be asked to choose a new password.",
                "This password is shown only now. If it is lost before that first sign-in:",
                "  funding-tracker users reset-password admin",
                "To add people:",
                "  funding-tracker users add NAME --role viewer|reviewer|finance|editor|admin [--email EMAIL]",
                rule,
            ]
        ),
        file=out,
        flush=True,
    )
    return password


COOKIE_SECRET = "server.cookieSecret"
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"  # Streamlit's name (a test checks it agrees)


def own_cookie_secret(*, cwd: Path, env: Mapping[str, str], home: Path) -> str | None:
    """Where the operator set ``server.cookieSecret`` (``COOKIE_SECRET_ENV``, else
    the last config.toml that sets it); None: nowhere. Streamlit refuses it as
    a command-line option, so those are the only ways."""
    if env.get(COOKIE_SECRET_ENV, "").strip():
        return f"environment variable {COOKIE_SECRET_ENV}"
    for path in reversed(config_files(cwd, home)):
        if path.is_file() and str(_from_file(path, env, (COOKIE_SECRET,)).get(COOKIE_SECRET) or "").strip():
            return str(path)
    return None


def share_cookie_secret(
    engine, env: MutableMapping[str, str], *, cwd: Path, home: Path, sso: SsoCheck | None = None
) -> str:
    """Hand Streamlit the cookie secret kept in the database (made by the first
    server to start on it: ``tracker.shared_settings``) in ``env``, unless the
    operator set their own; returns the line ``serve`` prints about it."""
    from tracker import shared_settings
    from tracker.records.permissions import local_actor

    own = own_cookie_secret(cwd=cwd, env=env, home=home)
    if own is None:
        env[COOKIE_SECRET_ENV] = shared_settings.cookie_secret(engine, actor=local_actor())
    said = (
        f"Cookie secret: yours, from {own}" if own else "Cookie secret: the one in the database, shared by its servers"
    )
    if sso is not None and sso.on:
        # Streamlit signs every cookie with [auth] cookie_secret when there is one.
        said += f"; single sign-on signs with [auth] cookie_secret from {sso.source}: give every server that file"
    return said


TRUSTED_PROXIES_ENV = "TRACKER_TRUSTED_PROXIES"
UVICORN_TRUSTED_ENV = "FORWARDED_ALLOW_IPS"  # uvicorn's own setting; its default trusts 127.0.0.1


def trusted_proxies(env: Mapping[str, str]) -> str:
    """The reverse proxies whose ``X-Forwarded-For`` names the client
    (``TRACKER_TRUSTED_PROXIES``: addresses or networks, comma-separated), as
    uvicorn's ``FORWARDED_ALLOW_IPS`` takes them. None set: "" (trust none,
    not uvicorn's default of 127.0.0.1), so a client address used to slow
    failed sign-ins is never taken from a header anyone could write. A value
    that is not an address or network is refused: uvicorn would quietly treat
    it as a name no client ever has."""
    import ipaddress

    raw = env.get(TRUSTED_PROXIES_ENV, "")
    entries = [each.strip() for each in raw.split(",") if each.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(
                f"{TRUSTED_PROXIES_ENV}={raw!r}: {entry!r} is not an IP address or network; expected the "
                "addresses of the reverse proxies in front of the tracker, e.g. 127.0.0.1 or 10.0.0.0/24"
            ) from None
    return ",".join(entries)


def serve(
    port: int = 8501,
    address: str = "localhost",
    extra: list[str] | None = None,
    *,
    allow_insecure_xsrf_off: bool = False,
    with_api: bool = False,
) -> int:
    """Check the settings, migrate, create the first admin if needed, then run Streamlit
    on ``APP`` (``with_api``: ``WITH_API``, the JSON API mounted at ``/api`` too)."""
    from db.session import ensure_schema

    args = streamlit_args(extra)
    check = check_settings(args, allow_insecure_xsrf_off=allow_insecure_xsrf_off)
    for warning in check.warnings:
        print(warning, file=sys.stderr)
    if not check.ok:
        print(check.refusal, file=sys.stderr)
        return 1
    from tracker.accounts import idle_minutes

    try:
        idle_minutes()  # a bad value would otherwise break every page
        # Streamlit's server (uvicorn) reads X-Forwarded-For only from these addresses.
        os.environ[UVICORN_TRUSTED_ENV] = trusted_proxies(os.environ)
    except ValueError as err:
        print(f"funding-tracker serve: refusing to start: {err}", file=sys.stderr)
        return 1
    sso = check_sso(args)
    if sso.refusal:
        print(sso.refusal, file=sys.stderr)
        return 1
    url = browser_address(address, port)
    engine = ensure_schema()
    try:
        announce_first_admin(engine, url)
        secret_said = share_cookie_secret(engine, os.environ, cwd=Path.cwd(), home=Path.home(), sso=sso)
    finally:
        engine.dispose()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(WITH_API if with_api else APP),
        f"--server.port={port}",
        f"--server.address={address}",
        *args,
    ]
    print(
        f"Single sign-on: on, with {sso.metadata_url} (from {sso.source}); local accounts too"
        if sso.on
        else "Single sign-on: off (no [auth] section in .streamlit/secrets.toml); local accounts only",
        flush=True,
    )
    print(secret_said, flush=True)
    if with_api:
        print(f"JSON API: {url}/api  (documentation: {url}/api/docs)", flush=True)
    print(f"Funding tracker: {url}  (Ctrl+C stops it)", flush=True)
    return launch(command)


def launch(command: list[str]) -> int:
    """Run Streamlit. On POSIX the launcher becomes Streamlit (exec), so a
    signal to its process id (Ctrl+C, ``kill``, a service manager) stops the
    server itself rather than leaving it running without its parent."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(command[0], command)  # does not return
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0
