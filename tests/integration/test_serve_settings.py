"""The dashboard's security settings and the launcher that checks them.

``.streamlit/config.toml`` must keep XSRF and CORS protection on, the 200 MB
upload limit, error details hidden and the viewer toolbar.
``funding-tracker serve`` refuses to start with XSRF protection off (from a
config file, a ``STREAMLIT_...`` variable or a passed-through option) unless
``--allow-insecure-xsrf-off`` is given. The check function is tested
directly; one quick subprocess shows a real refusal (no server starts).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tracker import serve
from tracker.serve import OVERRIDE_FLAG, PROJECT, PROJECT_CONFIG, check_settings, effective_settings

CONFIG = PROJECT / ".streamlit" / "config.toml"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty home folder: no ~/.streamlit/config.toml of the person running the tests."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def write_config(folder: Path, text: str) -> Path:
    path = folder / ".streamlit" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- the project's config.toml ---------------------------------------------------------------


def test_the_project_config_holds_the_security_settings():
    assert PROJECT_CONFIG == CONFIG
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    server, client = config["server"], config["client"]
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True
    assert server["maxUploadSize"] == 200
    # Streamlit 1.67: "none" hides messages, types and tracebacks; the legacy `false`
    # means "stacktrace", which shows tracebacks in the browser.
    assert client["showErrorDetails"] == "none"
    assert client["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False


def test_streamlit_agrees_on_the_values_it_would_use():
    """Streamlit's own config reader, run in a fresh process in the project folder."""
    code = (
        "from streamlit import config\n"
        "config.get_config_options(force_reparse=True)\n"
        "for key in ('server.enableXsrfProtection', 'server.enableCORS', 'server.maxUploadSize',"
        " 'client.showErrorDetails', 'client.toolbarMode'):\n"
        "    print(key, repr(config.get_option(key)))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env["HOME"] = str(PROJECT / "no-such-home")  # leave out any ~/.streamlit/config.toml
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    values = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert values == {
        "server.enableXsrfProtection": "True",
        "server.enableCORS": "True",
        "server.maxUploadSize": "200",
        "client.showErrorDetails": "'none'",
        "client.toolbarMode": "'viewer'",
    }


def test_the_launchers_names_match_streamlits():
    from streamlit import config

    for key, env_var in serve.ENV_VARS.items():
        option = config._config_options_template[key]
        assert option.env_var == env_var
        assert option.default_val == serve.STREAMLIT_DEFAULTS[key], key
    assert set(serve.EXPECTED) == set(serve.ENV_VARS) == set(serve.STREAMLIT_DEFAULTS)


# --- the check ------------------------------------------------------------------------------------


def test_the_project_settings_pass_without_warnings(home):
    check = check_settings([], cwd=PROJECT, env={}, home=home)
    assert check.ok and check.refusal is None
    assert check.warnings == ()
    settings = effective_settings([], cwd=PROJECT, env={}, home=home)
    assert settings["server.enableXsrfProtection"].value is True
    assert settings["server.enableXsrfProtection"].source == str(CONFIG)


def _assert_refused(check, source: str) -> None:
    assert not check.ok
    assert "refusing to start" in check.refusal
    assert "XSRF protection is off" in check.refusal
    assert "server.enableXsrfProtection = false" in check.refusal
    assert source in check.refusal  # where it was turned off
    assert OVERRIDE_FLAG in check.refusal  # how to override, knowingly


@pytest.mark.parametrize(
    "args",
    [
        ["--server.enableXsrfProtection=false"],
        ["--server.enableXsrfProtection", "false"],
        ["--server.headless=true", "--server.enableXsrfProtection=False"],
        ["--server.enableXsrfProtection=0"],
        ["--server.enableXsrfProtection=off"],
    ],
)
def test_refused_when_a_passed_through_option_turns_xsrf_off(home, args):
    _assert_refused(check_settings(args, cwd=PROJECT, env={}, home=home), "the command line")


@pytest.mark.parametrize("value", ["false", "False", "0", "no"])
def test_refused_when_the_environment_turns_xsrf_off(home, value):
    env = {"STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION": value}
    _assert_refused(
        check_settings([], cwd=PROJECT, env=env, home=home),
        "environment variable STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION",
    )


@pytest.mark.parametrize("value", ["false", "0"])
def test_refused_when_the_variable_click_derives_for_streamlit_run_turns_xsrf_off(home, value):
    env = {"STREAMLIT_RUN_SERVER_ENABLEXSRFPROTECTION": value}
    _assert_refused(
        check_settings([], cwd=PROJECT, env=env, home=home),
        "environment variable STREAMLIT_RUN_SERVER_ENABLEXSRFPROTECTION",
    )
    # Streamlit's own name wins over Click's, as Click reads them.
    both = {**env, "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION": "true"}
    assert check_settings([], cwd=PROJECT, env=both, home=home).ok


def test_click_reads_the_derived_variable_for_streamlit_run(monkeypatch):
    """The name ``serve.click_env_var`` gives is the one Click itself reads for `streamlit run`."""
    import click
    from streamlit.web import cli

    run = cli.main.commands["run"]
    context = click.Context(
        run, info_name="run", parent=click.Context(cli.main, info_name="streamlit", auto_envvar_prefix="STREAMLIT")
    )
    for key in serve.ENV_VARS:
        option = next(param for param in run.params if param.name == key.replace(".", "_"))
        monkeypatch.delenv(serve.ENV_VARS[key], raising=False)
        monkeypatch.setenv(serve.click_env_var(key), "sentinel-value")
        assert option.resolve_envvar_value(context) == "sentinel-value", key


def test_refused_when_a_config_file_turns_xsrf_off(tmp_path, home):
    path = write_config(tmp_path / "site", "[server]\nenableXsrfProtection = false\nenableCORS = true\n")
    _assert_refused(check_settings([], cwd=tmp_path / "site", env={}, home=home), str(path))


def test_refused_when_the_users_own_config_turns_xsrf_off(home):
    path = write_config(home, "[server]\nenableXsrfProtection = false\n")
    # Started from the project folder, its config.toml is read later and turns it back on.
    assert check_settings([], cwd=PROJECT, env={}, home=home).ok
    # From elsewhere, the user's own file is all there is.
    _assert_refused(check_settings([], cwd=home, env={}, home=home), str(path))


def test_later_sources_win(tmp_path, home):
    write_config(tmp_path, "[server]\nenableXsrfProtection = false\n")
    env = {"STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION": "true"}
    assert check_settings([], cwd=tmp_path, env=env, home=home).ok
    assert not check_settings(["--server.enableXsrfProtection=false"], cwd=tmp_path, env=env, home=home).ok
    assert check_settings(["--server.enableXsrfProtection=true"], cwd=tmp_path, env={}, home=home).ok


def test_the_override_lets_it_start_with_a_loud_warning(home):
    args = ["--server.enableXsrfProtection=false"]
    check = check_settings(args, allow_insecure_xsrf_off=True, cwd=PROJECT, env={}, home=home)
    assert check.ok
    assert len(check.warnings) == 1
    assert "XSRF protection is off" in check.warnings[0] and OVERRIDE_FLAG in check.warnings[0]


def test_an_unreadable_setting_is_refused(tmp_path, home):
    check = check_settings([], cwd=PROJECT, env={"STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION": "maybe"}, home=home)
    assert not check.ok and "'maybe'" in check.refusal and "expected true or false" in check.refusal
    write_config(tmp_path, "[server\nenableXsrfProtection = true\n")
    check = check_settings([], cwd=tmp_path, env={}, home=home)
    assert not check.ok and "TOML" in check.refusal
    check = check_settings(["--server.enableXsrfProtection"], cwd=PROJECT, env={}, home=home)
    assert not check.ok and "expected a value" in check.refusal


def test_weaker_settings_are_warned_about(tmp_path, home):
    write_config(
        tmp_path,
        "[server]\nenableCORS = false\nmaxUploadSize = 1000\n"
        '[client]\nshowErrorDetails = false\ntoolbarMode = "developer"\n',
    )
    check = check_settings([], cwd=tmp_path, env={}, home=home)
    assert check.ok  # only XSRF refuses
    said = "\n".join(check.warnings)
    for key in ("server.enableCORS", "server.maxUploadSize", "client.showErrorDetails", "client.toolbarMode"):
        assert key in said
    assert str(PROJECT) in said  # run it from the project folder, where its config.toml is read


def test_legacy_and_env_spellings_of_error_details(home):
    for value, weaker in (("none", False), ("false", True), ("stacktrace", True), ("full", True)):
        env = {"STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": value}
        warnings = check_settings([], cwd=PROJECT, env=env, home=home).warnings
        assert any("showErrorDetails" in w for w in warnings) is weaker, value


def test_passed_through_options_lose_the_separator():
    assert serve.streamlit_args(["--", "--server.headless=true"]) == ["--server.headless=true"]
    assert serve.streamlit_args(None) == []


# --- a real refusal -----------------------------------------------------------------------------


def test_serve_refuses_at_once_and_touches_nothing(tmp_path, home):
    database = tmp_path / "tracker.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env |= {"TRACKER_DATABASE_URL": f"sqlite:///{database}", "HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "tracker.cli", "serve", "--port", "8598", "--", "--server.enableXsrfProtection=false"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "refusing to start: XSRF protection is off" in result.stderr
    assert OVERRIDE_FLAG in result.stderr
    assert "one-time password" not in result.stdout
    assert not database.exists()  # no migration, no administrator, no server


def test_serve_refuses_a_bad_idle_timeout_before_touching_the_database(tmp_path, home, monkeypatch, capsys):
    started = []
    database = tmp_path / "tracker.db"
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("TRACKER_IDLE_MINUTES", "half an hour")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(PROJECT)
    monkeypatch.setattr(serve, "launch", lambda command: started.append(command) or 0)
    assert serve.serve(port=8597) == 1
    err = capsys.readouterr().err
    assert "refusing to start" in err and "TRACKER_IDLE_MINUTES='half an hour'" in err
    assert started == [] and not database.exists()
