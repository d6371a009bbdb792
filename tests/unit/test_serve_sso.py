"""``funding-tracker serve`` checks single sign-on settings before starting:
an ``[auth]`` section that ``st.login`` would fail on at the first sign-in,
or whose cookie secret could be guessed, is refused with what to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker import serve
from tracker.serve import PROJECT, check_sso

GOOD = {
    "redirect_uri": "https://tracker.example.gov.uk/oauth2callback",
    "cookie_secret": "k" * 43,
    "client_id": "00000000-0000-0000-0000-000000000000",
    "client_secret": "from the app registration",
    "server_metadata_url": "https://login.microsoftonline.com/TENANT/v2.0/.well-known/openid-configuration",
}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def cwd(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def write_secrets(folder: Path, auth: dict[str, str] | None, extra: str = "") -> Path:
    path = folder / ".streamlit" / "secrets.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["[auth]", *(f'{k} = "{v}"' for k, v in auth.items())] if auth is not None else []
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def test_no_secrets_means_local_accounts_only(cwd, home):
    assert check_sso(cwd=cwd, home=home) == serve.SsoCheck()


def test_secrets_without_an_auth_section_mean_local_accounts_only(cwd, home):
    write_secrets(cwd, None, '[database]\nurl = "x"\n')
    assert check_sso(cwd=cwd, home=home).on is False


def test_a_complete_auth_section_turns_single_sign_on_on(cwd, home):
    path = write_secrets(cwd, GOOD)
    check = check_sso(cwd=cwd, home=home)
    assert check.on and check.refusal is None
    assert check.metadata_url == GOOD["server_metadata_url"] and check.source == str(path)


@pytest.mark.parametrize("key", serve.SSO_KEYS)
def test_a_missing_key_is_refused_by_name(cwd, home, key):
    write_secrets(cwd, {k: v for k, v in GOOD.items() if k != key})
    check = check_sso(cwd=cwd, home=home)
    assert check.refusal is not None
    assert f"lacks {key}:" in check.refusal and "refusing to start" in check.refusal


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("redirect_uri", "http://tracker.example.gov.uk/oauth2callback", "https://"),
        ("redirect_uri", "https://tracker.example.gov.uk/", "/oauth2callback"),
        ("server_metadata_url", "http://login.example.org/.well-known/openid-configuration", "https://"),
        ("cookie_secret", "s3cr3t-t00-sh0rt", "shorter than 32 characters"),
    ],
)
def test_settings_that_could_not_work_or_are_unsafe_are_refused(cwd, home, key, value, expected):
    write_secrets(cwd, {**GOOD, key: value})
    check = check_sso(cwd=cwd, home=home)
    assert check.refusal is not None and expected in check.refusal
    assert repr(value) in check.refusal or key == "cookie_secret"
    assert value not in check.refusal or key != "cookie_secret"  # a secret is never echoed


def test_localhost_may_use_plain_http(cwd, home):
    write_secrets(
        cwd,
        {
            **GOOD,
            "redirect_uri": "http://localhost:8501/oauth2callback",
            "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
        },
    )
    assert check_sso(cwd=cwd, home=home).refusal is None


def test_later_files_win_and_a_passed_secrets_file_replaces_the_usual_places(cwd, home, tmp_path):
    write_secrets(home, {**GOOD, "cookie_secret": "short"})
    write_secrets(cwd, {"cookie_secret": GOOD["cookie_secret"]})
    assert check_sso(cwd=cwd, home=home).refusal is None  # the project's secret overrides the home one
    passed = tmp_path / "elsewhere.toml"
    passed.write_text("[auth]\nclient_id = 'x'\n", encoding="utf-8")
    for args in ([f"--secrets.files={passed}"], ["--secrets.files", str(passed)]):
        check = check_sso(args, cwd=cwd, home=home)
        assert check.refusal is not None and str(passed) in check.refusal and "lacks redirect_uri" in check.refusal


def test_an_unreadable_secrets_file_is_refused(cwd, home):
    write_secrets(cwd, None, "[auth\n")
    assert "cannot read it as TOML" in (check_sso(cwd=cwd, home=home).refusal or "")


@pytest.fixture
def started(tmp_path, home, monkeypatch) -> list:
    """``serve.serve`` on a database under tmp_path; the Streamlit commands it would have run.

    Here serve must refuse before it opens the database; serve starting on a
    database is tested in tests/integration/test_serve_sso_start.py.
    """
    commands: list = []
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(PROJECT)
    monkeypatch.setattr(serve, "launch", lambda command: commands.append(command) or 0)
    return commands


def test_serve_refuses_bad_single_sign_on_before_touching_the_database(tmp_path, started, capsys):
    passed = write_secrets(tmp_path, {**GOOD, "cookie_secret": "short"})
    assert serve.serve(port=8596, extra=["--", f"--secrets.files={passed}"]) == 1
    err = capsys.readouterr().err
    assert "single sign-on is set up" in err and "cookie_secret" in err
    assert started == [] and not (tmp_path / "tracker.db").exists()
